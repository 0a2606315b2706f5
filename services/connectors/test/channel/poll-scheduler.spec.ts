import { randomBytes, randomUUID } from 'node:crypto';

import { SchedulerRegistry } from '@nestjs/schedule';
import { Streams } from '@qbsync/contracts';
import { AppLogger, createRootLogger, JetStreamService, MetricsService } from '@qbsync/platform';
import { withInfrastructure } from '@qbsync/testing';
import { type Connection } from 'mongoose';
import { connect, type NatsConnection } from 'nats';

import { type ChannelAdapter } from '../../src/channel/channel-adapter';
import { ChannelConnectionRepository } from '../../src/channel/channel-connection.repository';
import { PollScheduler, pollKinds } from '../../src/channel/poll.scheduler';
import { type ConnectorsConfig } from '../../src/connectors.config';
import { etsyAdapter } from '../../src/etsy/etsy.adapter';
import { ensureIndexes, openTestDatabase } from '../database';

const logger = new AppLogger(createRootLogger('connectors-test', 'silent'));
const config = {
  ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  POLLING_ENABLED: true,
  POLL_TICK_SECONDS: 60,
} as ConnectorsConfig;
const adapter = etsyAdapter as unknown as ChannelAdapter;
/** Jobs one due connection gets in a tick: a poll per record kind and the inventory report. */
const JOBS_PER_CONNECTION = pollKinds(adapter).length + (adapter.readInventory ? 1 : 0);

describe('PollScheduler', () => {
  const infra = withInfrastructure();
  let database: Connection;
  let nats: NatsConnection;
  let connections: ChannelConnectionRepository;
  let scheduler: PollScheduler;

  beforeAll(async () => {
    database = await openTestDatabase(`${infra.mongoUri}-poll-scheduler`);
    nats = await connect({ servers: infra.natsUrl });
    connections = new ChannelConnectionRepository(database, config, adapter);
    await ensureIndexes(database);

    const jetStream = new JetStreamService(nats, logger, new MetricsService());

    await jetStream.ensureStreams([Streams.Orders]);
    scheduler = new PollScheduler(
      adapter,
      config,
      connections,
      jetStream,
      new SchedulerRegistry(),
      logger,
    );
  }, 60_000);

  afterAll(async () => {
    await nats?.close();
    await database?.close();
  });

  async function storeConnection(): Promise<string> {
    const connection = await connections.store({
      accountId: 'poll-account',
      connectionId: `etsy-${randomUUID()}`,
      credentials: {
        keystring: 'etsytestkeystring',
        shopId: 30123456,
        refreshToken: '812345.first-refresh',
      },
      settings: { statusFilter: [], storeFilter: [], pollIntervalMinutes: 5 },
    });

    return connection.connectionId;
  }

  it('skips a connection that needs reconnecting', async () => {
    await storeConnection();
    const rejected = await storeConnection();

    await connections.markReconnectNeeded(rejected, 'invalid_grant from the token endpoint');
    const queued = await scheduler.tick(new Date('2026-01-01T10:00:00Z'));

    expect(queued).toBe(JOBS_PER_CONNECTION);
  });

  it('polls it again once stored anew', async () => {
    const connectionId = await storeConnection();

    await connections.markReconnectNeeded(connectionId, 'invalid_grant from the token endpoint');
    await connections.store({
      accountId: 'poll-account',
      connectionId,
      credentials: {
        keystring: 'etsytestkeystring',
        shopId: 30123456,
        refreshToken: '812345.second-refresh',
      },
      settings: { statusFilter: [], storeFilter: [], pollIntervalMinutes: 5 },
    });
    const queued = await scheduler.tick(new Date('2026-01-01T11:00:00Z'));

    // Every stored connection is due in the new interval: two from the first case, this one.
    expect(queued).toBe(JOBS_PER_CONNECTION * 2);
  });
});
