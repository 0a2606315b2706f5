import { Inject, Injectable } from '@nestjs/common';
import { groupSummaryOrders } from '@qbsync/accounting';
import { type OrderReady, orderReadySchema, parseMessage } from '@qbsync/contracts';
import {
  type BatchMemberDocument,
  claimBatch,
  findUnclaimed,
  MONGOOSE_CONNECTION,
} from '@qbsync/platform';
import { type Connection, type Model, Schema } from 'mongoose';

/** The QuickBooks Desktop document a summary posts as. */
export type SummaryDocumentType = 'SalesReceipt' | 'Invoice' | 'SalesOrder';

/** An order kept for a summary, until and after a summary contains it. */
interface SummaryOrderDocument {
  /** `<accountId>|<channel>|<channelOrderId>`. */
  _id: string;
  accountId: string;
  connectionId: string;
  channel: string;
  /** The summary's document type and group value, for example `SalesReceipt|Visa`. */
  groupKey: string;
  /** The summary day, YYYY-MM-DD in the company file's time zone after the cut-off. */
  day: string;
  ready: OrderReady;
  keptAt: Date;
}

/** One summary document of a store, group and day: `<accountId>|<connectionId>|<groupKey>|<day>|<sequence>`. */
export interface SummaryBatchDocument {
  _id: string;
  accountId: string;
  connectionId: string;
  channel: string;
  groupKey: string;
  documentType: SummaryDocumentType;
  day: string;
  /** 0 for the day's summary, 1, 2... for adjustment summaries of orders that came later. */
  sequence: number;
  createdAt: Date;
  /** When each order's event named the posted summary; absent until the summary posted. */
  announcedAt?: Date;
}

/** A store's orders of one group and day that no summary contains yet. */
export interface PendingSummaryGroup {
  accountId: string;
  connectionId: string;
  channel: string;
  groupKey: string;
  day: string;
  orderIds: string[];
}

const orderSchema = new Schema<SummaryOrderDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    connectionId: { type: String, required: true },
    channel: { type: String, required: true },
    groupKey: { type: String, required: true },
    day: { type: String, required: true },
    ready: { type: Schema.Types.Mixed, required: true },
    keptAt: { type: Date, required: true },
  },
  { collection: 'qbd_summary_orders', versionKey: false, minimize: false },
);

const memberSchema = new Schema<BatchMemberDocument>(
  {
    _id: { type: String, required: true },
    batchId: { type: String, required: true },
  },
  { collection: 'qbd_summary_members', versionKey: false },
);

const batchSchema = new Schema<SummaryBatchDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    connectionId: { type: String, required: true },
    channel: { type: String, required: true },
    groupKey: { type: String, required: true },
    documentType: { type: String, required: true },
    day: { type: String, required: true },
    sequence: { type: Number, required: true },
    createdAt: { type: Date, required: true },
    announcedAt: { type: Date },
  },
  { collection: 'qbd_summary_batches', versionKey: false },
);

/**
 * Keeps orders of summary modes until their day's summary is queued. Every decision is an insert
 * with a chosen `_id` (an order's membership, a day's next summary number), so two replicas never
 * put one order into two summaries: FerretDB 1.24 has no transactions to guard a read and a write.
 */
