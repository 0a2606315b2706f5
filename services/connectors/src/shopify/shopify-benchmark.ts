import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { type BenchmarkSample } from '../channel/channel-adapter';
import { type ShopifyCredentials } from './shopify.adapter';

const BENCHMARK_SHOP = 'bench-shop.myshopify.com';
const BENCHMARK_SECRET = 'bench-client-secret';

/**
 * Shopify's published sample orders (fixtures/shopify/order-*.json) as signed orders/updated
 * deliveries, for scripts/bench-connectors.js. Reads the repository's fixtures folder.
 */
export function loadShopifyBenchmarkSamples(
  fixturesDir = path.resolve(__dirname, '../../../../fixtures'),
): BenchmarkSample<ShopifyCredentials>[] {
  const shopifyDir = path.join(fixturesDir, 'shopify');
  const samples: BenchmarkSample<ShopifyCredentials>[] = [];
  const seen = new Set<string>();

  for (const file of readdirSync(shopifyDir)
    .filter((name) => name.startsWith('order-'))
    .sort()) {
    const fixture = JSON.parse(readFileSync(path.join(shopifyDir, file), 'utf8')) as {
      request?: { url?: string };
      response?: { order?: Record<string, unknown>; orders?: Record<string, unknown>[] };
    };

    if (fixture.request?.url?.includes('fields=')) {
      continue;
    }

    const orders =
      fixture.response?.orders ?? (fixture.response?.order ? [fixture.response.order] : []);

    for (const order of orders) {
      const key = String(order.id);

      if (seen.has(key) || !Array.isArray(order.line_items) || order.line_items.length === 0) {
        continue;
      }

      seen.add(key);
      const rawBody = Buffer.from(JSON.stringify(order), 'utf8');

      samples.push({
        name: `shopify order ${key}`,
        credentials: { shopDomain: BENCHMARK_SHOP, webhookSecret: BENCHMARK_SECRET },
        delivery: {
          rawBody,
          headers: {
            'x-shopify-topic': 'orders/updated',
            'x-shopify-shop-domain': BENCHMARK_SHOP,
            'x-shopify-hmac-sha256': createHmac('sha256', BENCHMARK_SECRET)
              .update(rawBody)
              .digest('base64'),
            'x-shopify-webhook-id': `bench-${key}`,
          },
          receivedAt: new Date().toISOString(),
        },
      });
    }
  }

  return samples;
}
