import { Inject, Injectable } from '@nestjs/common';
import { type OrderReady, type QbdOrderReplaceResult } from '@qbsync/contracts';
import { AppLogger, MONGOOSE_CONNECTION, SyncEventPublisher } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import { type DeletableTxnType, txnDelBody } from '../qbxml/qbxml-requests';
import { txnIdPlaceholder } from '../posting/order-entries';
import { type QueueEntryDocument } from '../queue/queue-entry.schema';
import { nextSeq, QueueRepository } from '../queue/queue.repository';
import {
  EDITED_ORDER_MODEL,
  type EditedOrderDocument,
  editedOrderSchema,
} from './edited-order.schema';

/** Entry states of a deposit that took (or will take) a document out of Undeposited Funds. */
const DEPOSIT_STATES = new Set(['queued', 'posted', 'held', 'failed', 'unknown']);

/**
 * Replaces a posted order's QuickBooks Desktop documents with the order's latest revision: a
 * TxnDel per posted document (payment first, then the invoice, then the sales document), then the
 * revision's entries under new ids that wait on the deletions. The old entries and their results
 * stay in the queue, so the ledger shows what posted, what was deleted and what replaced it.
 */
@Injectable()
export class OrderReplacement {
  private readonly logger: AppLogger;
  private readonly edited: Model<EditedOrderDocument>;

  constructor(
    private readonly queue: QueueRepository,
    private readonly syncEvents: SyncEventPublisher,
    @Inject(MONGOOSE_CONNECTION) connection: Connection,
    logger: AppLogger,
  ) {
    this.logger = logger.child(OrderReplacement.name);
    this.edited = connection.model<EditedOrderDocument>(EDITED_ORDER_MODEL, editedOrderSchema);
  }

  /** Keeps an edited order's revision for a later replace request. */
  async saveEdited(ready: OrderReady, posted: QueueEntryDocument): Promise<void> {
    const { order } = ready;

    await this.edited.updateOne(
      { _id: editedOrderId(order.accountId, order.channel, order.channelOrderId) },
      {
        $set: {
          accountId: order.accountId,
          ready,
          postedEntryId: posted._id,
          detectedAt: new Date(),
        },
      },
      { upsert: true },
    );
  }

  async findEdited(
    accountId: string,
    channel: string,
    channelOrderId: string,
  ): Promise<EditedOrderDocument | null> {
    return this.edited
      .findOne({ _id: editedOrderId(accountId, channel, channelOrderId) })
      .lean<EditedOrderDocument>()
      .exec();
  }

