import { AppLogger, createRootLogger, runMigrations } from '@qbsync/platform';
import { withInfrastructure } from '@qbsync/testing';
import mongoose, { type Connection } from 'mongoose';

import { qboMigrations } from '../src/migrations';

describe('qbo migrations', () => {
  const infra = withInfrastructure();
  let connection: Connection;
  const logger = new AppLogger(createRootLogger('qbo', 'silent'));

  beforeAll(async () => {
    const url = new URL(infra.mongoUri);

    url.pathname = '/qbsync-qbo-migrate';
    connection = await mongoose.createConnection(url.toString(), { autoIndex: false }).asPromise();
  });

  afterAll(async () => {
    await connection.close();
  });

  it('creates the ledger collections and unique indexes', async () => {
    const result = await runMigrations(connection, qboMigrations, logger);
    const collections = (await connection.listCollections()).map((item) => item.name);
    const references = await connection.collection('qbo_entity_references').indexes();
    const connections = await connection.collection('qbo_connections').indexes();

    expect(result.applied).toEqual(['2026-12-04-001-posting-ledger-indexes']);
    expect(collections).toEqual(
      expect.arrayContaining([
        'posting_ledger',
        'posting_outcomes',
        'exclusive_claims',
        'qbo_entity_references',
        'qbo_connections',
        'schema_migrations',
      ]),
    );
    expect(references.find((index) => index.name === 'realmId_1_kind_1_key_1')?.unique).toBe(true);
    expect(connections.find((index) => index.name === 'accountId_1')?.unique).toBe(true);
  });

  it('second run applies nothing', async () => {
    const result = await runMigrations(connection, qboMigrations, logger);

    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toEqual(['2026-12-04-001-posting-ledger-indexes']);
  });
});
