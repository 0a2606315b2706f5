import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Computes `X-Shopify-Hmac-Sha256` the way Shopify signs webhooks: the base64 HMAC-SHA256 of the
 * raw body bytes, keyed with the app's client secret.
 */
export function signShopifyWebhook(rawBody: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/** Checks a received `X-Shopify-Hmac-Sha256` header in constant time. */
export function verifyShopifyWebhook(
  rawBody: string | Buffer,
  secret: string,
  signature: string,
): boolean {
  const expected = Buffer.from(signShopifyWebhook(rawBody, secret), 'base64');
  const received = Buffer.from(signature, 'base64');

  return expected.length === received.length && timingSafeEqual(expected, received);
}