  /**
   * Queues the deletion of `posted` and its payment, and the revision's entries after them.
   * Rejects the replace when a deposit took the document out of Undeposited Funds, because
   * QuickBooks does not delete a deposited payment.
   */
  async replace(
    ready: OrderReady,
    posted: QueueEntryDocument,
    revision: { entries: QueueEntryDocument[]; transactionId: string },
  ): Promise<QbdOrderReplaceResult> {
    const { order } = ready;
    const documents = (
      await this.queue.findByIds([posted._id, `${posted._id}|invoice`, `${posted._id}|payment`])
    ).filter((entry) => entry.state === 'posted');
    const deposit = (
      await this.queue.findByDependency(
        order.accountId,
        documents.map((entry) => entry._id),
      )
    ).find((entry) => entry.kind === 'deposit' && DEPOSIT_STATES.has(entry.state));

    if (deposit) {
      const message = `Order ${order.orderNumber} cannot be replaced in QuickBooks Desktop: its document is in the deposit of payout ${deposit.origin?.entityId ?? deposit._id}, and QuickBooks does not delete a deposited payment`;

      await this.publish(ready, posted, `replace-refused:${order.updatedAt}`, {
        status: 'failed',
        message,
        fix: 'Delete the deposit in QuickBooks and cancel it in the Queue tab first, or correct the document in QuickBooks by hand',
      });

      return { outcome: 'rejected', message, entryIds: [] };
    }

    const revisionNumber = await this.queue.countOrderTransactions(
      order.accountId,
      order.channel,
      order.channelOrderId,
    );
    const now = new Date();
    // Deletion order: a payment before the invoice it pays, the invoice before its sales order.
    const deletions = ['payment', 'invoice', 'transaction']
      .map((role) =>
        documents.find((entry) =>
          role === 'transaction' ? entry._id === posted._id : entry._id === `${posted._id}|${role}`,
        ),
      )
      .filter((entry): entry is QueueEntryDocument => entry !== undefined)
      .map((document, index, all): QueueEntryDocument => ({
        _id: `${document._id}|delete|${revisionNumber}`,
        accountId: order.accountId,
        seq: nextSeq(),
        kind: document.kind,
        requestName: 'TxnDel',
        body: txnDelBody(
          document.requestName.replace(/Add$/, '') as DeletableTxnType,
          txnIdPlaceholder(document._id),
        ),
        dependsOn: [
          document._id,
          ...(index > 0 ? [`${all[index - 1]!._id}|delete|${revisionNumber}`] : []),
        ],
        references: [],
        documentKind: document.documentKind,
        customerName: document.customerName,
        origin: document.origin && { ...document.origin, notes: [] },
        features: [],
        state: 'queued',
        attempts: 0,
        transientFailures: 0,
        createdAt: now,
        updatedAt: now,
      }));
    const lastDeletion = deletions.at(-1)?._id;
    const oldId = revision.transactionId;
    const newId = `${oldId}|revision|${revisionNumber}`;
    const renamed = (id: string) =>
      id.startsWith(oldId) ? `${newId}${id.slice(oldId.length)}` : id;
    const entries = revision.entries.map((entry) => {
      const isRevision = entry._id.startsWith(oldId);

      return {
        ...entry,
        _id: renamed(entry._id),
        seq: nextSeq(),
        body: entry.body.split(`{{TxnID:${oldId}`).join(`{{TxnID:${newId}`),
        dependsOn: [
          ...entry.dependsOn.map(renamed),
          ...(isRevision && entry._id === oldId && lastDeletion ? [lastDeletion] : []),
        ],
      };
    });

    await this.queue.insert([...deletions, ...entries]);
    await this.edited.deleteOne({
      _id: editedOrderId(order.accountId, order.channel, order.channelOrderId),
    });
    await this.publish(ready, posted, `replace-queued:${order.updatedAt}`, {
      status: 'received',
      message: `Order ${order.orderNumber} was edited after it posted: its QuickBooks Desktop ${posted.documentKind ?? 'document'} is deleted and the revision posts in the next Web Connector session`,
    });
    this.logger.info('Queued the replacement of an edited order', {
      accountId: order.accountId,
      orderId: order.channelOrderId,
      deleted: deletions.map((entry) => entry._id),
      revision: newId,
    });

    return {
      outcome: 'queued',
      message: `Queued ${deletions.length} deletions and ${entries.length} entries of the revision`,
      entryIds: [...deletions, ...entries].map((entry) => entry._id),
    };
  }

  /** Logs an edit of a posted order that is not replaced automatically, with how to replace it. */
  async offerReplace(ready: OrderReady, posted: QueueEntryDocument): Promise<void> {
    const { order } = ready;

    await this.saveEdited(ready, posted);
    await this.publish(ready, posted, `edited:${order.updatedAt}`, {
      status: 'skipped',
      message: `Order ${order.orderNumber} was edited on the channel after it posted to QuickBooks Desktop; the posted ${posted.documentKind ?? 'document'} was kept`,
      fix: `Replace it (POST /api/accounts/${order.accountId}/qbd/orders/${order.channel}/${order.channelOrderId}/replace), or turn on the autoReplaceEditedOrders setting so later edits replace it`,
    });
  }

  private async publish(
    ready: OrderReady,
    posted: QueueEntryDocument,
    suffix: string,
    fields: { status: 'received' | 'skipped' | 'failed'; message: string; fix?: string },
  ): Promise<void> {
    const { order } = ready;

    await this.syncEvents.publish({
      eventId: `${order.accountId}:${order.channel}:${order.channelOrderId}:order:qbd:${suffix}`,
      accountId: order.accountId,
      connectionId: order.connectionId,
      channel: order.channel,
      channelOrderId: order.channelOrderId,
      orderNumber: order.orderNumber,
      entity: 'order',
      stage: 'qbd',
      documentKind: posted.documentKind,
      currency: order.currency,
      channelTotal: order.totals.total,
      ...fields,
    });
  }
}

function editedOrderId(accountId: string, channel: string, channelOrderId: string): string {
  return `${accountId}|${channel}|${channelOrderId}`;
}
