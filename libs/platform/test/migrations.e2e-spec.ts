import { withInfrastructure } from '@qbsync/testing';
import mongoose, { type Connection, Schema } from 'mongoose';

import { AppLogger, createRootLogger } from '../src/logging/logger';
import {
  createIndexesMigration,
  type Migration,
  MigrationError,
  MIGRATIONS_COLLECTION,
  runMigrations,
} from '../src/migrations';

const logger = new AppLogger(createRootLogger('migrations-test', 'silent'));

/** Builds a migration that counts its runs in the `runs` collection and takes `delayMs` to finish. */
function countingMigration(id: string, delayMs = 0): Migration {
  return {
    id,
    description: `counts runs of ${id}`,
    async up(connection) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      await connection.collection('runs').insertOne({ migrationId: id });
    },
  };
}

describe('runMigrations', () => {
  const infra = withInfrastructure();
  let database = 0;
  let connections: Connection[] = [];

  /** Opens a connection to a fresh database, or to `name` when given. */
  async function connect(name?: string): Promise<Connection> {
    const url = new URL(infra.mongoUri);

    url.pathname = `/${name ?? `migrations-${++database}`}`;
    const connection = await mongoose.createConnection(url.toString()).asPromise();

    connections.push(connection);

    return connection;
  }

  async function runsOf(connection: Connection, id: string): Promise<number> {
    return connection.collection('runs').countDocuments({ migrationId: id });
  }

  afterEach(async () => {
    await Promise.all(connections.map((connection) => connection.close()));
    connections = [];
  });

  it('applies each migration once and records it', async () => {
    const connection = await connect();
    const migrations = [
      countingMigration('2026-12-04-001-a'),
      countingMigration('2026-12-04-002-b'),
    ];

    const result = await runMigrations(connection, migrations, logger);

    expect(result.applied).toEqual(['2026-12-04-001-a', '2026-12-04-002-b']);
    expect(result.alreadyApplied).toEqual([]);
    expect(await runsOf(connection, '2026-12-04-001-a')).toBe(1);
    expect(await runsOf(connection, '2026-12-04-002-b')).toBe(1);
    const records = await connection
      .collection(MIGRATIONS_COLLECTION)
      .find({}, { sort: { _id: 1 } })
      .toArray();

    expect(records.map((record) => record._id)).toEqual(['2026-12-04-001-a', '2026-12-04-002-b']);
    expect(records.map((record) => record.state)).toEqual(['applied', 'applied']);
  });

  it('second run is a no-op', async () => {
    const connection = await connect();
    const migrations = [countingMigration('2026-12-04-001-a')];

    await runMigrations(connection, migrations, logger);
    const second = await runMigrations(connection, migrations, logger);

    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(['2026-12-04-001-a']);
    expect(await runsOf(connection, '2026-12-04-001-a')).toBe(1);
  });

  it('applies only migrations added since the last run', async () => {
    const connection = await connect();

    await runMigrations(connection, [countingMigration('2026-12-04-001-a')], logger);
    const second = await runMigrations(
      connection,
      [countingMigration('2026-12-04-001-a'), countingMigration('2026-12-05-001-b')],
      logger,
    );

    expect(second.applied).toEqual(['2026-12-05-001-b']);
    expect(await runsOf(connection, '2026-12-04-001-a')).toBe(1);
    expect(await runsOf(connection, '2026-12-05-001-b')).toBe(1);
  });

  it('concurrent runners apply each migration once', async () => {
    const first = await connect();
    const second = await connect(first.name);
    const third = await connect(first.name);
    const migrations = [
      countingMigration('2026-12-04-001-a', 300),
      countingMigration('2026-12-04-002-b', 300),
      countingMigration('2026-12-04-003-c', 0),
    ];
    const options = { pollIntervalMs: 50 };

    const results = await Promise.all(
      [first, second, third].map((connection, index) =>
        runMigrations(connection, migrations, logger, { ...options, runner: `runner-${index}` }),
      ),
    );

    for (const migration of migrations) {
      expect(await runsOf(first, migration.id)).toBe(1);
      expect(results.filter((result) => result.applied.includes(migration.id))).toHaveLength(1);
    }

    for (const result of results) {
      expect([...result.applied, ...result.alreadyApplied].sort()).toEqual(
        migrations.map((migration) => migration.id),
      );
    }
  });

  it('failing migration is not recorded and stops the run', async () => {
    const connection = await connect();
    const failing: Migration = {
      id: '2026-12-04-002-broken',
      description: 'always fails',
      up: () => Promise.reject(new Error('index build failed')),
    };
    const migrations = [
      countingMigration('2026-12-04-001-a'),
      failing,
      countingMigration('2026-12-04-003-c'),
    ];

    const run = runMigrations(connection, migrations, logger);

    await expect(run).rejects.toThrow(MigrationError);
    await expect(run).rejects.toThrow(/2026-12-04-002-broken.*index build failed/);
    await expect(run).rejects.toMatchObject({ migrationId: '2026-12-04-002-broken' });
    const ids = await connection.collection(MIGRATIONS_COLLECTION).distinct('_id');

    expect(ids).toEqual(['2026-12-04-001-a']);
    expect(await runsOf(connection, '2026-12-04-003-c')).toBe(0);
  });

  it('failed migration runs again on the next run', async () => {
    const connection = await connect();
    let attempts = 0;
    const flaky: Migration = {
      id: '2026-12-04-001-flaky',
      description: 'fails the first time',
      async up() {
        attempts++;
        if (attempts === 1) {
          throw new Error('first attempt fails');
        }
      },
    };

    await expect(runMigrations(connection, [flaky], logger)).rejects.toThrow(MigrationError);
    const second = await runMigrations(connection, [flaky], logger);

    expect(second.applied).toEqual(['2026-12-04-001-flaky']);
    expect(attempts).toBe(2);
  });

  it('stuck claim times out naming the document', async () => {
    const connection = await connect();

    await connection.collection(MIGRATIONS_COLLECTION).insertOne({
      _id: '2026-12-04-001-a' as never,
      state: 'running',
      runner: 'killed-pod:1',
      startedAt: new Date(),
    });

    await expect(
      runMigrations(connection, [countingMigration('2026-12-04-001-a')], logger, {
        waitTimeoutMs: 200,
        pollIntervalMs: 50,
      }),
    ).rejects.toThrow(/killed-pod:1.*delete the document \{ _id: "2026-12-04-001-a" \}/);
  });

  it('reports migrations it does not define', async () => {
    const connection = await connect();

    await runMigrations(
      connection,
      [countingMigration('2026-12-04-001-a'), countingMigration('2026-12-05-001-newer')],
      logger,
    );
    const older = await runMigrations(connection, [countingMigration('2026-12-04-001-a')], logger);

    expect(older.unknown).toEqual(['2026-12-05-001-newer']);
  });

  it('rejects ids out of order', async () => {
    const connection = await connect();

    await expect(
      runMigrations(
        connection,
        [countingMigration('2026-12-05-001-b'), countingMigration('2026-12-04-001-a')],
        logger,
      ),
    ).rejects.toThrow(/ascending order/);
  });

  it('index migration creates declared indexes', async () => {
    const connection = await connect();
    const schema = new Schema({ key: String, accountId: String }, { collection: 'widgets' });

    schema.index({ key: 1 }, { unique: true });
    schema.index({ accountId: 1, key: 1 });
    const migration = createIndexesMigration('2026-12-04-001-widgets', 'widget indexes', [
      { name: 'Widget', schema },
    ]);

    await runMigrations(connection, [migration], logger);
    const indexes = await connection.collection('widgets').indexes();
    const unique = indexes.find((index) => index.name === 'key_1');

    expect(indexes.map((index) => index.name).sort()).toEqual(
      ['_id_', 'accountId_1_key_1', 'key_1'].sort(),
    );
    expect(unique?.unique).toBe(true);
  });
});
