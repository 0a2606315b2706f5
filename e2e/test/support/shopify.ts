import { randomUUID } from 'node:crypto';

import {
  loadShopifyOrderFixtures,
  type ShopifyOrderFixture,
  signShopifyWebhook,
} from '@qbsync/sandbox/dist/shopify';

import { type ConnectedAccount } from './gateway';
import { type Stack } from './stack';

export type ShopifyOrderBody = Record<string, unknown>;

/** Shopify's documented sample order: three lines of 199.00, a 10.00 discount, 598.94 in total. */
export const SAMPLE_ORDER_ID = 450789469;

let fixtures: ShopifyOrderFixture[] | undefined;

/** Every distinct order in fixtures/shopify, read by the sandbox's own fixture loader. */
export function sampleOrders(): ShopifyOrderFixture[] {
  fixtures ??= loadShopifyOrderFixtures();

  return fixtures;
}

/** Returns a deep copy of a sample order, so a test can change it without affecting others. */
export function sampleOrder(id: number = SAMPLE_ORDER_ID): ShopifyOrderBody {
  const fixture = sampleOrders().find((candidate) => candidate.id === id);

  if (!fixture) {
    throw new Error(`No Shopify sample order ${id} in fixtures/shopify`);
  }

  return structuredClone(fixture.body);
}

/**
 * Returns the sample order under a new order id, so that each test posts an order of its own,
 * because the posting ledger and QuickBooks both identify an order by its id.
 */
export function orderWithId(id: number, base: number = SAMPLE_ORDER_ID): ShopifyOrderBody {
  return { ...sampleOrder(base), id, admin_graphql_api_id: `gid://shopify/Order/${id}` };
}

export interface WebhookDelivery {
  topic?: string;
  /** X-Shopify-Webhook-Id; Shopify repeats it on every retry of one delivery. Default: new. */
  webhookId?: string;
  /** X-Shopify-Hmac-Sha256; null leaves the header out. Default: signed with the secret. */
  signature?: string | null;
}

export interface WebhookResponse {
  status: number;
  body: { status?: string; orderId?: string; duplicate?: boolean; message?: string };
  webhookId: string;
}

/** POSTs a body to the connector as Shopify delivers a webhook: raw bytes, signed with HMAC-SHA256. */
export async function deliverWebhook(
  stack: Stack,
  account: ConnectedAccount,
  order: ShopifyOrderBody | Buffer,
  delivery: WebhookDelivery = {},
): Promise<WebhookResponse> {
  const body = Buffer.isBuffer(order) ? order : Buffer.from(JSON.stringify(order), 'utf8');
  const webhookId = delivery.webhookId ?? randomUUID();
  const signature =
    delivery.signature === undefined
      ? signShopifyWebhook(body, account.webhookSecret)
      : delivery.signature;
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-Shopify-Topic': delivery.topic ?? 'orders/create',
    'X-Shopify-Shop-Domain': account.shopDomain,
    'X-Shopify-Webhook-Id': webhookId,
    'X-Shopify-API-Version': '2026-07',
  };

  if (signature !== null) {
    headers['X-Shopify-Hmac-Sha256'] = signature;
  }

  const response = await fetch(`${stack.connectorsUrl}/webhooks/shopify`, {
    method: 'POST',
    headers,
    body,
  });
  const text = await response.text();

  return {
    status: response.status,
    body: (text ? JSON.parse(text) : {}) as WebhookResponse['body'],
    webhookId,
  };
}
