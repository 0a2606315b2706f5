import {
  type BenchmarkRecord,
  type BenchmarkSample,
  type ChannelRegistration,
} from '../channel/channel-adapter';
import { orderBenchmarkRecords } from '../channel-support/benchmark-records';
import { type FixtureJson, readJsonFixture } from '../channel-support/fixture-files';
import { normaliseBigCommerceOrder } from './bigcommerce-order.normaliser';
import {
  bigCommerceAdapter,
  BC_WEBHOOK_SECRET_HEADER,
  type BcCredentials,
} from './bigcommerce.adapter';

const BENCHMARK_CREDENTIALS: BcCredentials = {
  storeHash: 'benchstore',
  accessToken: 'benchmark-access-token',
  webhookSecret: 'benchmark-webhook-secret',
};

/**
 * Order webhooks as BigCommerce sends them. They carry only the order id, so the benchmark
 * measures attribution, the header check and parsing, not order normalisation.
 */
export function bigCommerceBenchmarkSamples(): BenchmarkSample<BcCredentials>[] {
  return [100, 113, 218].map((orderId) => ({
    name: `bigcommerce store/order/updated ${orderId}`,
    credentials: BENCHMARK_CREDENTIALS,
    delivery: {
      rawBody: Buffer.from(
        JSON.stringify({
          scope: 'store/order/updated',
          store_id: '1025646',
          producer: `stores/${BENCHMARK_CREDENTIALS.storeHash}`,
          hash: `hash-${orderId}`,
          created_at: 1561479335,
          data: { type: 'order', id: orderId },
        }),
      ),
      receivedAt: '2026-01-01T00:00:00.000Z',
      headers: { [BC_WEBHOOK_SECRET_HEADER]: BENCHMARK_CREDENTIALS.webhookSecret },
    },
  }));
}

/**
 * Builds benchmark records from BigCommerce's published order examples, bundled as the adapter
 * reads them after a webhook, with empty shipping address and tax lists. The examples come without
 * their products, so each order gets one product that carries the order's own subtotal.
 */
export function bigCommerceBenchmarkRecords(): BenchmarkRecord[] {
  const orders = [
    readJsonFixture('bigcommerce/order.json') as FixtureJson,
    readJsonFixture('bigcommerce/order-actual.json') as FixtureJson,
    ...(readJsonFixture('bigcommerce/orders-list.json') as FixtureJson[]),
  ];

  return orderBenchmarkRecords(
    orders.map((order) => ({
      name: `bigcommerce order ${order.id}`,
      payload: {
        order,
        products: [
          {
            id: 1,
            name: 'Published order subtotal',
            sku: 'SUBTOTAL',
            quantity: 1,
            total_ex_tax: order.subtotal_ex_tax,
            total_inc_tax: order.subtotal_inc_tax,
            total_tax: order.subtotal_tax,
          },
        ],
        shipping_addresses: [],
        taxes: [],
      },
    })),
    normaliseBigCommerceOrder,
  );
}

export const bigCommerceRegistration: ChannelRegistration<BcCredentials> = {
  adapter: bigCommerceAdapter,
  benchmarkSamples: bigCommerceBenchmarkSamples,
  benchmarkRecords: bigCommerceBenchmarkRecords,
};
