import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppLogger, MetricsService, NATS_CONNECTION } from '@qbsync/platform';
import { type KV, type KvEntry, type NatsConnection, StorageType } from 'nats';
import { type Counter, type Histogram } from 'prom-client';

import { type QboConfig } from '../qbo.config';
import {
  EMPTY_SCHEDULE,
  planRates,
  type RatePlan,
  type RealmSchedule,
  reserveStart,
} from './rate-plan';

/** JetStream key-value bucket that holds every realm's schedule and in-flight leases. */
export const GOVERNOR_BUCKET = 'qbo_rate_governor';

/** A lease older than this is taken over: its holder stopped without releasing it. */
const LEASE_TIMEOUT_MARGIN_MS = 10_000;
const LEASE_POLL_MS = 20;
const MAX_SCHEDULE_ATTEMPTS = 50;
/** How long before its start a call requests its in-flight lease, in milliseconds. */
const LEASE_AHEAD_MS = 500;

export type QboCallKind = 'request' | 'batch';

interface Lease {
  key: string;
  revision: number;
}

interface LeaseValue {
  holder: string;
  expiresAtMs: number;
}

/**
 * Keeps every replica of the qbo service within a realm's QuickBooks limits together. The realm's
 * schedule (next start, next batch start, pause after a 429) and its in-flight leases are stored
 * in a JetStream key-value bucket. Entries change only by compare-and-set on their revision, so
 * two replicas never reserve the same start or the same lease.
 *
 * Callers run each QuickBooks call through `run`: it takes one of the realm's in-flight leases,
 * waits for the realm's next free start and reserves it, runs the call and returns the lease.
 *
 * NOTE: start times use each replica's clock, so replicas on different hosts need synchronised
 * clocks (NTP). The headroom absorbs differences of a few tens of milliseconds.
 */
