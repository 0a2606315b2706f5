import { type Company } from '../company/company';

const MINUTE_MS = 60_000;
const SECOND_MS = 1_000;

/** The limit a call broke, named as in Intuit's throttling documentation. */
export type LimitBreach =
  'requests-per-minute' | 'requests-per-second' | 'concurrent' | 'batches-per-minute';

/**
 * Decides whether a realm may start one more call, over sliding windows: a call is refused when
 * the last 60 s (or 1 s) already hold the limit's number of admitted calls. Refused calls are not
 * counted, so a client that backs off recovers as soon as the window moves on.
 *
 * NOTE: Intuit does not publish whether its windows slide or are fixed. Sliding windows are the
 * stricter reading, so a client that passes here also passes fixed windows.
 */
export function admitCall(
  company: Company,
  isBatch: boolean,
  nowMs: number,
): LimitBreach | undefined {
  const { settings, traffic } = company;

  dropOlderThan(traffic.requestTimesMs, nowMs - MINUTE_MS);
  dropOlderThan(traffic.batchTimesMs, nowMs - MINUTE_MS);

  if (settings.concurrentRequests > 0 && traffic.inFlight >= settings.concurrentRequests) {
    return 'concurrent';
  }

  if (
    settings.requestsPerMinute > 0 &&
    traffic.requestTimesMs.length >= settings.requestsPerMinute
  ) {
    return 'requests-per-minute';
  }

  if (
    settings.requestsPerSecond > 0 &&
    countSince(traffic.requestTimesMs, nowMs - SECOND_MS) >= settings.requestsPerSecond
  ) {
    return 'requests-per-second';
  }

  if (
    isBatch &&
    settings.batchesPerMinute > 0 &&
    traffic.batchTimesMs.length >= settings.batchesPerMinute
  ) {
    return 'batches-per-minute';
  }

  traffic.requestTimesMs.push(nowMs);
  if (isBatch) {
    traffic.batchTimesMs.push(nowMs);
  }

  return undefined;
}

/** Removes the times before `cutoffMs` from a list kept in arrival order. */
function dropOlderThan(times: number[], cutoffMs: number): void {
  let stale = 0;

  while (stale < times.length && times[stale] <= cutoffMs) {
    stale += 1;
  }

  if (stale > 0) {
    times.splice(0, stale);
  }
}

function countSince(times: number[], cutoffMs: number): number {
  let count = 0;

  for (let index = times.length - 1; index >= 0 && times[index] > cutoffMs; index -= 1) {
    count += 1;
  }

  return count;
}
