import { createHmac } from 'node:crypto';

import { type BenchmarkSample, type ChannelRegistration } from '../channel/channel-adapter';
import { type CustomStoreCredentials, customStoreAdapter } from './custom-store.adapter';

const BENCHMARK_SECRET = 'bench-push-secret-0123456789';

/** Pushed batches of one order each, for scripts/bench-connectors.js. */
function customStoreBenchmarkSamples(): BenchmarkSample<CustomStoreCredentials>[] {
  return [1, 2, 3].map((lines) => {
    const order = {
      OrderNumber: `BENCH-${lines}`,
      CreationDate: '2026-07-01T12:00:00Z',
      ModifiedDate: '2026-07-01T12:05:00Z',
      CurrencyCode: 'USD',
      Total: (lines * 21.2 + 5).toFixed(2),
      TotalTax: (lines * 1.2).toFixed(2),
      TaxRate: '0.06',
      ShippingExclTax: '5.00',
      Lines: Array.from({ length: lines }, (_, index) => ({
        Sku: `SKU-${index + 1}`,
        Name: `Product ${index + 1}`,
        Quantity: 1,
        PriceExclTax: '20.00',
        PriceInclTax: '21.20',
      })),
    };
    const rawBody = Buffer.from(JSON.stringify({ Orders: [order] }), 'utf8');

    return {
      name: `custom store order with ${lines} line(s)`,
      credentials: { pushSecret: BENCHMARK_SECRET },
      delivery: {
        rawBody,
        headers: {
          'x-signature': createHmac('sha256', BENCHMARK_SECRET).update(rawBody).digest('base64'),
        },
        connectionId: 'bench-connection',
        receivedAt: new Date().toISOString(),
      },
    };
  });
}

export const customStoreRegistration: ChannelRegistration<CustomStoreCredentials> = {
  adapter: customStoreAdapter,
  benchmarkSamples: customStoreBenchmarkSamples,
};