@Injectable()
export class QboRateGovernor {
  private readonly logger: AppLogger;
  private readonly plan: RatePlan;
  private readonly holder = randomUUID();
  private bucket?: Promise<KV>;
  /**
   * Reservations of this replica for one realm and call kind run one after another. Batch calls
   * have a lane of their own, because a batch call waits up to 1.5 seconds for its batch slot and
   * single calls must not queue behind it. The two lanes and the other replicas race for the
   * shared schedule by compare-and-set.
   */
  private readonly localQueues = new Map<string, Promise<unknown>>();
  private readonly waits: Histogram<'kind'>;
  private readonly pauses: Counter<'reason'>;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(APP_CONFIG) private readonly config: QboConfig,
    metrics: MetricsService,
    logger: AppLogger,
  ) {
    this.logger = logger.child(QboRateGovernor.name);
    this.plan = planRates(
      {
        requestsPerMinute: config.QBO_REQUESTS_PER_MINUTE,
        requestsPerSecond: config.QBO_REQUESTS_PER_SECOND,
        maxInFlight: config.QBO_MAX_IN_FLIGHT,
        batchesPerMinute: config.QBO_BATCHES_PER_MINUTE,
      },
      config.QBO_RATE_HEADROOM,
    );
    this.waits = metrics.histogram(
      'qbsync_qbo_governor_wait_seconds',
      'Time a QuickBooks call waited for its start under the rate governor',
      ['kind'],
    );
    this.pauses = metrics.counter('qbsync_qbo_governor_pauses_total', 'Realm pauses', ['reason']);
  }

  get ratePlan(): RatePlan {
    return { ...this.plan };
  }

  /** Runs `call` when the realm's limits allow it, holding one in-flight lease meanwhile. */
  async run<T>(realmId: string, kind: QboCallKind, call: () => Promise<T>): Promise<T> {
    const waitStarted = Date.now();
    const lease = await this.waitForStart(realmId, kind === 'batch');

    try {
      this.waits.observe({ kind }, (Date.now() - waitStarted) / 1000);

      return await call();
    } finally {
      await this.releaseLease(lease);
    }
  }

  /**
   * Waits until the realm's schedule has a free start and reserves it at that moment, holding an
   * in-flight lease by then. Reserving at the moment of the call, rather than a start in the
   * future, means a caller whose timer fires late (a busy event loop) only starts late: it cannot
   * go out together with the callers of the following starts. The lease is requested shortly
   * before the start, so its round trips do not delay the call, and callers waiting out a pause
   * hold none.
   */
  private waitForStart(realmId: string, isBatch: boolean): Promise<Lease> {
    return this.reserveLocally(realmId, isBatch);
  }

  /**
   * Stops every replica from starting calls of the realm for `durationMs`, as QuickBooks requires
   * after a 429 ThrottleExceeded.
   */
  async pause(realmId: string, durationMs: number, reason: string): Promise<void> {
    const untilMs = Date.now() + durationMs;

    await this.updateSchedule(realmId, (schedule) => ({
      ...schedule,
      pausedUntilMs: Math.max(schedule.pausedUntilMs, untilMs),
    }));
    this.pauses.inc({ reason });
    this.logger.warn('Paused QuickBooks calls of a realm', { realmId, durationMs, reason });
  }

  /** Runs the reservations of this replica for one realm and call kind one after another. */
  private reserveLocally(realmId: string, isBatch: boolean): Promise<Lease> {
    const lane = `${realmId}|${isBatch ? 'batch' : 'request'}`;
    const previous = this.localQueues.get(lane) ?? Promise.resolve();
    const reservation = previous
      .catch(() => undefined)
      .then(() => this.reserveNow(realmId, isBatch));

    this.localQueues.set(lane, reservation);
    void reservation
      .finally(() => {
        if (this.localQueues.get(lane) === reservation) {
          this.localQueues.delete(lane);
        }
      })
      .catch(() => undefined);

    return reservation;
  }

  /**
   * Sleeps until the schedule's next free start has come, then reserves it by compare-and-set and
   * returns the in-flight lease taken meanwhile. A batch call reserves its start up to one request
   * spacing ahead and then sleeps until it. Otherwise single calls, which wake for every request
   * slot, would win most races for the slot a batch call waits for, and each lost race would
   * delay the batch call by one spacing.
   */
  private async reserveNow(realmId: string, isBatch: boolean): Promise<Lease> {
    const kv = await this.getBucket();
    const key = scheduleKey(realmId);
    let lease: Promise<Lease> | undefined;

    try {
      let entry = await kv.get(key);

      for (let conflicts = 0; conflicts < MAX_SCHEDULE_ATTEMPTS;) {
        const nowMs = Date.now();
        const reserved = reserveStart(readSchedule(entry), this.plan, isBatch, nowMs);
        const waitMs = reserved.startAtMs - nowMs;

        if (waitMs <= LEASE_AHEAD_MS) {
          lease ??= this.acquireLease(realmId);
        }

        const reservesAhead = isBatch && waitMs <= this.plan.requestSpacingMs;

        if (waitMs > 0 && !reservesAhead) {
          // The entry read before sleeping is written against after it: when no other replica
          // reserved meanwhile, that saves a round trip per call.
          await sleep(waitMs > LEASE_AHEAD_MS ? waitMs - LEASE_AHEAD_MS : waitMs);
          continue;
        }

        const held = await lease!;

        if (Date.now() - nowMs > LEASE_AHEAD_MS) {
          // All leases were taken for a while: the start computed before is stale.
          continue;
        }

        try {
          await writeSchedule(kv, key, entry, reserved.schedule);

          const aheadMs = reserved.startAtMs - Date.now();

          if (aheadMs > 0) {
            await sleep(aheadMs);
          }

          return held;
        } catch (error) {
          if (!isRevisionConflict(error)) {
            throw error;
          }

          conflicts += 1;
          entry = await kv.get(key);
        }
      }

      throw new Error(
        `Could not reserve a QuickBooks call of realm ${realmId}: too many concurrent changes`,
      );
    } catch (error) {
      if (lease) {
        await this.releaseLease(await lease);
      }

      throw error;
    }
  }

  /** Applies `change` to the realm's schedule by compare-and-set, retrying when another replica won. */
  private async updateSchedule(
    realmId: string,
    change: (schedule: RealmSchedule) => RealmSchedule,
  ): Promise<void> {
    const kv = await this.getBucket();
    const key = scheduleKey(realmId);

    for (let attempt = 0; attempt < MAX_SCHEDULE_ATTEMPTS; attempt++) {
      const entry = await kv.get(key);

      try {
        await writeSchedule(kv, key, entry, change(readSchedule(entry)));

        return;
      } catch (error) {
        if (!isRevisionConflict(error)) {
          throw error;
        }
      }
    }

    throw new Error(
      `Could not update the rate schedule of realm ${realmId}: too many concurrent changes`,
    );
  }

  /** Takes one of the realm's `maxInFlight` lease keys, waiting while all are held. */
  private async acquireLease(realmId: string): Promise<Lease> {
    const kv = await this.getBucket();
    const first = Math.floor(Math.random() * this.plan.maxInFlight);

    for (;;) {
      for (let offset = 0; offset < this.plan.maxInFlight; offset++) {
        const key = `realm.${realmId}.lease.${(first + offset) % this.plan.maxInFlight}`;
        const lease = await this.tryLease(kv, key);

        if (lease) {
          return lease;
        }
      }

      await sleep(LEASE_POLL_MS);
    }
  }

  private async tryLease(kv: KV, key: string): Promise<Lease | undefined> {
    const value: LeaseValue = {
      holder: this.holder,
      expiresAtMs: Date.now() + this.config.QBO_REQUEST_TIMEOUT_MS + LEASE_TIMEOUT_MARGIN_MS,
    };
    const entry = await kv.get(key);

    try {
      if (!entry) {
        return { key, revision: await kv.create(key, JSON.stringify(value)) };
      }

      if (!isLive(entry) || entry.json<LeaseValue>().expiresAtMs < Date.now()) {
        return { key, revision: await kv.update(key, JSON.stringify(value), entry.revision) };
      }
    } catch (error) {
      if (!isRevisionConflict(error)) {
        throw error;
      }
    }

    return undefined;
  }

  private async releaseLease(lease: Lease): Promise<void> {
    const kv = await this.getBucket();

    try {
      // previousSeq: a lease taken over after it expired belongs to its new holder now.
      await kv.delete(lease.key, { previousSeq: lease.revision });
    } catch (error) {
      if (!isRevisionConflict(error)) {
        this.logger.warn('Could not release a QuickBooks in-flight lease', {
          key: lease.key,
          reason: (error as Error).message,
        });
      }
    }
  }

  private getBucket(): Promise<KV> {
    this.bucket ??= this.nats
      .jetstream()
      .views.kv(GOVERNOR_BUCKET, {
        history: 1,
        storage: StorageType.Memory,
        // Keys of realms that stopped calling disappear after a day.
        ttl: 24 * 60 * 60 * 1000,
      })
      .catch((error: unknown) => {
        this.bucket = undefined;
        throw error;
      });

    return this.bucket;
  }
}

function scheduleKey(realmId: string): string {
  return `realm.${realmId}.schedule`;
}

function readSchedule(entry: KvEntry | null): RealmSchedule {
  return isLive(entry) ? (entry!.json<RealmSchedule>() ?? EMPTY_SCHEDULE) : EMPTY_SCHEDULE;
}

/** Writes the schedule if `entry` is still its latest revision (or it still does not exist). */
async function writeSchedule(
  kv: KV,
  key: string,
  entry: KvEntry | null,
  schedule: RealmSchedule,
): Promise<void> {
  const value = JSON.stringify(schedule);

  if (entry) {
    await kv.update(key, value, entry.revision);
  } else {
    await kv.create(key, value);
  }
}

function isLive(entry: KvEntry | null): boolean {
  return entry !== null && entry.operation === 'PUT' && entry.length > 0;
}

/** Checks for JetStream's error when the expected revision is no longer the last (10071). */
function isRevisionConflict(error: unknown): boolean {
  const message = (error as Error).message ?? '';

  return /wrong last sequence|10071|key exists/i.test(message);
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
