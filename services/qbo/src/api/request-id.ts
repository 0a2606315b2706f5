import { createHash } from 'node:crypto';

/**
 * Derives a `requestid` from what a write is about, so that a retry of the same write (after a
 * timeout, a crash or a redelivery) carries the same id and QuickBooks returns the first result for
 * it. 36 characters is the length of the UUIDs Intuit uses as requestid examples.
 */
export function stableRequestId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 36);
}
