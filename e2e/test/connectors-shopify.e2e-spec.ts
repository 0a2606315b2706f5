import { createHmac, randomBytes, randomUUID } from 'node:crypto';

import {
  type InventoryPushResult,
  type Order,
  type Payout,
  type Refund,
  Subjects,
  type SyncEvent,
} from '@qbsync/contracts';
import { JetStreamService } from '@qbsync/platform';
import { loadShopifyOrderFixtures } from '@qbsync/sandbox/dist/shopify';
import { waitFor, withInfrastructure } from '@qbsync/testing';
import mongoose from 'mongoose';

import {
  type ConnectorsHarness,
  createTestAccount,
  gatewayCall,
  readStream,
  sandboxCall,
  startConnectorsHarness,
  waitForMessages,
} from './connectors-harness';

const HOUR_MS = 60 * 60 * 1000;
const SECRET = 'e2e-shopify-client-secret';

interface ConnectReply {
  connectionId: string;
  test: {
    ok: boolean;
    checks: { name: string; ok: boolean; message: string }[];
    storeName?: string;
  };
}

/** Shopify's sample orders under new ids, updated within the last hours, each with a sale. */
function recentOrders(
  count: number,
  firstId: number,
): {
  orders: Record<string, unknown>[];
  transactions: Record<string, Record<string, unknown>[]>;
} {
  const samples = loadShopifyOrderFixtures().filter((fixture) => fixture.id === 450789469);
  const orders: Record<string, unknown>[] = [];
  const transactions: Record<string, Record<string, unknown>[]> = {};

  for (let index = 0; index < count; index += 1) {
    const id = firstId + index;
    const time = new Date(Date.now() - (index + 1) * HOUR_MS).toISOString();
    const order: Record<string, unknown> = {
      ...structuredClone(samples[0].body),
      id,
      name: `#${id}`,
      order_number: id,
      created_at: time,
      updated_at: time,
      refunds: [],
    };

    orders.push(order);
    transactions[String(id)] = [
      {
        id: id * 10,
        order_id: id,
        kind: 'sale',
        status: 'success',
        amount: String(order.total_price),
        currency: 'USD',
        gateway: 'shopify_payments',
        processed_at: time,
      },
    ];
  }

  return { orders, transactions };
}

function sign(body: Buffer): string {
  return createHmac('sha256', SECRET).update(body).digest('base64');
}

