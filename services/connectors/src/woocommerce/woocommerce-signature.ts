import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Computes WooCommerce's `X-WC-Webhook-Signature`: the base64 HMAC-SHA256 of the raw body, keyed
 * with the webhook's secret.
 */
export function signWooWebhook(rawBody: Buffer, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

/** Checks `X-WC-Webhook-Signature` in constant time. */
export function isValidWooSignature(
  rawBody: Buffer,
  header: string | undefined,
  secret: string,
): boolean {
  if (!header || !secret) {
    return false;
  }

  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const received = Buffer.from(header, 'base64');

  return received.length === expected.length && timingSafeEqual(received, expected);
}
