import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks Shopify's `X-Shopify-Hmac-Sha256` header: the base64 HMAC-SHA256 of the raw request body,
 * keyed with the app's client secret. The comparison takes the same time whatever the header, so
 * the signature cannot be guessed byte by byte.
 */
export function isValidShopifySignature(
  rawBody: Buffer,
  header: string | undefined,
  secret: string,
): boolean {
  if (!header) {
    return false;
  }

  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const received = Buffer.from(header, 'base64');

  return received.length === expected.length && timingSafeEqual(received, expected);
}
