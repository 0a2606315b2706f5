import { type BenchmarkSample, type ChannelRegistration } from '../channel/channel-adapter';
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

export const bigCommerceRegistration: ChannelRegistration<BcCredentials> = {
  adapter: bigCommerceAdapter,
  benchmarkSamples: bigCommerceBenchmarkSamples,
};
