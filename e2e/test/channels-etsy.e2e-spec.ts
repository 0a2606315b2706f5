import { etsyAdapter, type EtsyCredentials } from '@qbsync/connectors/dist/etsy';
import { withInfrastructure } from '@qbsync/testing';

import { type ChannelBench, startChannelBench } from './support/channel-calls';

const infra = withInfrastructure();
const credentials: EtsyCredentials = {
  keystring: 'etsysandboxkeystring',
  shopId: 30123456,
  refreshToken: '812345.sandbox-refresh-token',
};
const window = {
  modifiedSince: '2024-03-01T00:00:00.000Z',
  modifiedUntil: '2024-04-01T00:00:00.000Z',
  pageSize: 1,
  receivedAt: '2026-01-01T00:00:00.000Z',
};

describe('Etsy adapter against the stand-in', () => {
  let bench: ChannelBench;

  beforeAll(async () => {
    bench = await startChannelBench(infra.natsUrl);
  });

  afterAll(async () => {
    await bench?.stop();
  });

  beforeEach(async () => {
    await bench.control('/__sandbox/etsy/reset');
  });

  it('pages through receipts modified since the cursor', async () => {
    const call = bench.call(etsyAdapter, credentials, { basePath: '/etsy' });
    const orders: [string, number][] = [];
    let page: string | undefined;

    do {
      const result = await etsyAdapter.pollOrders!(call, { ...window, page });

      orders.push(
        ...result.events.flatMap((event) =>
          event.kind === 'order'
            ? [[event.order.channelOrderId, event.order.totals.total] as [string, number]]
            : [],
        ),
      );
      page = result.nextPage;
    } while (page);

    expect(orders.sort()).toEqual([
      ['3012345678', 4592],
      ['3012345679', 5036],
      ['3012345680', 4592],
    ]);
  });

  it('reads refunds and the deposit from the ledger', async () => {
    const call = bench.call(etsyAdapter, credentials, { basePath: '/etsy' });
    const refunds = await etsyAdapter.pollRefunds!(call, { ...window, pageSize: 100 });
    const payouts = await etsyAdapter.pollPayouts!(call, { ...window, pageSize: 100 });
    const payout = payouts.events[0].kind === 'payout' ? payouts.events[0].payout : undefined;

    expect(refunds.events).toEqual([expect.objectContaining({ kind: 'refund' })]);
    expect(payout?.amount).toBe(2070);
    expect(payout?.transactions.reduce((sum, item) => sum + item.net, 0)).toBe(2070);
  });

  it('writes listing inventory back with the new quantity', async () => {
    const call = bench.call(etsyAdapter, credentials, { basePath: '/etsy' });
    const results = await etsyAdapter.pushInventory!(call, [
      { sku: 'MUG-BLUE', locationId: 'default', quantity: 11 },
      { sku: 'NOT-LISTED', locationId: 'default', quantity: 1 },
    ]);

    expect(results.map((result) => result.status)).toEqual(['updated', 'failed']);
    expect(results[1].message).toMatch(/no active Etsy listing/);
    expect(await etsyAdapter.readInventory!(call)).toEqual([
      { sku: 'MUG-BLUE', locationId: 'default', quantity: 11 },
    ]);
  });

  it('names a wrong shop id in the connection test', async () => {
    const call = bench.call(etsyAdapter, { ...credentials, shopId: 1 }, { basePath: '/etsy' });
    const result = await etsyAdapter.testConnection(call);

    expect(result.ok).toBe(false);
    expect(result.checks.find((check) => check.name === 'shop')?.message).toMatch(
      /reading shop 1 failed/,
    );
  });

  it('retries after 10 requests a second', async () => {
    await bench.control('/__sandbox/etsy/rate-limit', { requestsPerSecond: 2, burst: 1 });

    const call = bench.call(etsyAdapter, credentials, { basePath: '/etsy' });
    const result = await etsyAdapter.pollOrders!(call, { ...window, pageSize: 100 });
    const again = await etsyAdapter.pollOrders!(call, { ...window, pageSize: 100 });

    expect(result.events).toHaveLength(3);
    expect(again.events).toHaveLength(3);
    expect(
      (await bench.read<{ throttled: number }>('/__sandbox/etsy/stats')).throttled,
    ).toBeGreaterThan(0);
  });
});
