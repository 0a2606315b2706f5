import { randomBytes } from 'node:crypto';

import { type InventoryReported, type Order, Subjects } from '@qbsync/contracts';
import { loadShopifyOrderFixtures } from '@qbsync/sandbox/dist/shopify';
import { withInfrastructure } from '@qbsync/testing';
import mongoose from 'mongoose';

import {
  type ConnectorsHarness,
  createTestAccount,
  gatewayCall,
  sandboxCall,
  startConnectorsHarness,
  waitForMessages,
} from './connectors-harness';

describe('scheduled polling', () => {
  const infra = withInfrastructure();
  let harness: ConnectorsHarness;
  let connectionId: string;
  let connectedAt: string;
  let orders: Order[];

  beforeAll(async () => {
    // Two replicas tick every second; the schedule still queues one poll per interval.
    harness = await startConnectorsHarness(infra, {
      channel: 'shopify',
      replicas: 2,
      env: { POLL_TICK_SECONDS: '1' },
    });
    const shopDomain = `poll-${randomBytes(4).toString('hex')}.myshopify.com`;
    const accessToken = `shpat_${randomBytes(12).toString('hex')}`;

    // Seeded with Shopify's examples: their orders are years old, but their inventory is current.
    await sandboxCall(harness, 'POST', '/__sandbox/shopify/shops', { shopDomain, accessToken });
    const accountId = await createTestAccount(harness, 'Polling e2e');

    connectedAt = new Date().toISOString();
    const reply = await gatewayCall<{ connectionId: string }>(
      harness,
      'POST',
      `/api/accounts/${accountId}/connections/shopify`,
      {
        shopDomain,
        webhookSecret: 'e2e-shopify-client-secret',
        accessToken,
        backfillDays: 0,
        settings: { pollIntervalMinutes: 1 },
      },
    );

    connectionId = reply.body.connectionId;
    // An order whose webhook never arrived: only the poll can find it.
    const sample = loadShopifyOrderFixtures().find((fixture) => fixture.id === 450789469)!.body;
    const now = new Date().toISOString();

    await sandboxCall(harness, 'POST', `/__sandbox/shopify/shops/${shopDomain}/orders`, {
      orders: [
        {
          ...structuredClone(sample),
          id: 9_100_001,
          name: '#9100001',
          created_at: now,
          updated_at: now,
        },
      ],
    });
    orders = (
      await waitForMessages<Order>(harness, Subjects.OrderReceived, connectionId, 1, 150_000)
    ).map((message) => message.payload);
  }, 240_000);

  afterAll(async () => {
    await harness?.stop();
  }, 60_000);

  it('finds the order without a webhook', () => {
    expect(orders.map((order) => order.channelOrderId)).toEqual(['9100001']);
  });

  it('records the source as a poll', () => {
    expect(orders[0].source.kind).toBe('poll');
  });

  it('reports inventory levels by SKU', async () => {
    const [report] = await waitForMessages<InventoryReported>(
      harness,
      Subjects.InventoryReported,
      connectionId,
      1,
    );

    expect(report.payload.levels).toContainEqual({
      sku: 'IPOD2008BLACK',
      locationId: '655441491',
      quantity: expect.any(Number),
    });
  }, 60_000);

  it('moves the stored cursor forward', async () => {
    const url = new URL(infra.mongoUri);

    url.pathname = '/qbsync-connectors';
    const database = await mongoose.createConnection(url.toString()).asPromise();

    try {
      const cursor = await database
        .collection('channel_cursors')
        .findOne({ _id: `${connectionId}:orders` as never });

      expect(String(cursor?.cursor) > connectedAt).toBe(true);
    } finally {
      await database.close();
    }
  });
});
