import { walmartAdapter, type WalmartCredentials } from '@qbsync/connectors/dist/walmart';
import { withInfrastructure } from '@qbsync/testing';

import { type ChannelBench, startChannelBench } from './support/channel-calls';
import { startTokenBench, type TokenBench } from './support/channel-tokens';

const infra = withInfrastructure();
const credentials: WalmartCredentials = {
  clientId: 'walmart-sandbox-client-id',
  clientSecret: 'walmart-sandbox-client-secret',
};
const window = {
  modifiedSince: '2024-03-01T00:00:00.000Z',
  modifiedUntil: '2024-04-01T00:00:00.000Z',
  pageSize: 1,
  receivedAt: '2026-01-01T00:00:00.000Z',
};

describe('Walmart adapter against the stand-in', () => {
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
    await bench.control('/__sandbox/walmart/reset');
  });

  it('follows nextCursor through the modified orders', async () => {
    const call = await tokens.call(walmartAdapter, credentials, { basePath: '/walmart' });
    const orders: [string, number][] = [];
    let page: string | undefined;

    do {
      const result = await walmartAdapter.pollOrders!(call, { ...window, page });

      orders.push(
        ...result.events.flatMap((event) =>
          event.kind === 'order'
            ? [[event.order.channelOrderId, event.order.totals.total] as [string, number]]
            : [],
        ),
      );
      page = result.nextPage;
    } while (page);

    expect(orders).toEqual([
      ['1796277083022', 4751],
      ['1796277083023', 4751],
    ]);
  });

  it('answers an empty window without orders', async () => {
    const call = await tokens.call(walmartAdapter, credentials, { basePath: '/walmart' });

    expect(
      await walmartAdapter.pollOrders!(call, {
        ...window,
        modifiedSince: '2025-01-01T00:00:00.000Z',
        modifiedUntil: '2025-02-01T00:00:00.000Z',
      }),
    ).toEqual({ events: [] });
  });

  it('reads refunds and the zipped reconciliation report', async () => {
    const call = await tokens.call(walmartAdapter, credentials, { basePath: '/walmart' });
    const refunds = await walmartAdapter.pollRefunds!(call, { ...window, pageSize: 100 });
    const payouts = await walmartAdapter.pollPayouts!(call, { ...window, pageSize: 100 });
    const payout = payouts.events[0].kind === 'payout' ? payouts.events[0].payout : undefined;

    expect(refunds.events).toEqual([
      expect.objectContaining({ kind: 'refund', revision: 'R-7781' }),
    ]);
    expect(payout?.amount).toBe(1659);
    expect(payout?.transactions.reduce((sum, item) => sum + item.net, 0)).toBe(1659);
  });

  it('reads the report as a bare CSV too', async () => {
    await bench.control('/__sandbox/walmart/report-format', { format: 'csv' });

    const call = await tokens.call(walmartAdapter, credentials, { basePath: '/walmart' });
    const payouts = await walmartAdapter.pollPayouts!(call, { ...window, pageSize: 100 });

    expect(payouts.events).toEqual([
      expect.objectContaining({
        kind: 'payout',
        payout: expect.objectContaining({ amount: 1659 }),
      }),
    ]);
  });

  it('rejects a corrupt report archive', async () => {
    await bench.control('/__sandbox/walmart/report-format', { format: 'corrupt-zip' });

    const call = await tokens.call(walmartAdapter, credentials, { basePath: '/walmart' });
    const payouts = await walmartAdapter.pollPayouts!(call, { ...window, pageSize: 100 });
    const event = payouts.events[0];

    expect(payouts.events).toHaveLength(1);
    expect(event.kind).toBe('rejected');
    expect(event.kind === 'rejected' ? event.reason : '').toMatch(
      /reconciliation report 03142024 is not a readable ZIP archive/,
    );
  });

  it('submits an inventory feed', async () => {
    const call = await tokens.call(walmartAdapter, credentials, { basePath: '/walmart' });
    const results = await walmartAdapter.pushInventory!(call, [
      { sku: 'MUG-BLUE', locationId: 'default', quantity: 4 },
      { sku: ' ', locationId: 'default', quantity: 4 },
    ]);

    expect(results.map((result) => result.status)).toEqual(['updated', 'failed']);
    expect(results[0].message).toMatch(/^submitted in inventory feed SANDBOX/);
    expect(await walmartAdapter.readInventory!(call)).toContainEqual({
      sku: 'MUG-BLUE',
      locationId: 'default',
      quantity: 4,
    });
  });

  it('reports wrong client credentials', async () => {
    const call = await tokens.call(
      walmartAdapter,
      { ...credentials, clientSecret: 'wrong-secret-value' },
      { basePath: '/walmart' },
    );
    const result = await walmartAdapter.testConnection(call);

    expect(result.ok).toBe(false);
    expect(result.checks[0].message).toMatch(/rejected the client credentials/);
    expect((await tokens.read(walmartAdapter, call.connection.connectionId))?.status).toBe(
      'reconnect_needed',
    );
  });

  it('paces itself by the token-bucket headers', async () => {
    await bench.control('/__sandbox/walmart/rate-limit', { requestsPerSecond: 2, burst: 1 });

    const call = await tokens.call(walmartAdapter, credentials, { basePath: '/walmart' });
    const result = await walmartAdapter.pollOrders!(call, { ...window, pageSize: 100 });
    const again = await walmartAdapter.pollOrders!(call, { ...window, pageSize: 100 });

    expect(again.events).toHaveLength(result.events.length);
    expect((await bench.read<{ throttled: number }>('/__sandbox/walmart/stats')).throttled).toBe(0);
  });
});
