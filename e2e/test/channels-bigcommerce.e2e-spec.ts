import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import {
  BC_WEBHOOK_SECRET_HEADER,
  bigCommerceAdapter,
  type BcCredentials,
} from '@qbsync/connectors/dist/bigcommerce';
import { type Order, type Refund, Subjects, type SyncEvent } from '@qbsync/contracts';
import { waitFor, withInfrastructure } from '@qbsync/testing';

import {
  connectChannelWithoutBackfill,
  type ConnectorsHarness,
  countPublishedOrders,
  readStream,
  sandboxCall,
  startConnectorsHarness,
  waitForMessages,
} from './connectors-harness';
import { useChannelBench } from './support/channel-calls';

const infra = withInfrastructure();
const credentials: BcCredentials = {
  storeHash: 'sandbox',
  accessToken: 'bc-sandbox-access-token',
  webhookSecret: 'bigcommerce-e2e-webhook-secret',
};
const window = {
  modifiedSince: '2018-01-01T00:00:00.000Z',
  modifiedUntil: '2030-01-01T00:00:00.000Z',
  pageSize: 2,
  receivedAt: '2026-01-01T00:00:00.000Z',
};

/** A refund of part of order 218 that names no product, so it posts as an adjustment. */
const refundOf218 = {
  id: 501,
  order_id: 218,
  reason: 'Late delivery',
  total_amount: 5,
  items: [{ item_type: 'ORDER', item_id: 218, requested_amount: 5 }],
  payments: [{ id: 9, provider_id: 'braintree', amount: 5, offline: false }],
};

