import { randomUUID } from 'node:crypto';

import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AppLogger, MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import {
  RULE_HIT_MODEL,
  type RuleHitCount,
  type RuleHitDocument,
  ruleHitSchema,
} from './rule-hit.schema';

const HOUR_MILLISECONDS = 60 * 60 * 1000;
/** How often a replica writes its counts; the rule list lags by at most this much. */
const FLUSH_MILLISECONDS = 60_000;

interface HourCounts {
  /** Start of the hour, in milliseconds since the epoch. */
  hour: number;
  hits: Map<string, RuleHitCount>;
}

export interface RuleHitTotal {
  count: number;
  lastHitAt: Date;
}

/**
 * Counts how often each rule applies, in memory on the hot path, and writes each account's counts
 * for the current hour once a minute as one document per replica. The rules list sums them, so each
 * rule shows its hits and last hit over the days the retention job keeps.
 */
@Injectable()
export class RuleHitRecorder implements OnApplicationShutdown {
  private readonly model: Model<RuleHitDocument>;
  private readonly logger: AppLogger;
  private readonly replicaId = randomUUID();
  /** Counts of the current hour per account, including those already written. */
  private readonly hours = new Map<string, HourCounts>();
  private readonly changed = new Set<string>();
  /** Finished hours not written yet, because the hour changed between two flushes. */
  private readonly pending: { accountId: string; entry: HourCounts }[] = [];

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection, logger: AppLogger) {
    this.model = connection.model<RuleHitDocument>(RULE_HIT_MODEL, ruleHitSchema);
    this.logger = logger.child(RuleHitRecorder.name);
  }

  record(accountId: string, ruleIds: readonly string[], at = new Date()): void {
    if (ruleIds.length === 0) {
      return;
    }

    const hour = Math.floor(at.getTime() / HOUR_MILLISECONDS) * HOUR_MILLISECONDS;
    let entry = this.hours.get(accountId);

    if (entry && entry.hour !== hour) {
      // The previous hour was written by the last flush unless it is still marked changed.
      if (this.changed.has(accountId)) {
        this.pending.push({ accountId, entry });
      }

      entry = undefined;
    }

    if (!entry) {
      entry = { hour, hits: new Map() };
      this.hours.set(accountId, entry);
    }

    for (const ruleId of ruleIds) {
      const hit = entry.hits.get(ruleId);

      if (hit) {
        hit.count += 1;
        hit.lastHitAt = at;
      } else {
        entry.hits.set(ruleId, { ruleId, count: 1, lastHitAt: at });
      }
    }

    this.changed.add(accountId);
  }

  /** Writes the counts of every account that had hits since the last flush. */
  @Interval('rule-hit-flush', FLUSH_MILLISECONDS)
  async flush(): Promise<void> {
    const finished = this.pending.splice(0);
    const accounts = [...this.changed];

    this.changed.clear();

    for (const { accountId, entry } of finished) {
      if (!(await this.write(accountId, entry))) {
        this.pending.push({ accountId, entry });
      }
    }

    for (const accountId of accounts) {
      const entry = this.hours.get(accountId);

      if (entry && !(await this.write(accountId, entry))) {
        this.changed.add(accountId);
      }
    }
  }

  /** Sums the account's stored hits per rule. */
  async totals(accountId: string): Promise<Map<string, RuleHitTotal>> {
    const documents = await this.model
      .find({ accountId }, { _id: 0, hits: 1 })
      .lean<Pick<RuleHitDocument, 'hits'>[]>()
      .exec();
    const totals = new Map<string, RuleHitTotal>();

    for (const document of documents) {
      for (const hit of document.hits) {
        const lastHitAt = new Date(hit.lastHitAt);
        const total = totals.get(hit.ruleId);

        if (!total) {
          totals.set(hit.ruleId, { count: hit.count, lastHitAt });
        } else {
          total.count += hit.count;
          total.lastHitAt = lastHitAt > total.lastHitAt ? lastHitAt : total.lastHitAt;
        }
      }
    }

    return totals;
  }

  /** Deletes hits of hours that ended before `cutoff`; returns how many documents. */
  async purgeBefore(cutoff: Date): Promise<number> {
    const result = await this.model.deleteMany({ hour: { $lt: cutoff } }).exec();

    return result.deletedCount;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
  }

  /** Replaces the hour's document with the counts; returns false when the write failed. */
  private async write(accountId: string, entry: HourCounts): Promise<boolean> {
    const hits = [...entry.hits.values()].map((hit) => ({ ...hit }));

    try {
      await this.model
        .replaceOne(
          { _id: `${accountId}|${this.replicaId}|${entry.hour}` },
          { accountId, hour: new Date(entry.hour), hits },
          { upsert: true },
        )
        .exec();

      return true;
    } catch (error) {
      // The counts stay in memory, so the next flush writes them.
      this.logger.warn('Could not write rule hit counts; retrying on the next flush', {
        accountId,
        error: (error as Error).message,
      });

      return false;
    }
  }
}
