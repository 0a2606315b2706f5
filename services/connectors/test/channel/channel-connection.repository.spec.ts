import { randomBytes, randomUUID } from 'node:crypto';

import { withInfrastructure } from '@qbsync/testing';
import { type Connection } from 'mongoose';

import { type ChannelAdapter } from '../../src/channel/channel-adapter';
import { ChannelConnectionRepository } from '../../src/channel/channel-connection.repository';
import { type ConnectorsConfig } from '../../src/connectors.config';
import { wooCommerceAdapter } from '../../src/woocommerce/woocommerce.adapter';
import { ensureIndexes, openTestDatabase } from '../database';

function repository(database: Connection, encryptionKey: string): ChannelConnectionRepository {
  const config = { ENCRYPTION_KEY: encryptionKey } as ConnectorsConfig;

  return new ChannelConnectionRepository(
    database,
    config,
    wooCommerceAdapter as unknown as ChannelAdapter,
  );
}

function wooConnection(accountId: string, connectionId: string) {
  return {
    accountId,
    connectionId,
    credentials: {
      storeUrl: `https://${connectionId}.example.com`,
      consumerKey: 'ck_0123456789abcdef',
      consumerSecret: 'cs_0123456789abcdef',
      webhookSecret: 'woo-webhook-secret',
    },
    settings: { statusFilter: [], storeFilter: [], pollIntervalMinutes: 15 },
  };
}

describe('ChannelConnectionRepository.listAll', () => {
  const infra = withInfrastructure();
  let database: Connection;

  beforeAll(async () => {
    database = await openTestDatabase(`${infra.mongoUri}-connection-list`);
  });

  afterAll(async () => {
    await database?.close();
  });

  it('skips a connection stored under another key', async () => {
    const accountId = randomUUID();
    const oldKey = randomBytes(32).toString('base64');
    const currentKey = randomBytes(32).toString('base64');
    const current = repository(database, currentKey);

    await ensureIndexes(database);
    await repository(database, oldKey).store(wooConnection(accountId, `old-${accountId}`));
    await current.store(wooConnection(accountId, `new-${accountId}`));

    const unreadable: string[] = [];
    const listed = await current.listAll((document) => unreadable.push(document.connectionId));
    const ours = listed.filter((connection) => connection.accountId === accountId);

    expect(ours.map((connection) => connection.connectionId)).toEqual([`new-${accountId}`]);
    expect(unreadable).toContain(`old-${accountId}`);
  });
});
