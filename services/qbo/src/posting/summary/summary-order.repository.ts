import { Inject, Injectable } from '@nestjs/common';
import { groupSummaryOrders } from '@qbsync/accounting';
import { type OrderReady, orderReadySchema, parseMessage } from '@qbsync/contracts';
import {
  type BatchMemberDocument,
  claimBatch,
  findUnclaimed,
  isDuplicateKeyError,
  MONGOOSE_CONNECTION,
} from '@qbsync/platform';
import { type Connection, type Model, Schema } from 'mongoose';

/** An order waiting for, or included in, a daily summary. */
interface SummaryOrderDocument {
  /** `<accountId>|<channel>|<channelOrderId>`. */
  _id: string;
  accountId: string;
  connectionId: string;
  channel: string;
  /** The summary day, YYYY-MM-DD in the connection's time zone after the cut-off. */
  day: string;
  ready: OrderReady;
  queuedAt: Date;
  /** Correcting documents posted for edits after the summary; numbers the next one. */
  corrections?: number;
}

/** A version of an order that arrived after a summary took the order, until it is corrected. */
interface SummaryEditDocument {
  /** `<order key>|<the version's updatedAt>`, so a redelivered version is stored once. */
  _id: string;
  orderKey: string;
  accountId: string;
  ready: OrderReady;
  receivedAt: Date;
}

/** An edit waiting for its correcting document, with the version its summary posted. */
export interface PendingSummaryEdit {
  id: string;
  orderKey: string;
  accountId: string;
  /** The version the summary (or the last correction) posted. */
  summarized: OrderReady;
  current: OrderReady;
  batchId: string;
  /** Correcting documents already posted for the order. */
  corrections: number;
}

/** One summary document of a store and day: `<accountId>|<connectionId>|<day>|<sequence>`. */
export interface SummaryBatchDocument {
  _id: string;
  accountId: string;
  connectionId: string;
  channel: string;
  day: string;
  sequence: number;
  createdAt: Date;
}

const orderSchema = new Schema<SummaryOrderDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    connectionId: { type: String, required: true },
    channel: { type: String, required: true },
    day: { type: String, required: true },
    ready: { type: Schema.Types.Mixed, required: true },
    queuedAt: { type: Date, required: true },
    corrections: { type: Number },
  },
  { collection: 'qbo_summary_orders', versionKey: false, minimize: false },
);

const memberSchema = new Schema<BatchMemberDocument>(
  {
    _id: { type: String, required: true },
    batchId: { type: String, required: true },
  },
  { collection: 'qbo_summary_members', versionKey: false },
);

const editSchema = new Schema<SummaryEditDocument>(
  {
    _id: { type: String, required: true },
    orderKey: { type: String, required: true },
    accountId: { type: String, required: true },
    ready: { type: Schema.Types.Mixed, required: true },
    receivedAt: { type: Date, required: true },
  },
  { collection: 'qbo_summary_edits', versionKey: false, minimize: false },
);

const batchSchema = new Schema<SummaryBatchDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    connectionId: { type: String, required: true },
    channel: { type: String, required: true },
    day: { type: String, required: true },
    sequence: { type: Number, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'qbo_summary_batches', versionKey: false },
);

/** A store's orders of one day that no summary contains yet. */
export interface PendingSummaryGroup {
  accountId: string;
  connectionId: string;
  channel: string;
  day: string;
  orderIds: string[];
}

/**
 * Stores orders of summary transaction modes until their day's summary posts. Every decision is
 * an insert with a chosen `_id` (an order's membership, a day's next summary number), so two
 * replicas never put one order into two summaries, as FerretDB's conditional updates could.
 */
