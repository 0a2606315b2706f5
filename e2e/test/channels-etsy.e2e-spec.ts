import { etsyAdapter, type EtsyCredentials } from '@qbsync/connectors/dist/etsy';
import { withInfrastructure } from '@qbsync/testing';

import { type ChannelBench, startChannelBench } from './support/channel-calls';
import { startTokenBench, type TokenBench } from './support/channel-tokens';

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
    await bench.control('/__sandbox/etsy/reset');
  });

  /** Exchanges a refresh token at the stand-in directly, as another client of the shop would. */
  async function refreshAtEtsy(
    refreshToken: string,
  ): Promise<{ access_token?: string; error?: string }> {
    const response = await fetch(`${bench.sandboxUrl}/etsy/v3/public/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: credentials.keystring,
        refresh_token: refreshToken,
      }).toString(),
    });

    return (await response.json()) as { access_token?: string; error?: string };
  }

  it('pages through receipts modified since the cursor', async () => {
    const call = await tokens.call(etsyAdapter, credentials, { basePath: '/etsy' });
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
    const call = await tokens.call(etsyAdapter, credentials, { basePath: '/etsy' });
    const refunds = await etsyAdapter.pollRefunds!(call, { ...window, pageSize: 100 });
    const payouts = await etsyAdapter.pollPayouts!(call, { ...window, pageSize: 100 });
    const payout = payouts.events[0].kind === 'payout' ? payouts.events[0].payout : undefined;

    expect(refunds.events).toEqual([expect.objectContaining({ kind: 'refund' })]);
    expect(payout?.amount).toBe(2070);
    expect(payout?.transactions.reduce((sum, item) => sum + item.net, 0)).toBe(2070);
  });

  it('writes listing inventory back with the new quantity', async () => {
    const call = await tokens.call(etsyAdapter, credentials, { basePath: '/etsy' });
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
    const call = await tokens.call(
      etsyAdapter,
      { ...credentials, shopId: 1 },
      { basePath: '/etsy' },
    );
    const result = await etsyAdapter.testConnection(call);

    expect(result.ok).toBe(false);
    expect(result.checks.find((check) => check.name === 'shop')?.message).toMatch(
      /reading shop 1 failed/,
    );
  });

  it('keeps the rotated refresh token for a later instance', async () => {
    const call = await tokens.call(etsyAdapter, credentials, { basePath: '/etsy' });

    expect((await etsyAdapter.pollOrders!(call, { ...window, pageSize: 100 })).events).toHaveLength(
      3,
    );

    const stored = await tokens.read(etsyAdapter, call.connection.connectionId);
    const rotated = stored?.credentials.refreshToken;

    expect(rotated).toMatch(/^812345\./);
    expect(rotated).not.toBe(credentials.refreshToken);
    expect((await refreshAtEtsy(credentials.refreshToken)).error).toBe('invalid_grant');

    // Two hours later the first access token has expired at Etsy and in the shared cache. A new
    // connector instance, given the credentials as first entered, must refresh with the stored
    // rotated token.
    await bench.control('/__sandbox/clock', { advanceSeconds: 2 * 3600 });

    const later = await tokens.restart();

    try {
      const laterCall = later.attach(
        etsyAdapter,
        bench.call(etsyAdapter, credentials, {
          basePath: '/etsy',
          connectionId: call.connection.connectionId,
          now: () => new Date(Date.now() + 2 * 3600 * 1000),
        }),
      );
      const page = await etsyAdapter.pollOrders!(laterCall, { ...window, pageSize: 100 });
      const restored = await later.read(etsyAdapter, call.connection.connectionId);

      expect(page.events).toHaveLength(3);
      expect(restored?.credentials.refreshToken).not.toBe(rotated);
      expect(restored?.status).toBeUndefined();
    } finally {
      await later.stop();
      await fetch(`${bench.sandboxUrl}/__sandbox/clock`, { method: 'DELETE' });
    }
  });

  it('asks to reconnect after a spent refresh token', async () => {
    expect((await refreshAtEtsy(credentials.refreshToken)).access_token).toBeDefined();

    const call = await tokens.call(etsyAdapter, credentials, { basePath: '/etsy' });
    const result = await etsyAdapter.testConnection(call);
    const stored = await tokens.read(etsyAdapter, call.connection.connectionId);

    expect(result.ok).toBe(false);
    expect(result.checks[0].message).toMatch(/invalid_grant/);
    expect(result.checks[0].message).toMatch(/the shop owner must connect Etsy again/);
    expect(stored?.status).toBe('reconnect_needed');
  });

  it('retries after 10 requests a second', async () => {
    await bench.control('/__sandbox/etsy/rate-limit', { requestsPerSecond: 2, burst: 1 });

    const call = await tokens.call(etsyAdapter, credentials, { basePath: '/etsy' });
    const result = await etsyAdapter.pollOrders!(call, { ...window, pageSize: 100 });
    const again = await etsyAdapter.pollOrders!(call, { ...window, pageSize: 100 });

    expect(result.events).toHaveLength(3);
    expect(again.events).toHaveLength(3);
    expect(
      (await bench.read<{ throttled: number }>('/__sandbox/etsy/stats')).throttled,
    ).toBeGreaterThan(0);
  });
});
