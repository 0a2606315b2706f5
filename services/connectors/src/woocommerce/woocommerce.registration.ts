import { type BenchmarkSample, type ChannelRegistration } from '../channel/channel-adapter';
import { readJsonFixture } from '../channel-support/fixture-files';
import { signWooWebhook } from './woocommerce-signature';
import { wooCommerceAdapter, type WooCredentials } from './woocommerce.adapter';

const BENCHMARK_CREDENTIALS: WooCredentials = {
  storeUrl: 'https://example.com',
  consumerKey: 'ck_benchmark',
  consumerSecret: 'cs_benchmark',
  webhookSecret: 'benchmark-webhook-secret',
};

/** Signed `order.created` deliveries of WooCommerce's published sample orders. */
export function wooBenchmarkSamples(): BenchmarkSample<WooCredentials>[] {
  const orders = readJsonFixture('woocommerce/orders-list.json') as unknown[];

  return orders.map((order, index) => {
    const rawBody = Buffer.from(JSON.stringify(order));

    return {
      name: `woocommerce orders-list[${index}]`,
      credentials: BENCHMARK_CREDENTIALS,
      delivery: {
        rawBody,
        receivedAt: '2026-01-01T00:00:00.000Z',
        headers: {
          'x-wc-webhook-source': 'https://example.com/',
          'x-wc-webhook-topic': 'order.created',
          'x-wc-webhook-signature': signWooWebhook(rawBody, BENCHMARK_CREDENTIALS.webhookSecret),
          'x-wc-webhook-delivery-id': String(index + 1),
        },
      },
    };
  });
}

export const wooCommerceRegistration: ChannelRegistration<WooCredentials> = {
  adapter: wooCommerceAdapter,
  benchmarkSamples: wooBenchmarkSamples,
};
