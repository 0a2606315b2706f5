import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Computes Square's `x-square-hmacsha256-signature`: the base64 HMAC-SHA256, keyed with the
 * subscription's signature key, of the notification URL followed by the raw body. The URL must
 * be exactly the one registered on the webhook subscription.
 */
export function signSquareWebhook(
  notificationUrl: string,
  rawBody: Buffer,
  signatureKey: string,
): string {
  return createHmac('sha256', signatureKey)
    .update(notificationUrl)
    .update(rawBody)
    .digest('base64');
}

/** Checks `x-square-hmacsha256-signature` in constant time. */
export function isValidSquareSignature(
  notificationUrl: string,
  rawBody: Buffer,
  header: string | undefined,
  signatureKey: string,
): boolean {
  if (!header || !signatureKey) {
    return false;
  }

  const expected = createHmac('sha256', signatureKey)
    .update(notificationUrl)
    .update(rawBody)
    .digest();
  const received = Buffer.from(header, 'base64');

  return received.length === expected.length && timingSafeEqual(received, expected);
}
