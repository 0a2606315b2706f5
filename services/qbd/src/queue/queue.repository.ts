import { Inject, Injectable } from '@nestjs/common';
import { MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import { insertManyIgnoringDuplicates } from './insert-many';
import {
  QUEUE_ENTRY_MODEL,
  QUEUE_PAYLOAD_MODEL,
  type QueueEntryDocument,
  queueEntrySchema,
  type QueueIndexDocument,
  type QueuePayloadDocument,
  queuePayloadSchema,
  type QueueState,
} from './queue-entry.schema';
import {
  QUEUE_RESULT_MODEL,
  type QueueResultDocument,
  queueResultSchema,
} from './queue-result.schema';

let lastSeq = 0;

/** Returns a queue position after every earlier one in this process: microseconds since 1970. */
export function nextSeq(): number {
  lastSeq = Math.max(lastSeq + 1, Date.now() * 1000);

  return lastSeq;
}

/** Payloads kept in memory; they never change after insert, so a cached one is never stale. */
const PAYLOAD_CACHE_SIZE = 20_000;
/** Queued entries whose payloads are read together when one is missing from the cache. */
const PAYLOAD_PREFETCH = 500;

/** The persistent per-company-file queue of qbXML requests and what QuickBooks returned. */
@Injectable()
export class QueueRepository {
  private readonly entries: Model<QueueIndexDocument>;
  private readonly payloads: Model<QueuePayloadDocument>;
  private readonly results: Model<QueueResultDocument>;
  private readonly payloadCache = new Map<string, QueuePayloadDocument>();

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection) {
    this.entries = connection.model<QueueIndexDocument>(QUEUE_ENTRY_MODEL, queueEntrySchema);
    this.payloads = connection.model<QueuePayloadDocument>(QUEUE_PAYLOAD_MODEL, queuePayloadSchema);
    this.results = connection.model<QueueResultDocument>(QUEUE_RESULT_MODEL, queueResultSchema);
  }

  /** Inserts entries; returns the ids that were queued before, which keep their state. */
  async insert(entries: QueueEntryDocument[]): Promise<Set<string>> {
    const payloads: QueuePayloadDocument[] = [];
    const index: QueueIndexDocument[] = [];

    for (const entry of entries) {
      const { body, references, lookup, origin, ...rest } = entry;

      payloads.push({
        _id: entry._id,
        accountId: entry.accountId,
        body,
        references,
        lookup,
        origin,
      });
      index.push(rest);
    }

    // Payloads first, so an index entry never points at a payload that is not there.
    await insertManyIgnoringDuplicates(this.payloads, payloads);

    return insertManyIgnoringDuplicates(this.entries, index);
  }

  async findByIds(ids: string[]): Promise<QueueEntryDocument[]> {
    if (ids.length === 0) {
      return [];
    }

    return this.withPayloads(
      await this.entries
        .find({ _id: { $in: ids } })
        .lean<QueueIndexDocument[]>()
        .exec(),
    );
  }

  /** Reads the index part of entries (state, dependencies, status) without their payloads. */
  async findIndex(ids: string[]): Promise<QueueIndexDocument[]> {
    if (ids.length === 0) {
      return [];
    }

    return this.entries
      .find({ _id: { $in: ids } })
      .lean<QueueIndexDocument[]>()
      .exec();
  }

  /** Entries in `state`, oldest first. */
  async findInState(
    accountId: string,
    state: QueueState,
    limit: number,
  ): Promise<QueueEntryDocument[]> {
    return this.withPayloads(
      await this.entries
        .find({ accountId, state })
        .sort({ seq: 1 })
        .limit(limit)
        .lean<QueueIndexDocument[]>()
        .exec(),
    );
  }

  async countInState(accountId: string, state: QueueState): Promise<number> {
    return this.entries.countDocuments({ accountId, state }).exec();
  }

  async hasWork(accountId: string): Promise<boolean> {
    const entry = await this.entries
      .findOne({ accountId, state: { $in: ['queued', 'unknown'] } }, { _id: 1 })
      .lean()
      .exec();

    return entry !== null;
  }

  /** Sets the state of `ids`; with `fromStates`, only of those currently in one of them. */
  async setState(
    ids: string[],
    state: QueueState,
    extra: Partial<Pick<QueueEntryDocument, 'ticket' | 'status' | 'fix'>> = {},
    incrementAttempts = false,
    fromStates?: QueueState[],
  ): Promise<void> {
    if (ids.length === 0) {
      return;
    }

    await this.entries.updateMany(
      fromStates ? { _id: { $in: ids }, state: { $in: fromStates } } : { _id: { $in: ids } },
      {
        $set: { state, updatedAt: new Date(), ...extra },
        ...(incrementAttempts ? { $inc: { attempts: 1 } } : {}),
      },
    );
  }

  /** Records a failure a later session may not meet; `ticket` keeps this session from resending it. */
  async recordTransientFailure(
    id: string,
    status: { code: number; message: string },
    fix: string,
    giveUp: boolean,
    ticket: string,
  ): Promise<void> {
    await this.entries.updateOne(
      { _id: id },
      {
        $set: { state: giveUp ? 'failed' : 'queued', status, fix, ticket, updatedAt: new Date() },
        $inc: { transientFailures: 1, attempts: 1 },
      },
    );
  }

  /** Queued or held entries waiting on any of `ids`. */
  async findDependents(accountId: string, ids: string[]): Promise<QueueEntryDocument[]> {
    if (ids.length === 0) {
      return [];
    }

    return this.withPayloads(
      await this.entries
        .find({ accountId, dependsOn: { $in: ids }, state: { $in: ['queued', 'held'] } })
        .lean<QueueIndexDocument[]>()
        .exec(),
    );
  }

  /**
   * The transaction an order posted as, for refunds and deposits that use it. After a replace
   * that is the newest revision, so the latest entry that was not skipped or cancelled counts.
   */
  async findOrderTransaction(
    accountId: string,
    channel: string,
    channelOrderId: string,
  ): Promise<QueueEntryDocument | null> {
    const entry = await this.entries
      .findOne({
        accountId,
        kind: 'transaction',
        requestName: { $ne: 'TxnDel' },
        orderKey: `order|${channel}|${channelOrderId}`,
        state: { $nin: ['skipped', 'cancelled'] },
      })
      .sort({ seq: -1 })
      .lean<QueueIndexDocument>()
      .exec();

    return entry ? ((await this.withPayloads([entry]))[0] ?? null) : null;
  }

  /** Revisions of an order's transaction queued so far, the first included. */
  async countOrderTransactions(
    accountId: string,
    channel: string,
    channelOrderId: string,
  ): Promise<number> {
    return this.entries
      .countDocuments({
        accountId,
        kind: 'transaction',
        requestName: { $ne: 'TxnDel' },
        orderKey: `order|${channel}|${channelOrderId}`,
      })
      .exec();
  }

  /** Entries in any state that wait on any of `ids`. */
  async findByDependency(accountId: string, ids: string[]): Promise<QueueEntryDocument[]> {
    if (ids.length === 0) {
      return [];
    }

    return this.withPayloads(
      await this.entries
        .find({ accountId, dependsOn: { $in: ids } })
        .lean<QueueIndexDocument[]>()
        .exec(),
    );
  }

  /**
   * Marks a posted entry `unknown` and deletes its result, so the next session looks the document
   * up in QuickBooks and posts it again when the user deleted it there.
   */
  async recheckPosted(id: string): Promise<boolean> {
    const updated = await this.entries.updateOne(
      { _id: id, state: 'posted' },
      { $set: { state: 'unknown', updatedAt: new Date() } },
    );

    if (updated.modifiedCount === 0) {
      return false;
    }

    await this.results.deleteOne({ _id: id });

    return true;
  }

  /** Entries with `orderKey` (`order|…`, `refund|…`, `payout|…`), oldest first, with payloads. */
  async findByOrderKey(accountId: string, orderKey: string): Promise<QueueEntryDocument[]> {
    return this.withPayloads(
      await this.entries
        .find({ accountId, orderKey })
        .sort({ seq: 1 })
        .lean<QueueIndexDocument[]>()
        .exec(),
    );
  }

  /** Refund documents already queued for an order, to number the next one `<number>-<n>`. */
  async countRefundDocuments(
    accountId: string,
    channel: string,
    channelOrderId: string,
  ): Promise<number> {
    return this.entries
      .countDocuments({
        accountId,
        kind: 'transaction',
        orderKey: `refund|${channel}|${channelOrderId}`,
        requestName: 'CreditMemoAdd',
      })
      .exec();
  }

  async storeResults(results: QueueResultDocument[]): Promise<void> {
    await insertManyIgnoringDuplicates(this.results, results);
  }

  async findResults(ids: string[]): Promise<Map<string, QueueResultDocument>> {
    if (ids.length === 0) {
      return new Map();
    }

    const found = await this.results
      .find({ _id: { $in: ids } })
      .lean<QueueResultDocument[]>()
      .exec();

    return new Map(found.map((result) => [result._id, result]));
  }

  /**
   * One page of the Queue tab: entries in `states` after queue position `afterSeq`, oldest first.
   * `onlyIds` narrows to those ids and `exceptIds` leaves those out.
   */
  async findPage(
    accountId: string,
    filter: { states: QueueState[]; onlyIds?: string[]; exceptIds?: string[] },
    afterSeq: number | undefined,
    limit: number,
  ): Promise<QueueEntryDocument[]> {
    const query: Record<string, unknown> = { accountId, state: { $in: filter.states } };

    if (filter.onlyIds) {
      query._id = { $in: filter.onlyIds };
    } else if (filter.exceptIds && filter.exceptIds.length > 0) {
      query._id = { $nin: filter.exceptIds };
    }

    if (afterSeq !== undefined) {
      query.seq = { $gt: afterSeq };
    }

    return this.withPayloads(
      await this.entries
        .find(query)
        .sort({ seq: 1 })
        .limit(limit)
        .lean<QueueIndexDocument[]>()
        .exec(),
    );
  }

  /** Puts a failed entry back in the queue with its failure counts and status cleared. */
  async requeue(id: string, fromStates: QueueState[]): Promise<boolean> {
    const result = await this.entries.updateOne(
      { _id: id, state: { $in: fromStates } },
      {
        $set: { state: 'queued', transientFailures: 0, updatedAt: new Date() },
        $unset: { status: 1, fix: 1, ticket: 1 },
      },
    );

    return result.modifiedCount > 0;
  }

  /** Entries by state for the Queue tab and for tests. */
  async list(
    accountId: string,
    state: QueueState | undefined,
    limit: number,
  ): Promise<QueueEntryDocument[]> {
    return this.withPayloads(
      await this.entries
        .find(state ? { accountId, state } : { accountId })
        .sort({ seq: 1 })
        .limit(limit)
        .lean<QueueIndexDocument[]>()
        .exec(),
    );
  }

  /**
   * Joins index entries with their payloads. A payload missing from the cache is read together
   * with those of the next queued entries, so a session reads the payload collection about once
   * per few hundred requests instead of once per message.
   */
  private async withPayloads(index: QueueIndexDocument[]): Promise<QueueEntryDocument[]> {
    const missing = index.filter((entry) => !this.payloadCache.has(entry._id));

    if (missing.length > 0) {
      const ahead = await this.entries
        .find({ accountId: missing[0]!.accountId, state: 'queued' }, { _id: 1 })
        .sort({ seq: 1 })
        .limit(PAYLOAD_PREFETCH)
        .lean<Array<{ _id: string }>>()
        .exec();
      const ids = [
        ...new Set([...missing.map((entry) => entry._id), ...ahead.map((entry) => entry._id)]),
      ].filter((id) => !this.payloadCache.has(id));
      const payloads = await this.payloads
        .find({ _id: { $in: ids } })
        .lean<QueuePayloadDocument[]>()
        .exec();

      for (const payload of payloads) {
        this.cachePayload(payload);
      }
    }

    return index.flatMap((entry) => {
      const payload = this.payloadCache.get(entry._id);

      // NOTE: an index entry without a payload needs an insert that failed between the two
      // writes of `insert`, which writes payloads first. Such an entry is skipped, not sent.
      return payload ? [{ ...entry, ...payload, accountId: entry.accountId }] : [];
    });
  }

  private cachePayload(payload: QueuePayloadDocument): void {
    if (this.payloadCache.size >= PAYLOAD_CACHE_SIZE) {
      const oldest = this.payloadCache.keys().next().value;

      if (oldest !== undefined) {
        this.payloadCache.delete(oldest);
      }
    }

    this.payloadCache.set(payload._id, payload);
  }
}
