import { Inject, Injectable } from '@nestjs/common';
import { AppLogger, NATS_CONNECTION } from '@qbsync/platform';
import { type KV, type NatsConnection } from 'nats';

/** The NATS key-value bucket that contains every connection's rate-limit state. */
export const RATE_LIMIT_BUCKET = 'connector_rate_limits';
const MAX_CAS_ATTEMPTS = 50;
/** State untouched for a day is dropped by the bucket's age limit. */
const STATE_MAX_AGE_MS = 24 * 60 * 60 * 1000;

interface LimiterState {
  /** Theoretical arrival time of the next request (GCRA), epoch milliseconds. */
  tat: number;
  /** No request may start before this time, epoch milliseconds (set from Retry-After). */
  blockedUntil: number;
}

export interface BucketLimits {
  requestsPerSecond: number;
  burst: number;
}

/**
 * A token bucket per connection and budget, shared by every replica through a NATS key-value
 * bucket. Each acquisition reserves its slot with one compare-and-set on the key, using the generic cell rate algorithm (GCRA). The state is the time the bucket next becomes empty, so a reservation is a single number update and never loses a concurrent one.
 *
 * NOTE: replicas compare their own clocks with the shared times, so clock skew between pods
 * shifts the rate by the skew; NTP keeps that to milliseconds.
 */
@Injectable()
export class SharedRateLimiter {
  private kv?: Promise<KV>;
  private readonly logger: AppLogger;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    logger: AppLogger,
  ) {
    this.logger = logger.child(SharedRateLimiter.name);
  }

  /**
   * Reserves `cost` tokens of `key`'s bucket and resolves when the request may start. Returns
   * the milliseconds waited.
   */
  async acquire(key: string, limits: BucketLimits, cost = 1): Promise<number> {
    const intervalMs = 1000 / limits.requestsPerSecond;
    const toleranceMs = intervalMs * Math.max(limits.burst - 1, 0);
    let startAt = 0;

    await this.update(key, (state, now) => {
      const base = Math.max(state.tat, now, state.blockedUntil);
      const tat = base + intervalMs * Math.max(cost, 1);

      startAt = Math.max(tat - intervalMs - toleranceMs, state.blockedUntil, now);

      return { ...state, tat };
    });

    const waitMs = Math.max(startAt - Date.now(), 0);

    if (waitMs > 0) {
      await sleep(waitMs);
    }

    return waitMs;
  }

  /** Stops every replica from calling `key` for `seconds` (a Retry-After or a nearly empty budget). */
  async block(key: string, seconds: number): Promise<void> {
    const until = Date.now() + Math.ceil(seconds * 1000);

    await this.update(key, (state) => ({
      tat: Math.max(state.tat, until),
      blockedUntil: Math.max(state.blockedUntil, until),
    }));
    this.logger.info('Channel rate limit pause', { key, seconds });
  }

  private async update(
    key: string,
    change: (state: LimiterState, now: number) => LimiterState,
  ): Promise<void> {
    const kv = await this.bucket();
    const safeKey = key.replace(/[^-/_=.a-zA-Z0-9]/g, '_');

    for (let attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt += 1) {
      const entry = await kv.get(safeKey);
      const current: LimiterState =
        entry && entry.operation === 'PUT' && entry.length > 0
          ? entry.json<LimiterState>()
          : { tat: 0, blockedUntil: 0 };
      const next = change(current, Date.now());
      const payload = JSON.stringify(next);

      try {
        if (entry) {
          await kv.update(safeKey, payload, entry.revision);
        } else {
          await kv.create(safeKey, payload);
        }

        return;
      } catch (error) {
        if (!isWrongRevision(error)) {
          throw error;
        }
      }
    }

    throw new Error(
      `Rate limiter state ${safeKey} changed ${MAX_CAS_ATTEMPTS} times during one update; ` +
        'too many replicas are calling one connection at once',
    );
  }

  private bucket(): Promise<KV> {
    this.kv ??= this.nats
      .jetstream()
      .views.kv(RATE_LIMIT_BUCKET, { history: 1, ttl: STATE_MAX_AGE_MS });

    return this.kv;
  }
}

function isWrongRevision(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);

  return /wrong last sequence|key exists|10071/i.test(text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
