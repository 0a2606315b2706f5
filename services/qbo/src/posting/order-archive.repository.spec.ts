import { randomUUID } from 'node:crypto';

import { type OrderReady } from '@qbsync/contracts';
import { withInfrastructure } from '@qbsync/testing';
import { buildSampleShopifyOrder } from '@qbsync/testing/dist/orders';
import { type Connection } from 'mongoose';

import { openTestDatabase } from '../../test/database';
import { OrderArchiveRepository } from './order-archive.repository';

describe(OrderArchiveRepository.name, () => {
  const infra = withInfrastructure();
  let database: Connection;
  let sut: OrderArchiveRepository;

  beforeAll(async () => {
    database = await openTestDatabase(infra.mongoUri);
    sut = new OrderArchiveRepository(database);
  });

  afterAll(async () => {
    await database.close();
  });

  function version(channelOrderId: string, updatedAt: string, orderNumber: string): OrderReady {
    return {
      order: { ...buildSampleShopifyOrder(), channelOrderId, updatedAt, orderNumber },
      target: 'qbo',
      documentKind: 'sales_receipt',
      ruleSetVersion: 0,
      appliedRules: [],
    };
  }

  async function stored(ready: OrderReady): Promise<OrderReady | undefined> {
    return sut.find(ready.order.accountId, ready.order.channel, ready.order.channelOrderId);
  }

  it('stores the first version', async () => {
    const first = version(randomUUID(), '2026-01-01T10:00:00Z', 'first');

    await sut.save(first);

    expect((await stored(first))?.order.orderNumber).toBe('first');
  });

  it('round-trips an order with optional fields left out', async () => {
    const ready = version(randomUUID(), '2026-01-01T10:00:00Z', 'sparse');

    ready.order.shippingAddress = undefined;
    await sut.save(ready);

    expect((await stored(ready))?.order).not.toHaveProperty('shippingAddress');
  });

  it('replaces it with a newer version', async () => {
    const channelOrderId = randomUUID();

    await sut.save(version(channelOrderId, '2026-01-01T10:00:00Z', 'first'));
    await sut.save(version(channelOrderId, '2026-01-01T11:00:00Z', 'second'));

    expect((await stored(version(channelOrderId, '', '')))?.order.orderNumber).toBe('second');
  });

  it('keeps a newer version over an older redelivery', async () => {
    const channelOrderId = randomUUID();

    await sut.save(version(channelOrderId, '2026-01-01T11:00:00Z', 'newer'));
    await sut.save(version(channelOrderId, '2026-01-01T10:00:00Z', 'older'));

    expect((await stored(version(channelOrderId, '', '')))?.order.orderNumber).toBe('newer');
  });
});
