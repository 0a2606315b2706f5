import {
  type BenchmarkRecord,
  type BenchmarkSample,
  type ChannelRegistration,
} from '../channel/channel-adapter';
import { BENCHMARK_POLL_CONTEXT } from '../channel-support/benchmark-records';
import { type FixtureJson, readJsonFixture } from '../channel-support/fixture-files';
import { normaliseSquareOrder } from './square-order.normaliser';
import { signSquareWebhook } from './square-signature';
import { squareAdapter, type SquareCredentials } from './square.adapter';

const BENCHMARK_CREDENTIALS: SquareCredentials = {
  accessToken: 'benchmark-access-token',
  merchantId: '6SSW7HV8K2ST5',
  locationIds: [],
  webhookSignatureKey: 'benchmark-signature-key',
  notificationUrl: 'https://connectors.example.com/webhooks/square',
};

/** Signed Square refund, payout and order events from the hand-written fixtures. */
export function squareBenchmarkSamples(): BenchmarkSample<SquareCredentials>[] {
  return ['webhook-refund-updated', 'webhook-payout-paid', 'webhook-order-updated'].map((name) => {
    const rawBody = Buffer.from(JSON.stringify(readJsonFixture(`square/${name}.json`)));

    return {
      name: `square ${name}`,
      credentials: BENCHMARK_CREDENTIALS,
      delivery: {
        rawBody,
        receivedAt: '2026-01-01T00:00:00.000Z',
        headers: {
          'x-square-hmacsha256-signature': signSquareWebhook(
            BENCHMARK_CREDENTIALS.notificationUrl,
            rawBody,
            BENCHMARK_CREDENTIALS.webhookSignatureKey,
          ),
        },
      },
    };
  });
}

/**
 * Builds benchmark records from the hand-written RetrieveOrder and SearchOrders responses, as the
 * adapter reads them after an order webhook or in a poll, with the SKUs it looks up in the catalog.
 */
export function squareBenchmarkRecords(): BenchmarkRecord[] {
  const retrieved = (readJsonFixture('square/retrieve-order.json') as FixtureJson).order;
  const searched = (readJsonFixture('square/search-orders.json') as FixtureJson)
    .orders as FixtureJson[];
  const orders = [
    { name: 'square retrieve-order', order: retrieved as FixtureJson },
    ...searched.map((order, index) => ({ name: `square search-orders[${index}]`, order })),
  ];
  const skuByVariationId = new Map([
    ['VAR-MUG-BLUE', 'MUG-BLUE'],
    ['VAR-TOWEL', 'TOWEL-1'],
  ]);

  // Not orderBenchmarkRecords, because the Square normaliser also takes the catalog SKUs.
  return orders.map(({ name, order }) => {
    const body = JSON.stringify(order);

    return {
      name,
      normalise: () => {
        normaliseSquareOrder(JSON.parse(body) as unknown, BENCHMARK_POLL_CONTEXT, {
          skuByVariationId,
        });

        return 1;
      },
    };
  });
}

export const squareRegistration: ChannelRegistration<SquareCredentials> = {
  adapter: squareAdapter,
  benchmarkSamples: squareBenchmarkSamples,
  benchmarkRecords: squareBenchmarkRecords,
};
