import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { ChannelHttpError } from '@qbsync/connectors/dist/channel/channel-adapter';
import { wooCommerceAdapter, type WooCredentials } from '@qbsync/connectors/dist/woocommerce';
import { withInfrastructure } from '@qbsync/testing';

import { type ChannelBench, useChannelBench } from './support/channel-calls';

const infra = withInfrastructure();
const credentials = (bench: ChannelBench): WooCredentials => ({
  storeUrl: `${bench.sandboxUrl}/woocommerce`,
  consumerKey: 'ck_sandbox',
  consumerSecret: 'cs_sandbox',
  webhookSecret: 'woo-e2e-secret',
});
const window = {
  modifiedSince: '2017-01-01T00:00:00.000Z',
  modifiedUntil: '2030-01-01T00:00:00.000Z',
  pageSize: 1,
  receivedAt: '2026-01-01T00:00:00.000Z',
};

describe('WooCommerce adapter against the stand-in', () => {
  const bench = useChannelBench(infra, 'woocommerce');

  it('polls every published order page by page', async () => {
    const call = bench.current.call(wooCommerceAdapter, credentials(bench.current), {
      basePath: '/woocommerce',
    });
    const orderIds: string[] = [];
    let page: string | undefined;

    do {
      const result = await wooCommerceAdapter.pollOrders!(call, { ...window, page });

      for (const event of result.events) {
        expect(event.kind).toBe('order');
        orderIds.push(event.kind === 'order' ? event.order.channelOrderId : '');
      }

      page = result.nextPage;
    } while (page);

    expect(orderIds.sort()).toEqual(['723', '727']);
  });

  it('filters by modification time', async () => {
    const call = bench.current.call(wooCommerceAdapter, credentials(bench.current), {
      basePath: '/woocommerce',
    });
    const result = await wooCommerceAdapter.pollOrders!(call, {
      ...window,
      pageSize: 50,
      modifiedSince: '2017-03-22T00:00:00.000Z',
    });

    expect(
      result.events.map((event) =>
        event.kind === 'order' ? event.order.channelOrderId : event.kind,
      ),
    ).toEqual(['727']);
  });

  it('reads refunds of modified orders', async () => {
    const call = bench.current.call(wooCommerceAdapter, credentials(bench.current), {
      basePath: '/woocommerce',
    });
    const result = await wooCommerceAdapter.pollRefunds!(call, { ...window, pageSize: 50 });
    const refunds = result.events.flatMap((event) =>
      event.kind === 'refund' ? [event.refund] : [],
    );

    expect(refunds.map((refund) => [refund.channelRefundId, refund.totals.total]).sort()).toEqual([
      ['724', 900],
      ['726', 1000],
    ]);
  });

  it('reports a wrong consumer secret', async () => {
    const call = bench.current.call(
      wooCommerceAdapter,
      { ...credentials(bench.current), consumerSecret: 'cs_wrong' },
      { basePath: '/woocommerce' },
    );
    const result = await wooCommerceAdapter.testConnection(call);

    expect(result.ok).toBe(false);
    expect(result.checks.find((check) => check.name === 'consumer key')?.message).toMatch(
      /rejected the consumer key/,
    );
  });

  it('passes the connection test with the right key', async () => {
    const call = bench.current.call(wooCommerceAdapter, credentials(bench.current), {
      basePath: '/woocommerce',
    });
    const result = await wooCommerceAdapter.testConnection(call);

    expect(result.storeName).toBe('Sandbox WooCommerce');
    expect(result.checks.find((check) => check.name === 'consumer key')?.ok).toBe(true);
  });

  it('pushes stock and reads it back', async () => {
    await bench.current.control('/__sandbox/woocommerce/products', {
      product: {
        id: 900,
        name: 'Mug',
        sku: 'MUG-1',
        type: 'simple',
        manage_stock: true,
        stock_quantity: 3,
      },
    });
    await bench.current.control('/__sandbox/woocommerce/products', {
      product: { id: 901, name: 'Shirt', sku: '', type: 'variable', variations: [902] },
      variations: [{ id: 902, sku: 'SHIRT-M', manage_stock: true, stock_quantity: 1 }],
    });

    const call = bench.current.call(wooCommerceAdapter, credentials(bench.current), {
      basePath: '/woocommerce',
    });

    expect(await wooCommerceAdapter.readInventory!(call)).toEqual([
      { sku: 'MUG-1', locationId: 'default', quantity: 3 },
      { sku: 'SHIRT-M', locationId: 'default', quantity: 1 },
    ]);

    const results = await wooCommerceAdapter.pushInventory!(call, [
      { sku: 'MUG-1', locationId: 'default', quantity: 42 },
      { sku: 'SHIRT-M', locationId: 'default', quantity: -4 },
      { sku: 'NO-SUCH-SKU', locationId: 'default', quantity: 1 },
      { sku: '', locationId: 'default', quantity: 1 },
    ]);

    expect(results.map((result) => result.status)).toEqual([
      'updated',
      'updated',
      'failed',
      'failed',
    ]);
    expect(results[2].message).toMatch(/no WooCommerce product or variation has SKU NO-SUCH-SKU/);
    expect(results[3].message).toMatch(/^sku: is missing/);
    // A negative quantity on hand is pushed as 0.
    expect(await wooCommerceAdapter.readInventory!(call)).toEqual([
      { sku: 'MUG-1', locationId: 'default', quantity: 42 },
      { sku: 'SHIRT-M', locationId: 'default', quantity: 0 },
    ]);
  });

  it('retries after the stand-in answers 429 with Retry-After', async () => {
    await bench.current.control('/__sandbox/woocommerce/rate-limit', {
      requestsPerSecond: 1,
      burst: 1,
    });

    const call = bench.current.call(wooCommerceAdapter, credentials(bench.current), {
      basePath: '/woocommerce',
    });
    const first = await wooCommerceAdapter.pollOrders!(call, { ...window, pageSize: 50 });
    const second = await wooCommerceAdapter.pollOrders!(call, { ...window, pageSize: 50 });

    expect(second.events).toHaveLength(first.events.length);
    expect(
      (await bench.current.read<{ throttled: number }>('/__sandbox/woocommerce/stats')).throttled,
    ).toBeGreaterThan(0);
  });

  it('gives up on a rejected request with the status', async () => {
    const call = bench.current.call(
      wooCommerceAdapter,
      { ...credentials(bench.current), consumerKey: 'ck_unknown' },
      { basePath: '/woocommerce' },
    );

    await expect(wooCommerceAdapter.pollOrders!(call, window)).rejects.toThrow(ChannelHttpError);
  });

  it('sends signed webhooks the adapter verifies', async () => {
    const received: { headers: IncomingMessage['headers']; body: Buffer }[] = [];
    const server: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];

      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ headers: request.headers, body: Buffer.concat(chunks) });
        response.end('ok');
      });
    });

    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

    try {
      const port = (server.address() as AddressInfo).port;

      await bench.current.control('/__sandbox/woocommerce/webhooks/deliver', {
        targetUrl: `http://127.0.0.1:${port}/webhooks/woocommerce`,
        secret: 'woo-e2e-secret',
        source: `${bench.current.sandboxUrl}/woocommerce/`,
        topic: 'order.updated',
        orderId: 727,
        repeat: 1,
      });

      expect(received).toHaveLength(2);

      const connection = bench.current.call(
        wooCommerceAdapter,
        credentials(bench.current),
      ).connection;
      const delivery = {
        rawBody: received[0].body,
        headers: received[0].headers as Record<string, string>,
        receivedAt: new Date().toISOString(),
      };

      expect(wooCommerceAdapter.verifyWebhook!(delivery, connection)).toBe(true);
      expect(wooCommerceAdapter.identifyWebhook!(delivery)).toMatchObject({
        webhookKey: wooCommerceAdapter.webhookKey!(connection.credentials),
      });
      expect(
        wooCommerceAdapter.parseWebhook!(delivery, {
          connection,
          receivedAt: delivery.receivedAt,
          topic: 'order.updated',
        })[0],
      ).toMatchObject({
        kind: 'order',
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