@Injectable()
export class SummaryOrderRepository {
  private readonly orders: Model<SummaryOrderDocument>;
  private readonly members: Model<BatchMemberDocument>;
  private readonly batches: Model<SummaryBatchDocument>;

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection) {
    this.orders = connection.model<SummaryOrderDocument>('QbdSummaryOrder', orderSchema);
    this.members = connection.model<BatchMemberDocument>('QbdSummaryMember', memberSchema);
    this.batches = connection.model<SummaryBatchDocument>('QbdSummaryBatch', batchSchema);
  }

  /**
   * Keeps the order for `day`, or replaces the kept version while no summary contains it. Returns
   * the summary that already contains the order, if one does.
   * NOTE: a summary created between the check and the replace reads the replaced version.
   */
  async keep(
    ready: OrderReady,
    groupKey: string,
    day: string,
  ): Promise<{ outcome: 'kept' } | { outcome: 'already_summarized'; batchId: string }> {
    const id = summaryOrderId(
      ready.order.accountId,
      ready.order.channel,
      ready.order.channelOrderId,
    );
    const member = await this.members.findOne({ _id: id }).lean<BatchMemberDocument>().exec();

    if (member) {
      return { outcome: 'already_summarized', batchId: member.batchId };
    }

    const document: SummaryOrderDocument = {
      _id: id,
      accountId: ready.order.accountId,
      connectionId: ready.order.connectionId,
      channel: ready.order.channel,
      groupKey,
      day,
      ready,
      keptAt: new Date(),
    };

    await this.orders.replaceOne({ _id: id }, document, { upsert: true });

    return { outcome: 'kept' };
  }

  /** Returns kept orders that no summary contains, grouped by account, store, group and day. */
  async pendingGroups(): Promise<PendingSummaryGroup[]> {
    const keptOrders = await findUnclaimed<
      SummaryOrderDocument,
      Omit<SummaryOrderDocument, 'ready' | 'keptAt'>
    >(this.orders, this.members, {
      accountId: 1,
      connectionId: 1,
      channel: 1,
      groupKey: 1,
      day: 1,
    });

    return groupSummaryOrders(keptOrders);
  }

  /**
   * Takes the group's next summary number for its day and puts its orders into that summary.
   * Returns undefined when another replica took the number first; the orders then stay pending.
   */
  async createBatch(group: PendingSummaryGroup): Promise<SummaryBatchDocument | undefined> {
    const sequence = await this.batches.countDocuments({
      accountId: group.accountId,
      connectionId: group.connectionId,
      groupKey: group.groupKey,
      day: group.day,
    });
    const batch: SummaryBatchDocument = {
      _id: [group.accountId, group.connectionId, group.groupKey, group.day, sequence].join('|'),
      accountId: group.accountId,
      connectionId: group.connectionId,
      channel: group.channel,
      groupKey: group.groupKey,
      documentType: documentTypeOfGroup(group.groupKey),
      day: group.day,
      sequence,
      createdAt: new Date(),
    };

    return (await claimBatch(this.batches, this.members, batch, group.orderIds))
      ? batch
      : undefined;
  }

  /** Returns the summaries created since `since`, oldest first, so one never queued is retried. */
  async recentBatches(since: Date): Promise<SummaryBatchDocument[]> {
    return this.batches
      .find({ createdAt: { $gte: since } })
      .sort({ createdAt: 1 })
      .lean<SummaryBatchDocument[]>()
      .exec();
  }

  /** Records that every order of the summary got its posted event. */
  async markAnnounced(batchId: string): Promise<void> {
    await this.batches.updateOne({ _id: batchId }, { $set: { announcedAt: new Date() } });
  }

  async findBatch(batchId: string): Promise<SummaryBatchDocument | null> {
    return this.batches.findOne({ _id: batchId }).lean<SummaryBatchDocument>().exec();
  }

  /** Returns whether the group already has a summary for `day`, so a new order goes to an adjustment. */
  async hasBatch(accountId: string, connectionId: string, groupKey: string, day: string) {
    return (await this.batches.exists({ accountId, connectionId, groupKey, day })) !== null;
  }

  /** Returns the summary state of a channel order: in a summary (with its id), kept, or unknown. */
  async findOrder(
    accountId: string,
    channel: string,
    channelOrderId: string,
  ): Promise<{ state: 'summarized'; batchId: string } | { state: 'kept' } | { state: 'unknown' }> {
    const id = summaryOrderId(accountId, channel, channelOrderId);
    const member = await this.members.findOne({ _id: id }).lean<BatchMemberDocument>().exec();

    if (member) {
      return { state: 'summarized', batchId: member.batchId };
    }

    return (await this.orders.exists({ _id: id })) ? { state: 'kept' } : { state: 'unknown' };
  }

  /** Returns the orders a summary contains, in the order they were kept. */
  async ordersOf(batchId: string): Promise<OrderReady[]> {
    const ids = (
      await this.members.find({ batchId }, { _id: 1 }).lean<Array<{ _id: string }>>().exec()
    ).map((entry) => entry._id);
    const documents = await this.orders
      .find({ _id: { $in: ids } })
      .sort({ keptAt: 1 })
      .lean<SummaryOrderDocument[]>()
      .exec();

    return documents.map((document) => {
      const parsed = parseMessage(orderReadySchema, document.ready);

      if (!parsed.ok) {
        throw new Error(`Kept summary order ${document._id} is invalid: ${parsed.error}`);
      }

      return parsed.value;
    });
  }
}

export function summaryOrderId(accountId: string, channel: string, channelOrderId: string) {
  return [accountId, channel, channelOrderId].join('|');
}

/** Returns the group key of an order: its summary document type, then the group value. */
export function summaryGroupKey(documentType: SummaryDocumentType, groupValue: string): string {
  return `${documentType}|${groupValue}`;
}

function documentTypeOfGroup(groupKey: string): SummaryDocumentType {
  return groupKey.slice(0, groupKey.indexOf('|')) as SummaryDocumentType;
}
