import { amazonAdapter, type AmazonCredentials } from '@qbsync/connectors/dist/amazon';
import { withInfrastructure } from '@qbsync/testing';

import { type ChannelBench, startChannelBench } from './support/channel-calls';
import { startTokenBench, type TokenBench } from './support/channel-tokens';

const infra = withInfrastructure();
const window = {
  modifiedSince: '1970-01-01T00:00:00.000Z',
  modifiedUntil: '2099-01-01T00:00:00.000Z',
  pageSize: 1,
  receivedAt: '2026-01-01T00:00:00.000Z',
};

describe('Amazon adapter against the stand-in', () => {
  let bench: ChannelBench;
  let tokens: TokenBench;
  let credentials: AmazonCredentials;

  beforeAll(async () => {
    bench = await startChannelBench(infra.natsUrl);
    tokens = await startTokenBench(bench, infra.natsUrl, infra.mongoUri);
    credentials = {
      sellerId: 'A3TH9S8BH6GOGM',
      marketplaceIds: ['ATVPDKIKX0DER'],
      region: 'na',
      clientId: 'amzn1.application-oa2-client.sandbox',
      clientSecret: 'amazon-sandbox-client-secret',
      refreshToken: 'Atzr|sandbox-refresh-token',
      lwaTokenUrl: `${bench.sandboxUrl}/amazon/auth/o2/token`,
    };
  });

  afterAll(async () => {
    await tokens?.stop();
    await bench?.stop();
  });

  beforeEach(async () => {
    await bench.control('/__sandbox/amazon/reset');
  });

  it('exchanges the refresh token and polls orders with their items', async () => {
    const call = await tokens.call(amazonAdapter, credentials, { basePath: '/amazon' });
    const totals: [string, number][] = [];
    let page: string | undefined;

    do {
      const result = await amazonAdapter.pollOrders!(call, { ...window, page });

      for (const event of result.events) {
        expect(event.kind).toBe('order');
        totals.push(
          event.kind === 'order' ? [event.order.channelOrderId, event.order.totals.total] : ['', 0],
        );
      }

      page = result.nextPage;
    } while (page);

    expect(totals).toEqual([
      ['902-1845936-5435065', 1101],
      ['113-5071520-2310641', 3248],
    ]);
  });

  it('reads the closed settlement as a payout that sums to its total', async () => {
    const call = await tokens.call(amazonAdapter, credentials, { basePath: '/amazon' });
    const result = await amazonAdapter.pollPayouts!(call, { ...window, pageSize: 100 });
    const payout = result.events[0].kind === 'payout' ? result.events[0].payout : undefined;

    expect(payout?.amount).toBe(614);
    expect(payout?.transactions.reduce((sum, item) => sum + item.net, 0)).toBe(614);
  });

  it('reads refund events', async () => {
    const call = await tokens.call(amazonAdapter, credentials, { basePath: '/amazon' });
    const result = await amazonAdapter.pollRefunds!(call, { ...window, pageSize: 100 });

    expect(result.events).toEqual([
      expect.objectContaining({
        kind: 'refund',
        revision: '113-8871002-5512345@2024-03-03T16:40:00.000Z',
      }),
    ]);
  });

  it('reports a revoked refresh token', async () => {
    const call = await tokens.call(
      amazonAdapter,
      { ...credentials, refreshToken: 'Atzr|revoked' },
      { basePath: '/amazon' },
    );
    const result = await amazonAdapter.testConnection(call);

    expect(result.ok).toBe(false);
    expect(result.checks[0].message).toMatch(/rejected the refresh token/);
    expect((await tokens.read(amazonAdapter, call.connection.connectionId))?.status).toBe(
      'reconnect_needed',
    );
  });

  it('submits merchant quantities as a listings feed', async () => {
    const call = await tokens.call(amazonAdapter, credentials, { basePath: '/amazon' });
    const results = await amazonAdapter.pushInventory!(call, [
      { sku: 'MUG-BLUE', locationId: 'DEFAULT', quantity: 7 },
      { sku: 'MUG-BLUE', locationId: 'AFN:ATVPDKIKX0DER', quantity: 7 },
    ]);

    expect(results.map((result) => result.status)).toEqual(['updated', 'failed']);

    const feeds = await bench.read<
      {
        feedType: string;
        document: { messages: { sku: string; patches: { value: { quantity: number }[] }[] }[] };
      }[]
    >('/__sandbox/amazon/feeds');

    expect(feeds[0].feedType).toBe('JSON_LISTINGS_FEED');
    expect(feeds[0].document.messages[0].patches[0].value[0].quantity).toBe(7);
    expect(await amazonAdapter.readInventory!(call)).toEqual([
      { sku: 'MUG-BLUE', locationId: 'AFN:ATVPDKIKX0DER', quantity: 14 },
    ]);
  });

  it('waits out the getOrderItems usage plan', async () => {
    await bench.control('/__sandbox/amazon/rate-limit', {
      operation: 'getOrderItems',
      requestsPerSecond: 2,
      burst: 1,
    });

    const call = await tokens.call(amazonAdapter, credentials, { basePath: '/amazon' });
    const result = await amazonAdapter.pollOrders!(call, { ...window, pageSize: 100 });

    expect(result.events.filter((event) => event.kind === 'order')).toHaveLength(2);
    expect(
      (await bench.read<{ throttled: number }>('/__sandbox/amazon/stats')).throttled,
    ).toBeGreaterThan(0);
  });
});
