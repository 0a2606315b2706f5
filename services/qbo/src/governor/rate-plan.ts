/** Intuit's published QuickBooks Online limits per realm and app. */
export interface QboLimits {
  requestsPerMinute: number;
  requestsPerSecond: number;
  maxInFlight: number;
  batchesPerMinute: number;
}

/** How far apart the governor starts calls of one realm, derived from the limits. */
export interface RatePlan {
  /** Minimum gap between the starts of two calls of one realm, in milliseconds. */
  requestSpacingMs: number;
  /** Minimum gap between the starts of two batch calls of one realm, in milliseconds. */
  batchSpacingMs: number;
  maxInFlight: number;
  /** How far a late call may start after its slot and still keep the slot, in milliseconds. */
  catchUpMs: number;
}

/**
 * Turns the limits into start spacing. Spacing calls evenly satisfies a sliding per-minute and
 * per-second window at once, where counting calls in fixed windows would allow a burst of twice
 * the limit across a window boundary. `headroom` (0 to 1) keeps a share of each limit unused, so
 * timer lateness and clock differences between replicas do not push a window over.
 */
export function planRates(limits: QboLimits, headroom: number): RatePlan {
  const usable = 1 - headroom;
  const perMinuteSpacing = 60_000 / (limits.requestsPerMinute * usable);
  const perSecondSpacing = 1_000 / (limits.requestsPerSecond * usable);

  const requestSpacingMs = Math.max(perMinuteSpacing, perSecondSpacing);

  return {
    requestSpacingMs,
    batchSpacingMs: 60_000 / (limits.batchesPerMinute * usable),
    maxInFlight: limits.maxInFlight,
    // A sixth of the spacing covers a late timer and a round trip to the bucket, and keeps two
    // starts at least five sixths of the spacing apart, so a second of calls can be spread by
    // about 230 ms on its way to QuickBooks before it contains more than the per-second limit.
    catchUpMs: requestSpacingMs / 6,
  };
}

/** The shared schedule of one realm: when the next call and the next batch call may start. */
export interface RealmSchedule {
  nextRequestAtMs: number;
  nextBatchAtMs: number;
  /** Set after a 429: no call of the realm starts before this time. */
  pausedUntilMs: number;
}

export const EMPTY_SCHEDULE: RealmSchedule = {
  nextRequestAtMs: 0,
  nextBatchAtMs: 0,
  pausedUntilMs: 0,
};

/**
 * Reserves the earliest start for one call and returns it with the schedule after the reservation.
 * A call that starts after its slot (a timer that fired late, a round trip to the shared bucket)
 * moves the next slot on from its own slot rather than from its start, so lateness does not
 * lower the rate. That holds for lateness up to `catchUpMs`, which bounds how close two starts
 * can come. A later call (after an idle spell, or from a replica that stalled) moves on from its
 * start, so it cannot send a burst of calls for the slots it missed.
 */
export function reserveStart(
  schedule: RealmSchedule,
  plan: RatePlan,
  isBatch: boolean,
  nowMs: number,
): { startAtMs: number; schedule: RealmSchedule } {
  const earliestMs = Math.max(
    schedule.nextRequestAtMs,
    schedule.pausedUntilMs,
    isBatch ? schedule.nextBatchAtMs : 0,
  );
  const startAtMs = Math.max(nowMs, earliestMs);
  const slotMs = keptSlot(earliestMs, startAtMs, plan.catchUpMs);
  const batchSlotMs = keptSlot(schedule.nextBatchAtMs, startAtMs, plan.catchUpMs);

  return {
    startAtMs,
    schedule: {
      nextRequestAtMs: slotMs + plan.requestSpacingMs,
      nextBatchAtMs: isBatch ? batchSlotMs + plan.batchSpacingMs : schedule.nextBatchAtMs,
      pausedUntilMs: schedule.pausedUntilMs,
    },
  };
}

function keptSlot(slotMs: number, startAtMs: number, catchUpMs: number): number {
  return startAtMs - slotMs <= catchUpMs ? slotMs : startAtMs;
}