describe('Shopify connector', () => {
  const infra = withInfrastructure();
  let harness: ConnectorsHarness;
  let accountId: string;
  let connectionId: string;
  const shopDomain = `e2e-${randomBytes(4).toString('hex')}.myshopify.com`;
  const accessToken = `shpat_${randomBytes(12).toString('hex')}`;
  const seeded = recentOrders(5, 7_000_001);
  let connectReply: ConnectReply;

  beforeAll(async () => {
    harness = await startConnectorsHarness(infra, { channel: 'shopify' });
    await sandboxCall(harness, 'POST', '/__sandbox/shopify/shops', { shopDomain, accessToken });
    const refunded = seeded.orders[0];

    refunded.refunds = [
      {
        id: 88_000_001,
        order_id: refunded.id,
        created_at: refunded.updated_at,
        processed_at: refunded.updated_at,
        note: 'damaged in transit',
        restock: true,
        order_adjustments: [],
        refund_line_items: [
          {
            id: 88_100_001,
            quantity: 1,
            line_item_id: 466157049,
            restock_type: 'return',
            subtotal: 195.67,
            total_tax: 3.98,
            line_item: {
              sku: 'IPOD2008GREEN',
              name: 'IPod Nano - 8gb - green',
              tax_lines: [{ title: 'State Tax', rate: 0.06 }],
            },
          },
        ],
        transactions: [
          {
            id: 88_200_001,
            kind: 'refund',
            status: 'success',
            amount: '199.65',
            currency: 'USD',
            gateway: 'shopify_payments',
          },
        ],
      },
    ];
    await sandboxCall(harness, 'POST', `/__sandbox/shopify/shops/${shopDomain}/orders`, seeded);
    accountId = await createTestAccount(harness, 'Shopify connector e2e');
    const reply = await gatewayCall<ConnectReply>(
      harness,
      'POST',
      `/api/accounts/${accountId}/connections/shopify`,
      {
        shopDomain,
        webhookSecret: SECRET,
        accessToken,
        backfillDays: 1,
      },
    );

    if (reply.status !== 201) {
      throw new Error(`connect returned ${reply.status}: ${JSON.stringify(reply.body)}`);
    }

    connectReply = reply.body;
    connectionId = reply.body.connectionId;
  }, 180_000);

  afterAll(async () => {
    await harness?.stop();
  }, 60_000);

  describe('connect', () => {
    it('passes the connection test', () => {
      expect(connectReply.test.ok).toBe(true);
    });

    it('reads the shop name', () => {
      expect(connectReply.test.storeName).toBe(shopDomain.split('.')[0]);
    });

    it('stores the access token encrypted', async () => {
      const database = await mongoose.createConnection(databaseUri(infra.mongoUri)).asPromise();

      try {
        const stored = await database
          .collection('channel_connections')
          .findOne({ _id: connectionId as never });

        expect(stored).not.toBeNull();
        expect(JSON.stringify(stored)).not.toContain(accessToken);
        expect(JSON.stringify(stored)).not.toContain(SECRET);
      } finally {
        await database.close();
      }
    });

    it('reports a revoked token', async () => {
      const reply = await gatewayCall<ConnectReply>(
        harness,
        'POST',
        `/api/accounts/${accountId}/connections/shopify`,
        {
          shopDomain: `revoked-${shopDomain}`,
          webhookSecret: SECRET,
          accessToken: 'shpat_revoked',
          backfillDays: 0,
        },
      );

      expect(reply.body.test.ok).toBe(false);
      expect(reply.body.test.checks[0].message).toContain('access token is invalid or was revoked');
    });
  });

  describe('history backfill', () => {
    let orders: Order[];

    beforeAll(async () => {
      orders = (
        await waitForMessages<Order>(
          harness,
          Subjects.OrderReceived,
          connectionId,
          seeded.orders.length,
        )
      ).map((message) => message.payload);
    }, 90_000);

    it('publishes every recent order', () => {
      expect(new Set(orders.map((order) => order.channelOrderId))).toEqual(
        new Set(seeded.orders.map((order) => String(order.id))),
      );
    });

    it('takes payments from the transactions', () => {
      const order = orders.find((candidate) => candidate.channelOrderId === '7000002')!;

      expect(order.payments).toEqual([
        expect.objectContaining({
          gateway: 'shopify_payments',
          transactionId: '70000020',
          amount: 59894,
        }),
      ]);
    });

    it('publishes the refund that balances', async () => {
      const [refund] = (
        await waitForMessages<Refund>(harness, Subjects.RefundReceived, connectionId, 1)
      ).map((message) => message.payload);
      const { totals } = refund;

      expect(refund.channelRefundId).toBe('88000001');
      expect(totals.subtotal + totals.shipping + totals.tax + totals.adjustments).toBe(
        totals.total,
      );
      expect(totals.total).toBe(19965);
    });
  });

  describe('edited order', () => {
    it('publishes the new revision on re-sync', async () => {
      const edited: Record<string, unknown> = {
        ...seeded.orders[1],
        updated_at: new Date().toISOString(),
        note: 'edited',
      };

      await sandboxCall(harness, 'POST', `/__sandbox/shopify/shops/${shopDomain}/orders`, {
        orders: [edited],
      });
      const reply = await gatewayCall<{ windows: number }>(
        harness,
        'POST',
        `/api/accounts/${accountId}/connections/${connectionId}/resync`,
        {
          from: new Date(Date.now() - 30 * 60_000).toISOString(),
          to: new Date(Date.now() + 60_000).toISOString(),
        },
      );

      expect(reply.body.windows).toBeGreaterThan(0);
      const revisions = await waitForMessages<Order>(
        harness,
        Subjects.OrderReceived,
        connectionId,
        seeded.orders.length + 1,
      );
      const ofEdited = revisions.filter(
        (message) => message.payload.channelOrderId === String(edited.id),
      );

      expect(ofEdited.map((message) => message.payload.updatedAt)).toContain(edited.updated_at);
      expect(new Set(ofEdited.map((message) => message.messageId)).size).toBe(ofEdited.length);
    }, 90_000);
  });

  describe('re-sync by order number', () => {
    it('reports an outcome per order', async () => {
      const reply = await gatewayCall<{ orders: { orderNumber: string; status: string }[] }>(
        harness,
        'POST',
        `/api/accounts/${accountId}/connections/${connectionId}/resync`,
        { orderNumbers: ['#7000003', '#1'] },
      );

      expect(reply.body.orders).toEqual([
        { orderNumber: '#7000003', status: 'queued' },
        expect.objectContaining({ orderNumber: '#1', status: 'not_found' }),
      ]);
    });
  });

  describe('payouts', () => {
    let payouts: Payout[];

    beforeAll(async () => {
      await gatewayCall(
        harness,
        'POST',
        `/api/accounts/${accountId}/connections/${connectionId}/resync`,
        {
          from: '2012-11-12T00:00:00Z',
          to: '2012-11-13T00:00:00Z',
        },
      );
      payouts = await waitFor(
        async () => {
          const messages = await readStream<Payout>(harness, Subjects.PayoutReceived, connectionId);
          const found = messages.map((message) => message.payload);

          return found.some((payout) => payout.payoutId === '623721858') ? found : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 500, description: 'payout 623721858' },
      );
    }, 90_000);

    it('publishes the payout of the day', () => {
      expect(payouts.map((payout) => payout.payoutId)).toContain('623721858');
    });

    it('balances its transactions to the amount', () => {
      const payout = payouts.find((candidate) => candidate.payoutId === '623721858')!;

      expect(payout.amount).toBe(4190);
      expect(payout.transactions.reduce((sum, transaction) => sum + transaction.net, 0)).toBe(4190);
    });
  });

  describe('inventory push', () => {
    let result: InventoryPushResult;
    const pushId = randomUUID();

    beforeAll(async () => {
      const jetStream = harness.replicas[0].app.get(JetStreamService);

      await jetStream.publish(Subjects.InventoryPushRequested, {
        pushId,
        accountId,
        connectionId,
        channel: 'shopify',
        requestedAt: new Date().toISOString(),
        levels: [
          { sku: 'IPOD2008BLACK', locationId: '655441491', quantity: 17 },
          { sku: 'NO-SUCH-SKU', locationId: '655441491', quantity: 1 },
        ],
      });
      const messages = await waitForMessages<InventoryPushResult>(
        harness,
        Subjects.InventoryPushCompleted,
        connectionId,
        1,
      );

      result = messages.find((message) => message.payload.pushId === pushId)!.payload;
    }, 90_000);

    it('updates the known SKU', () => {
      expect(result.results[0]).toEqual({
        sku: 'IPOD2008BLACK',
        locationId: '655441491',
        status: 'updated',
      });
    });

    it('names the unknown SKU', () => {
      expect(result.results[1].message).toContain('NO-SUCH-SKU');
    });

    it('sets the level in the shop', async () => {
      const inventory = await sandboxCall<{ levels: { key: string; available: number }[] }>(
        harness,
        'GET',
        `/__sandbox/shopify/shops/${shopDomain}/inventory`,
      );

      expect(inventory.levels).toContainEqual({ key: '457924702:655441491', available: 17 });
    });
  });

  describe('GraphQL cost limit', () => {
    it('waits out THROTTLED and pushes every SKU', async () => {
      const costDomain = `cost-${shopDomain}`;
      const costToken = `shpat_${randomBytes(12).toString('hex')}`;

      // Each SKU lookup costs 4 points and the bucket has room for 5, so the second lookup is throttled.
      await sandboxCall(harness, 'POST', '/__sandbox/shopify/shops', {
        shopDomain: costDomain,
        accessToken: costToken,
        limits: { graphqlMaxPoints: 5, graphqlRestorePerSecond: 2 },
      });
      const reply = await gatewayCall<ConnectReply>(
        harness,
        'POST',
        `/api/accounts/${accountId}/connections/shopify`,
        { shopDomain: costDomain, webhookSecret: SECRET, accessToken: costToken, backfillDays: 0 },
      );
      const pushId = randomUUID();

      await harness.replicas[0].app.get(JetStreamService).publish(Subjects.InventoryPushRequested, {
        pushId,
        accountId,
        connectionId: reply.body.connectionId,
        channel: 'shopify',
        requestedAt: new Date().toISOString(),
        levels: ['IPOD2008BLACK', 'IPOD2008GREEN', 'IPOD2008RED'].map((sku) => ({
          sku,
          locationId: '655441491',
          quantity: 5,
        })),
      });
      const messages = await waitForMessages<InventoryPushResult>(
        harness,
        Subjects.InventoryPushCompleted,
        reply.body.connectionId,
        1,
      );

      expect(messages[0].payload.results.map((result) => result.status)).toEqual([
        'updated',
        'updated',
        'updated',
      ]);
    }, 90_000);
  });

  describe('refused deliveries', () => {
    it('logs a wrong signature for the connection', async () => {
      const body = Buffer.from(JSON.stringify(seeded.orders[3]));
      const response = await fetch(`${harness.replicas[0].url}/webhooks/shopify`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': 'orders/updated',
          'x-shopify-shop-domain': shopDomain,
          'x-shopify-hmac-sha256': createHmac('sha256', 'not-the-secret')
            .update(body)
            .digest('base64'),
        },
        body,
      });
      const event = await waitFor(
        async () =>
          (await readStream<SyncEvent>(harness, Subjects.SyncEventRecorded, connectionId)).find(
            (message) => message.payload.entity === 'connection',
          ),
        {
          timeoutMs: 30_000,
          intervalMs: 500,
          description: 'the sync event of the wrong signature',
        },
      );

      expect(response.status).toBe(401);
      expect(event.payload.message).toContain('X-Shopify-Hmac-Sha256');
      expect(event.payload.message).toContain(connectionId);
    });

    it('names the field of an invalid order', async () => {
      const order = structuredClone(seeded.orders[3]) as { line_items: { quantity: number }[] };

      order.line_items[1].quantity = 0;
      const body = Buffer.from(JSON.stringify(order));
      const response = await fetch(`${harness.replicas[0].url}/webhooks/shopify`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': 'orders/updated',
          'x-shopify-shop-domain': shopDomain,
          'x-shopify-hmac-sha256': sign(body),
        },
        body,
      });
      const event = await waitFor(
        async () =>
          (await readStream<SyncEvent>(harness, Subjects.SyncEventRecorded, connectionId)).find(
            (message) =>
              message.payload.status === 'rejected' && message.payload.channelOrderId === '7000004',
          ),
        { timeoutMs: 30_000, intervalMs: 500, description: 'the sync event of order 7000004' },
      );

      expect(response.status).toBe(422);
      expect(event.payload.message).toContain('line_items[1].quantity');
    });
  });

  describe('webhook delivered twice', () => {
    it('stores the second as a duplicate', async () => {
      const body = Buffer.from(
        JSON.stringify({ ...seeded.orders[2], updated_at: new Date().toISOString() }),
      );
      const deliver = (): Promise<Response> =>
        fetch(`${harness.replicas[0].url}/webhooks/shopify`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-shopify-topic': 'orders/updated',
            'x-shopify-shop-domain': shopDomain,
            'x-shopify-hmac-sha256': sign(body),
            'x-shopify-webhook-id': randomUUID(),
          },
          body,
        });
      const first = (await (await deliver()).json()) as { duplicate: boolean };
      const second = (await (await deliver()).json()) as { duplicate: boolean };

      expect(first.duplicate).toBe(false);
      expect(second.duplicate).toBe(true);
    });
  });

  describe('rate limit', () => {
    it('honours Retry-After and loses no order', async () => {
      const tightDomain = `tight-${shopDomain}`;
      const tightToken = `shpat_${randomBytes(12).toString('hex')}`;
      const tight = recentOrders(6, 7_100_001);

      await sandboxCall(harness, 'POST', '/__sandbox/shopify/shops', {
        shopDomain: tightDomain,
        accessToken: tightToken,
        seed: false,
        limits: { restBucketSize: 3, restLeakPerSecond: 2 },
      });
      await sandboxCall(harness, 'POST', `/__sandbox/shopify/shops/${tightDomain}/orders`, tight);
      const reply = await gatewayCall<ConnectReply>(
        harness,
        'POST',
        `/api/accounts/${accountId}/connections/shopify`,
        {
          shopDomain: tightDomain,
          webhookSecret: SECRET,
          accessToken: tightToken,
          backfillDays: 1,
        },
      );
      const orders = await waitForMessages<Order>(
        harness,
        Subjects.OrderReceived,
        reply.body.connectionId,
        tight.orders.length,
        120_000,
      );
      const { calls } = await sandboxCall<{ calls: { status: number }[] }>(
        harness,
        'GET',
        `/__sandbox/shopify/shops/${tightDomain}/calls`,
      );

      expect(calls.some((call) => call.status === 429)).toBe(true);
      expect(new Set(orders.map((message) => message.payload.channelOrderId)).size).toBe(
        tight.orders.length,
      );
    }, 180_000);
  });

  it('keeps one copy of each revision', async () => {
    const messages = await readStream<Order>(harness, Subjects.OrderReceived, connectionId);
    const ids = messages.map((message) => message.messageId);

    expect(new Set(ids).size).toBe(ids.length);
  });
});

function databaseUri(mongoUri: string): string {
  const url = new URL(mongoUri);

  url.pathname = '/qbsync-connectors';

  return url.toString();
}
