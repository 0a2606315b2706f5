import { randomUUID } from 'node:crypto';

import { assertLocalTarget, SHOPIFY_API_VERSION } from '../webhook-replayer';
import { signShopifyWebhook } from '../webhook-signature';
import { type JsonObject, type SandboxShop } from './shopify-shop.store';

/** Topics the sandbox accepts in `webhooks.json`, a subset of Shopify's list. */
export const SANDBOX_WEBHOOK_TOPICS = new Set([
  'app/uninstalled',
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/cancelled',
  'orders/fulfilled',
  'orders/partially_fulfilled',
  'refunds/create',
  'inventory_levels/update',
]);

const DELIVERY_TIMEOUT_MS = 10_000;

export interface WebhookDeliveryResult {
  webhookId: number;
  address: string;
  status: number;
  body: string;
}

/**
 * POSTs `payload` to every subscription of the shop for `topic`, signed with the installed app's
 * client secret and carrying Shopify's `X-Shopify-*` headers. Only loopback addresses are called,
 * and redirects are not followed.
 */
export async function deliverShopifyWebhook(
  shop: SandboxShop,
  clientSecret: string,
  topic: string,
  payload: JsonObject,
): Promise<WebhookDeliveryResult[]> {
  const body = JSON.stringify(payload);
  const results: WebhookDeliveryResult[] = [];

  for (const webhook of shop.webhooks.filter((candidate) => candidate.topic === topic)) {
    const response = await fetch(assertLocalTarget(webhook.address), {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      headers: {
        'Content-Type': 'application/json',
        'X-Shopify-Topic': topic,
        'X-Shopify-Shop-Domain': shop.shopDomain,
        'X-Shopify-Hmac-Sha256': signShopifyWebhook(body, clientSecret),
        'X-Shopify-Webhook-Id': randomUUID(),
        'X-Shopify-Event-Id': randomUUID(),
        'X-Shopify-API-Version': SHOPIFY_API_VERSION,
        'X-Shopify-Triggered-At': new Date().toISOString(),
      },
      body,
    });

    results.push({
      webhookId: webhook.id,
      address: webhook.address,
      status: response.status,
      body: await response.text(),
    });
  }

  return results;
}
