import { HttpException, HttpStatus } from '@nestjs/common';
import { type Response } from 'express';

import { assertLocalTarget } from '../shopify/webhook-replayer';

/**
 * A channel record as the stand-ins keep it: JSON in the channel's own shape. It is typed loosely
 * because each stand-in reads and writes dozens of channel fields of many shapes.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- channel JSON of many shapes
export type ChannelJson = Record<string, any>;

/** A token bucket's budget: `burst` requests at once, refilled at `requestsPerSecond`. */
export interface BucketBudget {
  requestsPerSecond: number;
  burst: number;
}

/**
 * Token buckets keyed by credential and operation, as channel APIs meter their callers. A
 * request over budget gets 429 with `Retry-After`, which is how every stand-in throttles.
 */
export class ChannelRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; updatedAt: number }>();
  private readonly overrides = new Map<string, BucketBudget>();
  /** Requests rejected with 429 since the last reset, for tests that check the throttling. */
  throttled = 0;

  constructor(
    private readonly budgets: Readonly<Record<string, BucketBudget>>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Replaces an operation's budget, so tests can reach the limit without thousands of calls. */
  override(operation: string, budget: BucketBudget): void {
    this.overrides.set(operation, budget);
    this.buckets.clear();
  }

  reset(): void {
    this.overrides.clear();
    this.buckets.clear();
    this.throttled = 0;
  }

  budget(operation: string): BucketBudget {
    return this.overrides.get(operation) ?? this.budgets[operation] ?? this.budgets.default;
  }

  /**
   * Takes one token. Returns the tokens left, or throws a 429 `HttpException` whose response
   * carries the seconds until a token is back.
   */
  take(
    caller: string,
    operation: string,
    response: Response,
    body: unknown = { message: 'Too many requests' },
    throttleHeaders?: (retryAfterSeconds: number) => Record<string, string>,
  ): number {
    const budget = this.budget(operation);
    const key = `${caller}|${operation}`;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: budget.burst, updatedAt: now };
    const refilled = Math.min(
      budget.burst,
      bucket.tokens + ((now - bucket.updatedAt) / 1000) * budget.requestsPerSecond,
    );

    if (refilled < 1) {
      const retryAfter = Math.max(1, Math.ceil((1 - refilled) / budget.requestsPerSecond));

      this.buckets.set(key, { tokens: refilled, updatedAt: now });
      this.throttled += 1;
      response.setHeader('Retry-After', String(retryAfter));

      for (const [name, value] of Object.entries(throttleHeaders?.(retryAfter) ?? {})) {
        response.setHeader(name, value);
      }

      throw new HttpException(body as Record<string, unknown>, HttpStatus.TOO_MANY_REQUESTS);
    }

    this.buckets.set(key, { tokens: refilled - 1, updatedAt: now });

    return Math.floor(refilled - 1);
  }
}

/** Returns one page of `items` from `offset`, and whether more items follow. */
export function pageOf<T>(
  items: readonly T[],
  offset: number,
  limit: number,
): { page: T[]; more: boolean } {
  const start = Math.max(0, offset);
  const size = Math.max(1, limit);

  return { page: items.slice(start, start + size), more: start + size < items.length };
}

/** Reads a positive whole-number query parameter, with a default and a maximum. */
export function intParam(value: unknown, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const number = Number(value);

  return Number.isInteger(number) && number > 0 ? Math.min(number, max) : fallback;
}

/** Returns the time of an ISO 8601 or epoch-seconds query parameter, or undefined. */
export function timeParam(value: unknown): number | undefined {
  if (typeof value !== 'string' || value === '') {
    return undefined;
  }

  if (/^\d+$/.test(value)) {
    return Number(value) * 1000;
  }

  const time = Date.parse(value);

  return Number.isNaN(time) ? undefined : time;
}

export interface WebhookDeliveryResult {
  status: number;
  body: string;
}

/**
 * POSTs a signed webhook to a receiver on a loopback host, as the channel would. Throws
 * `TargetNotAllowedError` for any other host, so the sandbox never sends anything off the machine.
 */
export async function deliverWebhook(
  targetUrl: string,
  body: Buffer,
  headers: Record<string, string>,
): Promise<WebhookDeliveryResult> {
  const url = assertLocalTarget(targetUrl);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(10_000),
  });

  return { status: response.status, body: await response.text() };
}
