import { ebayAdapter, type EbayCredentials } from '@qbsync/connectors/dist/ebay';
import { withInfrastructure } from '@qbsync/testing';

import { type ChannelBench, startChannelBench } from './support/channel-calls';
import { startTokenBench, type TokenBench } from './support/channel-tokens';

const infra = withInfrastructure();
const credentials: EbayCredentials = {
  clientId: 'ebay-sandbox-app-id',
  clientSecret: 'ebay-sandbox-cert-id',
  refreshToken: 'v^1.1#i^1#sandbox-refresh-token',
  marketplaceId: 'EBAY_US',
};
const window = {
  modifiedSince: '2024-03-01T00:00:00.000Z',
  modifiedUntil: '2024-04-01T00:00:00.000Z',
  pageSize: 1,
  receivedAt: '2026-01-01T00:00:00.000Z',
};

describe('eBay adapter against the stand-in', () => {
  let bench: ChannelBench;
  let tokens: TokenBench;

  beforeAll(async () => {
    bench = await startChannelBench(infra.natsUrl);
    tokens = await startTokenBench(bench, infra.natsUrl, infra.mongoUri);
  });

  afterAll(async () => {
    await tokens?.stop();
    await bench?.stop();
  });

  beforeEach(async () => {
    await bench.control('/__sandbox/ebay/reset');
  });

  it('refreshes the user token and pages through getOrders', async () => {
    const call = await tokens.call(ebayAdapter, credentials, { basePath: '/ebay' });
    const totals: [string, string, number][] = [];
    let page: string | undefined;

    do {
      const result = await ebayAdapter.pollOrders!(call, { ...window, page });

      for (const event of result.events) {
        expect(event.kind).toBe('order');

        if (event.kind === 'order') {
          totals.push([event.order.channelOrderId, event.order.currency, event.order.totals.total]);
        }
      }

      page = result.nextPage;
    } while (page);

    expect(totals.sort()).toEqual([
      ['12-11234-56789', 'USD', 4500],
      ['12-99999-00001', 'EUR', 5355],
    ]);
  });

  it('reads refunds from modified orders', async () => {
    const call = await tokens.call(ebayAdapter, credentials, { basePath: '/ebay' });
    const result = await ebayAdapter.pollRefunds!(call, { ...window, pageSize: 50 });

    expect(result.events).toEqual([
      expect.objectContaining({ kind: 'refund', revision: '5049012345@completed' }),
    ]);
  });

  it('reads payouts with their transactions', async () => {
    const call = await tokens.call(ebayAdapter, credentials, { basePath: '/ebay' });
    const result = await ebayAdapter.pollPayouts!(call, { ...window, pageSize: 50 });
    const payout = result.events[0].kind === 'payout' ? result.events[0].payout : undefined;

    expect(payout?.amount).toBe(2433);
    expect(payout?.transactions.reduce((sum, item) => sum + item.net, 0)).toBe(2433);
  });

  it('updates quantities in bulk and names an unknown SKU', async () => {
    const call = await tokens.call(ebayAdapter, credentials, { basePath: '/ebay' });
    const results = await ebayAdapter.pushInventory!(call, [
      { sku: 'MUG-BLUE', locationId: 'default', quantity: 2 },
      { sku: 'GONE', locationId: 'default', quantity: 2 },
    ]);

    expect(results.map((result) => result.status)).toEqual(['updated', 'failed']);
    expect(results[1].message).toMatch(/SKU GONE is not available/);
    expect(await ebayAdapter.readInventory!(call)).toContainEqual({
      sku: 'MUG-BLUE',
      locationId: 'default',
      quantity: 2,
    });
  });

  it('reports a refresh token eBay rejects', async () => {
    const call = await tokens.call(
      ebayAdapter,
      { ...credentials, refreshToken: 'v^1.1#expired-token' },
      { basePath: '/ebay' },
    );
    const result = await ebayAdapter.testConnection(call);

    expect(result.ok).toBe(false);
    expect(result.checks[0].message).toMatch(/grant consent again/);
  });

  it('retries when the daily budget is spent', async () => {
    await bench.control('/__sandbox/ebay/rate-limit', { requestsPerSecond: 2, burst: 1 });

    const call = await tokens.call(ebayAdapter, credentials, { basePath: '/ebay' });
    const result = await ebayAdapter.pollOrders!(call, { ...window, pageSize: 50 });
    const again = await ebayAdapter.pollOrders!(call, { ...window, pageSize: 50 });

    expect(again.events).toHaveLength(result.events.length);
    expect(
      (await bench.read<{ throttled: number }>('/__sandbox/ebay/stats')).throttled,
    ).toBeGreaterThan(0);
  });
});
