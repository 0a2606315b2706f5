import { createHash } from 'node:crypto';

/**
 * Derives a `requestid` from what a write is about, so that a retry of the same write (after a
 * timeout, a crash or a redelivery) carries the same id and QuickBooks answers it from the first
 * result. 36 hex characters stay inside the length QuickBooks accepts.
 */
export function stableRequestId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 36);
}
