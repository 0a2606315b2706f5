import { randomBytes } from 'node:crypto';

import { type Order, Subjects } from '@qbsync/contracts';
import { loadShopifyOrderFixtures } from '@qbsync/sandbox/dist/shopify';
import { waitFor, withInfrastructure } from '@qbsync/testing';

import {
  type ConnectorsHarness,
  countPublishedOrders,
  createTestAccount,
  gatewayCall,
  readStream,
  sandboxCall,
  startConnectorsHarness,
} from './connectors-harness';

const ORDER_COUNT = 48;
const SPACING_MS = 6 * 60 * 60 * 1000;

/** Orders spread six hours apart, so the backfill has a dozen day windows to share out. */
function spreadOrders(firstId: number): {
  orders: Record<string, unknown>[];
  transactions: Record<string, unknown[]>;
} {
  const sample = loadShopifyOrderFixtures().find((fixture) => fixture.id === 450789469)!.body;
  const orders: Record<string, unknown>[] = [];
  const transactions: Record<string, unknown[]> = {};

  for (let index = 0; index < ORDER_COUNT; index += 1) {
    const id = firstId + index;
    const time = new Date(Date.now() - (index + 1) * SPACING_MS).toISOString();

    orders.push({
      ...structuredClone(sample),
      id,
      name: `#${id}`,
      created_at: time,
      updated_at: time,
    });
    transactions[String(id)] = [
      {
        id: id * 10,
        kind: 'sale',
        status: 'success',
        amount: '598.94',
        currency: 'USD',
        gateway: 'shopify_payments',
      },
    ];
  }

  return { orders, transactions };
}

describe('two connector replicas', () => {
  const infra = withInfrastructure();
  let harness: ConnectorsHarness;
  let connectionId: string;
  let orders: { payload: Order; messageId?: string }[];
  let survivorPublished: number;

  beforeAll(async () => {
    harness = await startConnectorsHarness(infra, { channel: 'shopify', replicas: 2 });
    const shopDomain = `replicas-${randomBytes(4).toString('hex')}.myshopify.com`;
    const accessToken = `shpat_${randomBytes(12).toString('hex')}`;

    await sandboxCall(harness, 'POST', '/__sandbox/shopify/shops', {
      shopDomain,
      accessToken,
      seed: false,
    });
    await sandboxCall(
      harness,
      'POST',
      `/__sandbox/shopify/shops/${shopDomain}/orders`,
      spreadOrders(8_000_001),
    );
    const accountId = await createTestAccount(harness, 'Replicas e2e');
    const reply = await gatewayCall<{ connectionId: string }>(
      harness,
      'POST',
      `/api/accounts/${accountId}/connections/shopify`,
      {
        shopDomain,
        webhookSecret: 'e2e-shopify-client-secret',
        accessToken,
        backfillDays: 13,
      },
    );

    connectionId = reply.body.connectionId;
    const [first, second] = harness.replicas;

    // Stop the first replica while the backfill is under way; its unfinished windows go to the other.
    await waitFor(
      async () =>
        (await readStream<Order>(harness, Subjects.OrderReceived, connectionId)).length >= 4,
      {
        timeoutMs: 60_000,
        intervalMs: 200,
        description: 'the first orders of the backfill',
      },
    );
    await first.stop();
    harness.replicas.splice(0, 1);
    orders = await waitFor(
      async () => {
        const messages = await readStream<Order>(harness, Subjects.OrderReceived, connectionId);

        return messages.length >= ORDER_COUNT ? messages : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1000, description: `${ORDER_COUNT} orders` },
    );
    survivorPublished = await countPublishedOrders(second.url, false);
  }, 300_000);

  afterAll(async () => {
    await harness?.stop();
  }, 60_000);

  it('publishes every order', () => {
    expect(new Set(orders.map((message) => message.payload.channelOrderId)).size).toBe(ORDER_COUNT);
  });

  it('stores each order once', () => {
    expect(orders).toHaveLength(ORDER_COUNT);
  });

  it('lets the remaining replica finish', () => {
    expect(survivorPublished).toBeGreaterThan(0);
  });
});
