import { randomUUID } from 'node:crypto';

import { withInfrastructure } from '@qbsync/testing';
import { buildOrder } from '@qbsync/testing/dist/orders';
import { type Connection } from 'mongoose';

import { ensureIndexes, openTestDatabase } from '../../test/database';
import { ReceivedOrderRepository } from './received-order.repository';

const DAY = 24 * 60 * 60 * 1000;

describe(ReceivedOrderRepository.name, () => {
  const infra = withInfrastructure();
  let database: Connection;
  let sut: ReceivedOrderRepository;

  beforeAll(async () => {
    database = await openTestDatabase(infra.mongoUri);
    sut = new ReceivedOrderRepository(database);
    await ensureIndexes(database);
  });

  afterAll(async () => {
    await database.close();
  });

  function newAccountId(): string {
    return `account-${randomUUID()}`;
  }

  it('keeps one copy of a redelivered order', async () => {
    const accountId = newAccountId();
    const order = buildOrder({ accountId });

    await sut.record(order);
    await sut.record(order);

    expect(await sut.list({ accountId, since: new Date(0), limit: 10 })).toHaveLength(1);
  });

  it('keeps each edit of an order', async () => {
    const accountId = newAccountId();

    await sut.record(buildOrder({ accountId }));
    await sut.record(buildOrder({ accountId, updatedAt: '2025-07-03T09:00:00-05:00' }));

    expect(await sut.list({ accountId, since: new Date(0), limit: 10 })).toHaveLength(2);
  });

  it('finds an order by number with or without #', async () => {
    const accountId = newAccountId();

    await sut.record(buildOrder({ accountId, orderNumber: '#1001', channelOrderId: '77' }));

    expect((await sut.findOne(accountId, '1001'))?.channelOrderId).toBe('77');
    expect((await sut.findOne(accountId, '#1001'))?.channelOrderId).toBe('77');
    expect((await sut.findOne(accountId, '77'))?.orderNumber).toBe('#1001');
  });

  it('finds nothing for another connection', async () => {
    const accountId = newAccountId();

    await sut.record(buildOrder({ accountId, orderNumber: '#1' }));

    expect(await sut.findOne(accountId, '#1', 'other-connection')).toBeNull();
  });

  it('lists only orders received since the date', async () => {
    const accountId = newAccountId();
    const now = Date.now();

    await sut.record(buildOrder({ accountId, channelOrderId: 'old' }), new Date(now - 10 * DAY));
    await sut.record(buildOrder({ accountId, channelOrderId: 'new' }), new Date(now));
    const recent = await sut.list({ accountId, since: new Date(now - DAY), limit: 10 });

    expect(recent.map((order) => order.channelOrderId)).toEqual(['new']);
  });

  it('purges orders received before the cutoff', async () => {
    const accountId = newAccountId();
    const now = Date.now();

    await sut.record(buildOrder({ accountId, channelOrderId: 'old' }), new Date(now - 40 * DAY));
    await sut.record(buildOrder({ accountId, channelOrderId: 'new' }), new Date(now));
    const deleted = await sut.purgeBefore(new Date(now - 30 * DAY));
    const remaining = await sut.list({ accountId, since: new Date(0), limit: 10 });

    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(remaining.map((order) => order.channelOrderId)).toEqual(['new']);
  });
});
