import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import {
  BC_WEBHOOK_SECRET_HEADER,
  bigCommerceAdapter,
  type BcCredentials,
} from '@qbsync/connectors/dist/bigcommerce';
import { withInfrastructure } from '@qbsync/testing';

import { type ChannelBench, startChannelBench } from './support/channel-calls';

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

describe('BigCommerce adapter against the stand-in', () => {
  let bench: ChannelBench;

  beforeAll(async () => {
    bench = await startChannelBench(infra.natsUrl);
  });

  afterAll(async () => {
    await bench?.stop();
  });

  beforeEach(async () => {
    await bench.control('/__sandbox/bigcommerce/reset');
  });

  it('polls the published orders page by page, each balanced', async () => {
    const call = bench.call(bigCommerceAdapter, credentials, { basePath: '/bigcommerce' });
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
    await bench.control('/__sandbox/bigcommerce/refunds', {
      id: 31,
      order_id: 113,
      created: '2024-05-01T10:00:00+00:00',
      total_amount: 20,
      items: [{ item_type: 'PRODUCT', item_id: 1130, quantity: 1, requested_amount: 20 }],
      payments: [{ id: 1, provider_id: 'testgateway', amount: 20, offline: false }],
    });

    const call = bench.call(bigCommerceAdapter, credentials, { basePath: '/bigcommerce' });
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
    const call = bench.call(
      bigCommerceAdapter,
      { ...credentials, accessToken: 'wrong-token-123' },
      { basePath: '/bigcommerce' },
    );
    const result = await bigCommerceAdapter.testConnection(call);

    expect(result.ok).toBe(false);
    expect(result.checks[0].message).toMatch(/rejected the access token/);
  });

  it('sets inventory per location', async () => {
    const call = bench.call(bigCommerceAdapter, credentials, { basePath: '/bigcommerce' });
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
    await bench.control('/__sandbox/bigcommerce/rate-limit', { requestsPerSecond: 1, burst: 2 });

    const call = bench.call(bigCommerceAdapter, credentials, { basePath: '/bigcommerce' });
    const result = await bigCommerceAdapter.pollOrders!(call, { ...window, pageSize: 50 });

    expect(result.events).toHaveLength(3);
    // X-Rate-Limit-Requests-Left reached 0 on the way, and the adapter waited X-Rate-Limit-Time-Reset-Ms.
    expect(
      (await bench.read<{ throttled: number }>('/__sandbox/bigcommerce/stats')).throttled,
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
      const call = bench.call(bigCommerceAdapter, credentials, { basePath: '/bigcommerce' });
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
      await bench.control('/__sandbox/bigcommerce/webhooks/fire', {
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
