import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { squareAdapter, type SquareCredentials } from '@qbsync/connectors/dist/square';
import { type Order, Subjects, type SyncEvent } from '@qbsync/contracts';
import { waitFor, withInfrastructure } from '@qbsync/testing';

import {
  connectChannelWithoutBackfill,
  type ConnectorsHarness,
  readStream,
  sandboxCall,
  startConnectorsHarness,
  waitForMessages,
} from './connectors-harness';
import { useChannelBench } from './support/channel-calls';

const infra = withInfrastructure();
const credentials: SquareCredentials = {
  accessToken: 'square-sandbox-access-token',
  merchantId: '6SSW7HV8K2ST5',
  locationIds: [],
  webhookSignatureKey: 'square-e2e-signature-key',
  notificationUrl: 'https://connectors.example.com/webhooks/square',
};
/** The stand-in's US order, at version 4. */
const ORDER_ID = 'CAISEHl2pP6DZxDQ1ZUzzGzTmL4gAQ';
const window = {
  modifiedSince: '2024-01-01T00:00:00.000Z',
  modifiedUntil: '2030-01-01T00:00:00.000Z',
  pageSize: 1,
  receivedAt: '2026-01-01T00:00:00.000Z',
};

describe('Square adapter against the stand-in', () => {
  const bench = useChannelBench(infra, 'square');

  it('searches orders page by page with SKUs from the catalog', async () => {
    const call = bench.current.call(squareAdapter, credentials, { basePath: '/square' });
    const orders = [];
    let page: string | undefined;

    do {
      const result = await squareAdapter.pollOrders!(call, { ...window, page });

      orders.push(
        ...result.events.flatMap((event) => (event.kind === 'order' ? [event.order] : [])),
      );
      page = result.nextPage;
    } while (page);

    expect(orders.map((order) => [order.currency, order.totals.total])).toEqual([
      ['USD', 4607],
      ['JPY', 4607],
    ]);
    expect(orders[0].lines.map((line) => line.sku)).toEqual(['MUG-BLUE', 'TOWEL-1']);
    expect(orders[0].tips).toEqual([{ title: 'Tip', amount: 200 }]);
  });

  it('reads refunds and payouts with their entries', async () => {
    const call = bench.current.call(squareAdapter, credentials, { basePath: '/square' });
    const refunds = await squareAdapter.pollRefunds!(call, { ...window, pageSize: 100 });
    const payouts = await squareAdapter.pollPayouts!(call, { ...window, pageSize: 100 });

    expect(refunds.events).toEqual([
      expect.objectContaining({ kind: 'refund', revision: 'PAY-CARD-1_R1@completed' }),
    ]);
    expect(payouts.events).toHaveLength(1);

    const payout = payouts.events[0].kind === 'payout' ? payouts.events[0].payout : undefined;

    expect(payout?.transactions.reduce((sum, item) => sum + item.net, 0)).toBe(payout?.amount);
  });

  it('sets counts by SKU and reads them back', async () => {
    const call = bench.current.call(squareAdapter, credentials, { basePath: '/square' });
    const results = await squareAdapter.pushInventory!(call, [
      { sku: 'MUG-BLUE', locationId: 'L8JMQ2VPKNFPT', quantity: 30 },
      { sku: 'MISSING', locationId: 'L8JMQ2VPKNFPT', quantity: 1 },
    ]);

    expect(results.map((result) => result.status)).toEqual(['updated', 'failed']);
    expect(await squareAdapter.readInventory!(call)).toContainEqual({
      sku: 'MUG-BLUE',
      locationId: 'L8JMQ2VPKNFPT',
      quantity: 30,
    });
  });

  it('reports a token of another merchant', async () => {
    const call = bench.current.call(
      squareAdapter,
      { ...credentials, merchantId: 'OTHER' },
      { basePath: '/square' },
    );
    const result = await squareAdapter.testConnection(call);

    expect(result.ok).toBe(false);
    expect(result.checks[0].message).toMatch(/belongs to merchant 6SSW7HV8K2ST5/);
  });

  it('retries RATE_LIMITED answers', async () => {
    await bench.current.control('/__sandbox/square/rate-limit', { requestsPerSecond: 2, burst: 1 });

    const call = bench.current.call(squareAdapter, credentials, { basePath: '/square' });
    const result = await squareAdapter.pollOrders!(call, { ...window, pageSize: 100 });

    expect(result.events).toHaveLength(2);
    expect(
      (await bench.current.read<{ throttled: number }>('/__sandbox/square/stats')).throttled,
    ).toBeGreaterThan(0);
  });

  it('sends events signed over the notification URL', async () => {
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
      await bench.current.control('/__sandbox/square/webhooks/deliver', {
        targetUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/square`,
        notificationUrl: credentials.notificationUrl,
        signatureKey: credentials.webhookSignatureKey,
        event: 'webhook-refund-updated',
      });

      const call = bench.current.call(squareAdapter, credentials, { basePath: '/square' });
      const receivedAt = new Date().toISOString();
      const delivery = {
        rawBody: received[0].body,
        headers: received[0].headers as Record<string, string>,
        receivedAt,
      };

      expect(squareAdapter.verifyWebhook!(delivery, call.connection)).toBe(true);
      expect(
        squareAdapter.verifyWebhook!(delivery, {
          ...call.connection,
          credentials: { ...credentials, notificationUrl: 'https://other.example.com/hook' },
        }),
      ).toBe(false);
      expect(
        squareAdapter.parseWebhook!(delivery, { connection: call.connection, receivedAt })[0],
      ).toMatchObject({ kind: 'refund' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('adds the entries to a payout event', async () => {
    const call = bench.current.call(squareAdapter, credentials, { basePath: '/square' });
    const [event] = (await squareAdapter.pollPayouts!(call, { ...window, pageSize: 100 })).events;
    const bare =
      event.kind === 'payout' ? { ...event, payout: { ...event.payout, transactions: [] } } : event;
    const enriched = await squareAdapter.enrich!(bare, call);

    expect(enriched.kind === 'payout' ? enriched.payout.transactions : []).toHaveLength(3);
  });

  it('reads the order an order event named', async () => {
    const call = bench.current.call(squareAdapter, credentials, { basePath: '/square' });
    const events = await squareAdapter.fetchRecord!(call, {
      record: 'order',
      recordId: ORDER_ID,
      topic: 'order.updated',
      receivedAt: '2026-01-01T00:00:00.000Z',
    });

    expect(events).toEqual([expect.objectContaining({ kind: 'order', revision: `${ORDER_ID}@4` })]);
    expect(events[0].kind === 'order' ? events[0].order.lines.map((line) => line.sku) : []).toEqual(
      ['MUG-BLUE', 'TOWEL-1'],
    );
  });

  it('returns nothing for an order the seller does not have', async () => {
    const call = bench.current.call(squareAdapter, credentials, { basePath: '/square' });

    expect(
      await squareAdapter.fetchRecord!(call, {
        record: 'order',
        recordId: 'ORDER-MISSING',
        receivedAt: '2026-01-01T00:00:00.000Z',
      }),
    ).toEqual([]);
  });
});

describe('Square order events through the connector', () => {
  let harness: ConnectorsHarness;
  let connectionId: string;

  /** Has the stand-in send a signed event to the connector and returns the responses. */
  async function deliver(
    event: 'order.created' | 'order.updated',
    orderId: string,
    repeat = 0,
  ): Promise<{ status: number; body: string }[]> {
    return sandboxCall(harness, 'POST', '/__sandbox/square/webhooks/deliver', {
      targetUrl: `${harness.replicas[0].url}/webhooks/square`,
      notificationUrl: credentials.notificationUrl,
      signatureKey: credentials.webhookSignatureKey,
      event,
      orderId,
      repeat,
    });
  }

  beforeAll(async () => {
    harness = await startConnectorsHarness(infra, { channel: 'square' });

    // No backfill and no poll tick during the test, so only the events can publish orders.
    connectionId = await connectChannelWithoutBackfill(
      harness,
      'square',
      'Square order events e2e',
      credentials,
    );
  }, 180_000);

  afterAll(async () => {
    await harness?.stop();
  }, 60_000);

  it('publishes the full order once for a redelivered event', async () => {
    const responses = await deliver('order.updated', ORDER_ID, 1);

    expect(responses.map((response) => response.status)).toEqual([200, 200]);
    expect(responses.map((response) => JSON.parse(response.body).duplicate)).toEqual([false, true]);

    const [message] = await waitForMessages<Order>(
      harness,
      Subjects.OrderReceived,
      connectionId,
      1,
    );

    expect(message.payload).toMatchObject({ channelOrderId: ORDER_ID, currency: 'USD' });
    expect(message.payload.totals.total).toBe(4607);
    expect(message.payload.source.kind).toBe('webhook');
    expect(message.messageId).toBe(`${connectionId}:order:${ORDER_ID}:${ORDER_ID}@4`);
  });

  it('queues no second read for another event of the same version', async () => {
    const [response] = await deliver('order.created', ORDER_ID);

    expect(JSON.parse(response.body)).toMatchObject({ status: 'accepted', duplicate: true });
    expect(await readStream<Order>(harness, Subjects.OrderReceived, connectionId)).toHaveLength(1);
  });

  it('logs an order the seller does not have', async () => {
    await deliver('order.created', 'ORDER-MISSING');

    const events = await waitFor(
      async () => {
        const found = (
          await readStream<SyncEvent>(harness, Subjects.SyncEventRecorded, connectionId)
        ).filter((event) => event.payload.channelOrderId === 'ORDER-MISSING');

        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 30_000, description: 'a sync event for order ORDER-MISSING' },
    );

    expect(events[0].payload).toMatchObject({ stage: 'connector', status: 'failed' });
    expect(events[0].payload.message).toContain('Square has no order ORDER-MISSING');
  });
});