describe('BigCommerce adapter against the stand-in', () => {
  const bench = useChannelBench(infra, 'bigcommerce');

  it('polls the published orders page by page, each balanced', async () => {
    const call = bench.current.call(bigCommerceAdapter, credentials, { basePath: '/bigcommerce' });
    const totals: [string, number][] = [];
    let page: string | undefined;

    do {
      const result = await bigCommerceAdapter.pollOrders!(call, { ...window, page });

      for (const event of result.events) {
        expect(event.kind).toBe('order');

        if (event.kind === 'order') {
          totals.push([event.order.channelOrderId, event.order.totals.total]);
        }
      }

      page = result.nextPage;
    } while (page);

    expect(totals.sort()).toEqual([
      ['100', 36195],
      ['113', 13895],
      ['218', 6984],
    ]);
  });

  it('reads refunds with their order products', async () => {
    await bench.current.control('/__sandbox/bigcommerce/refunds', {
      id: 31,
      order_id: 113,
      created: '2024-05-01T10:00:00+00:00',
      total_amount: 20,
      items: [{ item_type: 'PRODUCT', item_id: 1130, quantity: 1, requested_amount: 20 }],
      payments: [{ id: 1, provider_id: 'testgateway', amount: 20, offline: false }],
    });

    const call = bench.current.call(bigCommerceAdapter, credentials, { basePath: '/bigcommerce' });
    const result = await bigCommerceAdapter.pollRefunds!(call, { ...window, pageSize: 50 });

    expect(result.events).toEqual([
      expect.objectContaining({
        kind: 'refund',
        revision: '31',
        refund: expect.objectContaining({ channelOrderId: '113' }),
      }),
    ]);
  });

  it('rejects a wrong access token in the connection test', async () => {
    const call = bench.current.call(
      bigCommerceAdapter,
      { ...credentials, accessToken: 'wrong-token-123' },
      { basePath: '/bigcommerce' },
    );
    const result = await bigCommerceAdapter.testConnection(call);

    expect(result.ok).toBe(false);
    expect(result.checks[0].message).toMatch(/rejected the access token/);
  });

  it('sets inventory per location', async () => {
    const call = bench.current.call(bigCommerceAdapter, credentials, { basePath: '/bigcommerce' });
    const results = await bigCommerceAdapter.pushInventory!(call, [
      { sku: 'S-ORAN', locationId: '1', quantity: 9 },
      { sku: 'ABS', locationId: 'warehouse', quantity: 1 },
    ]);

    expect(results.map((result) => result.status)).toEqual(['updated', 'failed']);
    expect(results[1].message).toMatch(/must be a BigCommerce location id/);
    expect(await bigCommerceAdapter.readInventory!(call)).toContainEqual({
      sku: 'S-ORAN',
      locationId: '1',
      quantity: 9,
    });
  });

  it('paces itself by the quota headers without a 429', async () => {
    await bench.current.control('/__sandbox/bigcommerce/rate-limit', {
      requestsPerSecond: 1,
      burst: 2,
    });

    const call = bench.current.call(bigCommerceAdapter, credentials, { basePath: '/bigcommerce' });
    const result = await bigCommerceAdapter.pollOrders!(call, { ...window, pageSize: 50 });

    expect(result.events).toHaveLength(3);
    // X-Rate-Limit-Requests-Left reached 0 on the way, and the adapter waited X-Rate-Limit-Time-Reset-Ms.
    expect(
      (await bench.current.read<{ throttled: number }>('/__sandbox/bigcommerce/stats')).throttled,
    ).toBe(0);
  });

  it('fires webhooks with the hook header the adapter checks', async () => {
    const received: { headers: IncomingMessage['headers']; body: Buffer }[] = [];
    const server: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];

      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks) });
        response.end();
      });
    });

    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

    try {
      const call = bench.current.call(bigCommerceAdapter, credentials, {
        basePath: '/bigcommerce',
      });
      const destination = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/bigcommerce`;

      await call.http.request({
        method: 'POST',
        path: '/v3/hooks',
        headers: { 'x-auth-token': credentials.accessToken },
        body: {
          scope: 'store/order/*',
          destination,
          is_active: true,
          headers: { [BC_WEBHOOK_SECRET_HEADER]: credentials.webhookSecret },
        },
      });
      await bench.current.control('/__sandbox/bigcommerce/webhooks/fire', {
        scope: 'store/order/updated',
        orderId: 218,
      });

      expect(received).toHaveLength(1);

      const delivery = {
        rawBody: received[0].body,
        headers: received[0].headers as Record<string, string>,
        receivedAt: '',
      };

      expect(bigCommerceAdapter.identifyWebhook!(delivery)).toMatchObject({
        webhookKey: 'sandbox',
        topic: 'store/order/updated',
      });
      expect(bigCommerceAdapter.verifyWebhook!(delivery, call.connection)).toBe(true);
      expect(
        (await bigCommerceAdapter.testConnection(call)).checks.find(
          (check) => check.name === 'order webhooks',
        )?.ok,
      ).toBe(true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('BigCommerce fetchRecord against the stand-in', () => {
  const bench = useChannelBench(infra, 'bigcommerce');

  it('reads the order a webhook named', async () => {
    const call = bench.current.call(bigCommerceAdapter, credentials, { basePath: '/bigcommerce' });
    const events = await bigCommerceAdapter.fetchRecord!(call, {
      record: 'order',
      recordId: '218',
      channelOrderId: '218',
      topic: 'store/order/created',
      receivedAt: '2026-01-01T00:00:00.000Z',
    });

    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: 'order', order: { channelOrderId: '218' } });

    const order = events[0].kind === 'order' ? events[0].order : undefined;

    expect(order?.totals.total).toBe(6984);
    expect(order?.source.kind).toBe('webhook');
  });

  it('reads the order with its refunds for a refund webhook', async () => {
    await bench.current.control('/__sandbox/bigcommerce/refunds', refundOf218);
    await bench.current.control('/__sandbox/bigcommerce/refunds', {
      ...refundOf218,
      id: 502,
      order_id: 113,
    });

    const call = bench.current.call(bigCommerceAdapter, credentials, { basePath: '/bigcommerce' });
    const events = await bigCommerceAdapter.fetchRecord!(call, {
      record: 'refund',
      recordId: '218',
      channelOrderId: '218',
      receivedAt: '2026-01-01T00:00:00.000Z',
    });

    expect(events.map((event) => event.kind)).toEqual(['order', 'refund']);
    expect(events[1]).toMatchObject({
      kind: 'refund',
      refund: { channelRefundId: '501', channelOrderId: '218' },
    });
  });

  it('returns nothing for an order the store does not have', async () => {
    const call = bench.current.call(bigCommerceAdapter, credentials, { basePath: '/bigcommerce' });

    expect(
      await bigCommerceAdapter.fetchRecord!(call, {
        record: 'order',
        recordId: '999999',
        receivedAt: '2026-01-01T00:00:00.000Z',
      }),
    ).toEqual([]);
  });
});

describe('BigCommerce id-only webhooks through the connector', () => {
  let harness: ConnectorsHarness;
  let connectionId: string;

  /** Fires a webhook from the stand-in and returns the connector's responses. */
  async function fire(
    scope: string,
    orderId: number,
    repeat = 0,
  ): Promise<{ status: number; body: string }[]> {
    return sandboxCall(harness, 'POST', '/__sandbox/bigcommerce/webhooks/fire', {
      scope,
      orderId,
      repeat,
    });
  }

  beforeAll(async () => {
    harness = await startConnectorsHarness(infra, { channel: 'bigcommerce' });

    // No backfill and no poll tick during the test, so only the webhooks can publish orders.
    connectionId = await connectChannelWithoutBackfill(
      harness,
      'bigcommerce',
      'BigCommerce webhooks e2e',
      credentials,
    );
    await fetch(`${harness.sandboxUrl}/bigcommerce/v3/hooks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-auth-token': credentials.accessToken },
      body: JSON.stringify({
        scope: 'store/order/*',
        destination: `${harness.replicas[0].url}/webhooks/bigcommerce`,
        is_active: true,
        headers: { [BC_WEBHOOK_SECRET_HEADER]: credentials.webhookSecret },
      }),
    });
  }, 180_000);

  afterAll(async () => {
    await harness?.stop();
  }, 60_000);

  it('publishes the full order once for a redelivered webhook', async () => {
    const responses = await fire('store/order/created', 218, 1);

    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(responses.map((response) => JSON.parse(response.body).duplicate)).toEqual([false, true]);

    const [message] = await waitForMessages<Order>(
      harness,
      Subjects.OrderReceived,
      connectionId,
      1,
    );

    expect(message.payload).toMatchObject({ channelOrderId: '218', currency: 'USD' });
    expect(message.payload.totals.total).toBe(6984);
    expect(message.payload.lines).toHaveLength(1);
    expect(message.payload.source.kind).toBe('webhook');
    expect(message.messageId).toContain(`${connectionId}:order:218:`);
  });

  it('publishes nothing for a later webhook of the same revision', async () => {
    const [response] = await fire('store/order/statusUpdated', 218);

    expect(JSON.parse(response.body)).toMatchObject({ status: 'accepted', duplicate: false });
    // The second fetch reads the same revision of order 218, which JetStream drops.
    await waitFor(async () => (await countPublishedOrders(harness.replicas[0].url, true)) >= 1, {
      timeoutMs: 30_000,
      description: 'the repeated order counted as a duplicate',
    });

    const orders = await readStream<Order>(harness, Subjects.OrderReceived, connectionId);

    expect(orders).toHaveLength(1);
  });

  it('publishes the refund a refund webhook named', async () => {
    await sandboxCall(harness, 'POST', '/__sandbox/bigcommerce/refunds', refundOf218);
    await fire('store/order/refund/created', 218);

    const [refund] = await waitForMessages<Refund>(
      harness,
      Subjects.RefundReceived,
      connectionId,
      1,
    );

    expect(refund.payload).toMatchObject({ channelRefundId: '501', channelOrderId: '218' });
    expect(refund.payload.totals.total).toBe(500);
  });

  it('retries a failed read until the order arrives', async () => {
    await sandboxCall(harness, 'POST', '/__sandbox/bigcommerce/orders/113/faults', { count: 2 });
    await fire('store/order/created', 113);

    const orders = await waitForMessages<Order>(
      harness,
      Subjects.OrderReceived,
      connectionId,
      2,
      30_000,
    );

    expect(orders.map((message) => message.payload.channelOrderId)).toEqual(['218', '113']);
  });

  it('logs a read that keeps failing', async () => {
    await sandboxCall(harness, 'POST', '/__sandbox/bigcommerce/orders/100/faults', { count: 100 });
    await fire('store/order/created', 100);

    const events = await waitFor(
      async () => {
        const found = (
          await readStream<SyncEvent>(harness, Subjects.SyncEventRecorded, connectionId)
        ).filter((event) => event.payload.channelOrderId === '100');

        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 60_000, description: 'a sync event for order 100' },
    );

    expect(events[0].payload).toMatchObject({ stage: 'connector', status: 'failed' });
    expect(events[0].payload.message).toContain('failed after 5 attempt(s)');
    expect(events[0].payload.message).toContain('HTTP 500');
    await sandboxCall(harness, 'POST', '/__sandbox/bigcommerce/orders/100/faults', { count: 0 });
  });

  it('logs an order the store does not have', async () => {
    await fire('store/order/created', 999_999);

    const events = await waitFor(
      async () => {
        const found = (
          await readStream<SyncEvent>(harness, Subjects.SyncEventRecorded, connectionId)
        ).filter((event) => event.payload.channelOrderId === '999999');

        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 30_000, description: 'a sync event for order 999999' },
    );

    expect(events[0].payload).toMatchObject({ stage: 'connector', status: 'failed' });
    expect(events[0].payload.message).toContain('BigCommerce has no order 999999');
    expect(
      (await readStream<Order>(harness, Subjects.OrderReceived, connectionId)).map(
        (message) => message.payload.channelOrderId,
      ),
    ).toEqual(['218', '113']);
  });
});
