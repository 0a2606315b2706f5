import { Injectable } from '@nestjs/common';
import { CHANNELS, type Channel, decimalToMinor } from '@qbsync/contracts';
import { AppLogger, SyncEventPublisher } from '@qbsync/platform';

import { type QueueEntryDocument, type QueueIndexDocument } from '../queue/queue-entry.schema';

const DOCUMENT_NAMES: Record<string, string> = {
  SalesReceiptAdd: 'sales receipt',
  InvoiceAdd: 'invoice',
  SalesOrderAdd: 'sales order',
  EstimateAdd: 'estimate',
  ReceivePaymentAdd: 'payment',
  CreditMemoAdd: 'credit memo',
  ARRefundCreditCardAdd: 'credit card refund',
  CheckAdd: 'refund check',
  CustomerAdd: 'customer',
  CustomerMod: 'customer update',
  ItemInventoryAdd: 'inventory item',
  ItemNonInventoryAdd: 'non-inventory item',
  ItemServiceAdd: 'service item',
  DepositAdd: 'deposit',
  JournalEntryAdd: 'journal entry',
  InventoryAdjustmentAdd: 'inventory adjustment',
  TxnDel: 'deletion of the posted document',
};

/** Publishes the sync activity log entries (stage `qbd`) for queue entries' outcomes. */
@Injectable()
export class OutcomePublisher {
  private readonly logger: AppLogger;

  constructor(
    private readonly syncEvents: SyncEventPublisher,
    logger: AppLogger,
  ) {
    this.logger = logger.child(OutcomePublisher.name);
  }

  async posted(
    entry: QueueEntryDocument,
    result: { qbId: string; refNumber?: string; total?: string },
  ): Promise<void> {
    const origin = entry.origin;

    if (!origin || entry.kind === 'customer' || entry.kind === 'item') {
      return;
    }

    const documentName = describeDocument(entry.requestName);
    const documentTotal =
      result.total === undefined ? undefined : safeMinor(result.total, origin.currency);
    const notes = [...origin.notes];

    if (
      (entry.kind === 'transaction' || entry.kind === 'deposit') &&
      documentTotal !== undefined &&
      documentTotal !== origin.channelTotal &&
      entry.requestName !== 'EstimateAdd'
    ) {
      notes.push(`QuickBooks' total ${result.total} differs from the channel total`);
    }

    if (entry.requestName === 'TxnDel') {
      await this.publish(entry, `deleted:${entry.attempts}`, {
        status: 'posted',
        message: `Deleted the posted QuickBooks Desktop ${entry.documentKind ?? 'document'} so the order's revision replaces it`,
      });

      return;
    }

    await this.publish(entry, `posted:${entry.attempts}`, {
      status: 'posted',
      message: `Posted to QuickBooks Desktop as ${documentName} ${result.refNumber ?? result.qbId}${notes.length ? `; ${notes.join('; ')}` : ''}`,
      documentId: result.qbId,
      documentNumber: result.refNumber,
      documentTotal,
    });
  }

  async failed(
    entry: QueueEntryDocument,
    status: { code: number; message: string },
    fix: string,
  ): Promise<void> {
    if (!entry.origin) {
      return;
    }

    const documentName = describeDocument(entry.requestName);
    const code = status.code === 0 ? '' : ` (status ${status.code})`;

    await this.publish(entry, `failed:${entry.attempts}:${status.code}`, {
      status: 'failed',
      message: `QuickBooks Desktop did not accept the ${documentName}${code}: ${status.message}`,
      fix,
    });
  }

  /** Publishes that the entry waits on a customer, item or document that failed, naming it. */
  async held(entry: QueueEntryDocument, cause: QueueIndexDocument): Promise<void> {
    if (!entry.origin) {
      return;
    }

    const causeName = cause.listName
      ? `${describeDocument(cause.requestName)} "${cause.listName}"`
      : describeDocument(cause.requestName);

    await this.publish(entry, `held:${cause._id}:${cause.attempts}`, {
      status: 'failed',
      message: `The ${describeDocument(entry.requestName)} is held because the ${causeName} it needs failed: ${cause.status?.message ?? 'see that entry'}`,
      fix: cause.fix ?? 'Fix the failed entry it depends on, then re-sync',
    });
  }

  /**
   * Publishes a Queue tab action on an entry: `received` for a retry (it is queued again) and
   * `skipped` for a skip or cancel, with the user's action in the message.
   */
  async queueAction(
    entry: QueueEntryDocument,
    action: 'retry' | 'skip' | 'cancel',
    message: string,
  ): Promise<void> {
    if (!entry.origin) {
      return;
    }

    await this.publish(entry, `${action}:${Date.now()}`, {
      status: action === 'retry' ? 'received' : 'skipped',
      message,
    });
  }

  async skipped(entry: QueueEntryDocument, message: string): Promise<void> {
    await this.publish(entry, `skipped:${entry.updatedAt.getTime()}`, {
      status: 'skipped',
      message,
    });
  }

  private async publish(
    entry: QueueEntryDocument,
    suffix: string,
    fields: {
      status: 'received' | 'posted' | 'failed' | 'skipped';
      message: string;
      fix?: string;
      documentId?: string;
      documentNumber?: string;
      documentTotal?: number;
    },
  ): Promise<void> {
    const origin = entry.origin!;

    if (!(CHANNELS as readonly string[]).includes(origin.channel)) {
      this.logger.warn('Queue entry has an unknown channel; no sync event published', {
        entryId: entry._id,
        channel: origin.channel,
      });

      return;
    }

    await this.syncEvents.publish({
      eventId: `${entry._id}:${suffix}`,
      accountId: entry.accountId,
      connectionId: origin.connectionId,
      channel: origin.channel as Channel,
      // A payout's entries have no order.
      channelOrderId: origin.channelOrderId || undefined,
      orderNumber: origin.orderNumber || undefined,
      entity: origin.entity,
      entityId: origin.entityId,
      stage: 'qbd',
      documentKind: entry.documentKind,
      currency: origin.currency,
      channelTotal: origin.channelTotal,
      ruleSetVersion: origin.ruleSetVersion,
      ...fields,
    });
  }
}

function describeDocument(requestName: string): string {
  return DOCUMENT_NAMES[requestName] ?? requestName;
}

function safeMinor(value: string, currency: string): number | undefined {
  try {
    return decimalToMinor(value, currency);
  } catch {
    return undefined;
  }
}