@Injectable()
export class SummaryOrderRepository {
  private readonly orders: Model<SummaryOrderDocument>;
  private readonly members: Model<BatchMemberDocument>;
  private readonly batches: Model<SummaryBatchDocument>;
  private readonly edits: Model<SummaryEditDocument>;

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection) {
    this.edits = connection.model<SummaryEditDocument>('QboSummaryEdit', editSchema);
    this.orders = connection.model<SummaryOrderDocument>('QboSummaryOrder', orderSchema);
    this.members = connection.model<BatchMemberDocument>('QboSummaryMember', memberSchema);
    this.batches = connection.model<SummaryBatchDocument>('QboSummaryBatch', batchSchema);
  }

  /**
   * Queues the order for `day`, or replaces the queued version while no summary contains it.
   * When a summary already took the order, a newer version is stored as an edit (`edited`) for
   * the summary job to correct. The same or an older version changes nothing.
   * NOTE: a summary created between the check and the replace reads the replaced version.
   */
  async enqueue(
    ready: OrderReady,
    day: string,
  ): Promise<'queued' | 'already_summarized' | 'edited'> {
    const id = orderKey(ready);
    const document: SummaryOrderDocument = {
      _id: id,
      accountId: ready.order.accountId,
      connectionId: ready.order.connectionId,
      channel: ready.order.channel,
      day,
      ready,
      queuedAt: new Date(),
    };

    if (await this.members.exists({ _id: id })) {
      return (await this.recordEdit(id, ready)) ? 'edited' : 'already_summarized';
    }

    await this.orders.replaceOne({ _id: id }, document, { upsert: true });

    return 'queued';
  }

  /** Stores `ready` as an edit when it is newer than the summarized version; returns whether it is. */
  private async recordEdit(orderKey: string, ready: OrderReady): Promise<boolean> {
    const summarized = await this.orders
      .findOne({ _id: orderKey }, { 'ready.order.updatedAt': 1 })
      .lean<{ ready?: { order?: { updatedAt?: string } } }>()
      .exec();
    const summarizedAt = summarized?.ready?.order?.updatedAt;

    if (summarizedAt && Date.parse(ready.order.updatedAt) <= Date.parse(summarizedAt)) {
      return false;
    }

    try {
      await this.edits.collection.insertOne(
        {
          _id: `${orderKey}|${ready.order.updatedAt}`,
          orderKey,
          accountId: ready.order.accountId,
          ready,
          receivedAt: new Date(),
          // An absent optional field must stay absent: a stored null fails the order contract.
        } as never,
        { ignoreUndefined: true },
      );
    } catch (error) {
      // The same version arrived before and waits for its correction already.
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    }

    return true;
  }

  /** Returns stored edits, oldest version first, each with the version its summary posted. */
  async pendingEdits(): Promise<PendingSummaryEdit[]> {
    const edits = await this.edits
      .find({})
      .sort({ receivedAt: 1 })
      .lean<SummaryEditDocument[]>()
      .exec();
    const pending: PendingSummaryEdit[] = [];

    for (const edit of edits) {
      const summarized = await this.orders
        .findOne({ _id: edit.orderKey })
        .lean<SummaryOrderDocument>()
        .exec();
      const member = await this.members
        .findOne({ _id: edit.orderKey })
        .lean<BatchMemberDocument>()
        .exec();

      if (!summarized || !member) {
        continue;
      }

      pending.push({
        id: edit._id,
        orderKey: edit.orderKey,
        accountId: edit.accountId,
        summarized: parseReady(edit.orderKey, summarized.ready),
        current: parseReady(edit._id, edit.ready),
        batchId: member.batchId,
        corrections: summarized.corrections ?? 0,
      });
    }

    return pending.sort(
      (left, right) =>
        Date.parse(left.current.order.updatedAt) - Date.parse(right.current.order.updatedAt),
    );
  }

  /**
   * Makes `current` the version later edits are compared with, counts its correction, and drops
   * the edit. A version older than the stored one is only dropped.
   */
  async completeEdit(edit: PendingSummaryEdit, corrected: boolean): Promise<void> {
    await this.orders.updateOne(
      { _id: edit.orderKey },
      corrected
        ? { $set: { ready: edit.current }, $inc: { corrections: 1 } }
        : { $set: { ready: edit.current } },
    );
    await this.edits.deleteOne({ _id: edit.id });
  }

  /** Drops an edit without changing the summarized version, for a version already outdated. */
  async discardEdit(edit: PendingSummaryEdit): Promise<void> {
    await this.edits.deleteOne({ _id: edit.id });
  }

  /** Returns one summary by id. */
  async findBatch(batchId: string): Promise<SummaryBatchDocument | undefined> {
    return (
      (await this.batches.findOne({ _id: batchId }).lean<SummaryBatchDocument>().exec()) ??
      undefined
    );
  }

  /** Returns queued orders that no summary holds, grouped by account, store and day. */
  async pendingGroups(): Promise<PendingSummaryGroup[]> {
    const queued = await findUnclaimed<
      SummaryOrderDocument,
      Omit<SummaryOrderDocument, 'ready' | 'queuedAt'>
    >(this.orders, this.members, { accountId: 1, connectionId: 1, channel: 1, day: 1 });

    return groupSummaryOrders(queued);
  }

  /**
   * Takes the day's next summary number for the group and puts its orders into it. Returns
   * undefined when another replica took that number first; its orders stay queued.
   */
  async createBatch(group: PendingSummaryGroup): Promise<SummaryBatchDocument | undefined> {
    const sequence = await this.batches.countDocuments({
      accountId: group.accountId,
      connectionId: group.connectionId,
      day: group.day,
    });
    const batch: SummaryBatchDocument = {
      _id: [group.accountId, group.connectionId, group.day, sequence].join('|'),
      accountId: group.accountId,
      connectionId: group.connectionId,
      channel: group.channel,
      day: group.day,
      sequence,
      createdAt: new Date(),
    };

    return (await claimBatch(this.batches, this.members, batch, group.orderIds))
      ? batch
      : undefined;
  }

  /** Returns the summaries created since `since`, oldest first, so unposted ones are retried. */
  async recentBatches(since: Date): Promise<SummaryBatchDocument[]> {
    return this.batches
      .find({ createdAt: { $gte: since } })
      .sort({ createdAt: 1 })
      .lean<SummaryBatchDocument[]>()
      .exec();
  }

  /** Returns the orders a summary holds, in the order they were queued. */
  async ordersOf(batchId: string): Promise<OrderReady[]> {
    const ids = (
      await this.members.find({ batchId }, { _id: 1 }).lean<Array<{ _id: string }>>().exec()
    ).map((entry) => entry._id);
    const documents = await this.orders
      .find({ _id: { $in: ids } })
      .sort({ queuedAt: 1 })
      .lean<SummaryOrderDocument[]>()
      .exec();

    return documents.map((document) => parseReady(document._id, document.ready));
  }
}

function parseReady(id: string, stored: unknown): OrderReady {
  const parsed = parseMessage(orderReadySchema, stored);

  if (!parsed.ok) {
    throw new Error(`Queued summary order ${id} is invalid: ${parsed.error}`);
  }

  return parsed.value;
}

function orderKey(ready: OrderReady): string {
  return [ready.order.accountId, ready.order.channel, ready.order.channelOrderId].join('|');
}
