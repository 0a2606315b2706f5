import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { isSummaryPeriodClosed, summaryPeriodOf } from '@qbsync/accounting';
import { type Channel, type OrderReady } from '@qbsync/contracts';
import { AppLogger, SyncEventPublisher } from '@qbsync/platform';

import { CogsJournalService } from '../cogs/cogs-journal.service';
import { CompanyFileRepository } from '../company/company-file.repository';
import { ListCopyRepository } from '../lists/list-copy.repository';
import { type OrderListFacts } from '../posting/order-entries';
import { itemNameForSku } from '../posting/qbd-names';
import { type QbdSettings, withSettingDefaults } from '../posting/qbd-settings';
import { QueueRepository } from '../queue/queue.repository';
import {
  buildSummaryEntries,
  SUMMARY_DOCUMENT_NAME,
  SUMMARY_LEDGER_KIND,
  summaryEntryId,
} from './summary-entries';
import {
  type SummaryBatchDocument,
  type SummaryDocumentType,
  summaryGroupKey,
  SummaryOrderRepository,
} from './summary-order.repository';

/** How often kept summary orders are checked against their day's cut-off. */
const SUMMARY_INTERVAL_MILLISECONDS = 60_000;
/** Summaries older than this are no longer retried by the job; a re-sync queues their orders again. */
const RETRY_WINDOW_MILLISECONDS = 7 * 24 * 60 * 60_000;

/**
 * Returns the summary document an order posts in, or undefined when it posts on its own: a rule's
 * summary transaction type first, then the company file's summary mode.
 */
export function summaryDocumentTypeOf(
  ready: OrderReady,
  settings: QbdSettings,
): SummaryDocumentType | undefined {
  switch (ready.overrides?.transactionType) {
    case 'summary_sales_receipt':
      return 'SalesReceipt';
    case 'summary_invoice':
      return 'Invoice';
    case 'summary_sales_order':
      return 'SalesOrder';
    case undefined:
      break;
    default:
      return undefined;
  }

  switch (settings.summaryMode) {
    case 'summary_sales_receipt':
      return 'SalesReceipt';
    case 'summary_invoice':
      return 'Invoice';
    case 'summary_sales_order':
      return 'SalesOrder';
    default:
      return undefined;
  }
}

/** The summary state of a refund's order, with the summary's queue entry once it is queued. */
export type SummaryOriginal =
  | { state: 'summarized'; entryId: string; customerName: string; documentKind: string }
  | { state: 'kept' }
  | { state: 'unknown' };

/**
 * Posts QuickBooks Desktop summaries. Orders of summary modes are kept per store, group and day
 * (the company file's time zone and cut-off). Once a day has closed, its kept orders become one
 * queued SalesReceiptAdd, InvoiceAdd or SalesOrderAdd (`S250702`). Orders that arrive after that
 * go into an adjustment summary (`S250702-1`, `-2`...). The queue entry id is the summary's
 * posting ledger key, so a re-run finds the entry and never queues it twice.
 */
@Injectable()
export class SummaryPostingService {
  private readonly logger: AppLogger;
  private running = false;

  constructor(
    private readonly summaries: SummaryOrderRepository,
    private readonly queue: QueueRepository,
    private readonly companyFiles: CompanyFileRepository,
    private readonly lists: ListCopyRepository,
    private readonly syncEvents: SyncEventPublisher,
    private readonly cogs: CogsJournalService,
    logger: AppLogger,
  ) {
    this.logger = logger.child(SummaryPostingService.name);
  }

  /**
   * Keeps an order for its summary and publishes where it went. An order that a summary already
   * contains stays as it was posted: a summary is never changed after it was queued.
   */
  async keep(
    ready: OrderReady,
    settings: QbdSettings,
    documentType: SummaryDocumentType,
  ): Promise<void> {
    const { order } = ready;
    const day = summaryPeriodOf(
      order.processedAt ?? order.createdAt,
      settings.timeZone,
      settings.summaryCutOff,
    );
    const groupKey = summaryGroupKey(documentType, groupValueOf(ready, settings, day));
    const documentName = SUMMARY_DOCUMENT_NAME[documentType];
    const adjustment = await this.summaries.hasBatch(
      order.accountId,
      order.connectionId,
      groupKey,
      day,
    );
    const keepResult = await this.summaries.keep(ready, groupKey, day);

    if (keepResult.outcome === 'already_summarized') {
      await this.publishForOrder(ready, `summary-already:${order.updatedAt}`, {
        status: 'skipped',
        message: `The order is already in the ${documentName} ${describeBatch(keepResult.batchId)}; a summary is not changed after it was queued, so this update was not posted`,
      });

      return;
    }

    await this.publishForOrder(ready, `summary-kept:${order.updatedAt}`, {
      status: 'received',
      message: adjustment
        ? `Kept for an adjustment ${documentName} of ${day}, because that day's summary was already queued; it is queued at the next summary run`
        : `Kept for the ${documentName} of ${day}; it is queued when the day closes at ${settings.summaryCutOff} ${settings.timeZone}`,
    });
  }

  /**
   * Returns the summary document a refund's order is in, so the credit memo depends on it, or
   * whether the order is still waiting for its summary.
   */
  async findOriginal(
    accountId: string,
    channel: string,
    channelOrderId: string,
  ): Promise<SummaryOriginal> {
    const found = await this.summaries.findOrder(accountId, channel, channelOrderId);

    if (found.state !== 'summarized') {
      return found;
    }

    const batch = await this.summaries.findBatch(found.batchId);
    const [entry] = batch ? await this.queue.findIndex([summaryEntryId(batch)]) : [];

    if (!entry || !entry.customerName) {
      return { state: 'kept' };
    }

    return {
      state: 'summarized',
      entryId: entry._id,
      customerName: entry.customerName,
      documentKind: entry.documentKind ?? 'summary_sales_receipt',
    };
  }

  @Interval(SUMMARY_INTERVAL_MILLISECONDS)
  async runScheduled(): Promise<void> {
    // One run at a time per replica; replicas share the work through the inserts they race on.
    if (this.running) {
      return;
    }

    this.running = true;

    try {
      await this.queueDue(new Date());
    } catch (error) {
      this.logger.error('Queueing daily summaries failed; the next run retries', error);
    } finally {
      this.running = false;
    }
  }

  /**
   * Queues every summary whose day closed by `now`, and queues again recent summaries whose queue
   * entry is missing (a replica that stopped between creating a summary and queueing it). Each
   * order of a summary that posted since the last run gets an event naming the posted document.
   */
  async queueDue(now: Date): Promise<void> {
    for (const batch of await this.summaries.recentBatches(
      new Date(now.getTime() - RETRY_WINDOW_MILLISECONDS),
    )) {
      const [entry] = await this.queue.findIndex([summaryEntryId(batch)]);

      if (!entry) {
        await this.queueBatch(batch);
      } else if (entry.state === 'posted' && !batch.announcedAt) {
        await this.announcePosted(batch);
      }
    }

    for (const group of await this.summaries.pendingGroups()) {
      const companyFile = await this.companyFiles.findByAccountId(group.accountId);

      if (!companyFile) {
        continue;
      }

      const settings = withSettingDefaults(companyFile.settings);

      if (!isSummaryPeriodClosed(group.day, now, settings.timeZone, settings.summaryCutOff)) {
        continue;
      }

      const batch = await this.summaries.createBatch(group);

      if (batch) {
        await this.queueBatch(batch);
      }
    }
  }

  private async queueBatch(batch: SummaryBatchDocument): Promise<void> {
    const orders = await this.summaries.ordersOf(batch._id);
    const companyFile = await this.companyFiles.findByAccountId(batch.accountId);

    if (orders.length === 0 || !companyFile) {
      return;
    }

    const settings = withSettingDefaults(companyFile.settings);
    const facts = await this.summaryFacts(batch.accountId, orders, settings);
    const result = buildSummaryEntries(batch, orders, settings, facts, companyFile.homeCurrency);
    const documentName = SUMMARY_DOCUMENT_NAME[batch.documentType];

    if (result.outcome === 'rejected') {
      // NOTE: the summary gets no queue entry, so every run in the retry window builds it again.
      // Each order's event is stored once because its id repeats.
      this.logger.warn('A summary cannot be built', {
        accountId: batch.accountId,
        summary: batch._id,
        reason: result.message,
      });

      for (const ready of orders) {
        await this.publishForOrder(ready, `summary-rejected:${batch._id}`, {
          status: 'failed',
          message: result.message,
          fix: result.fix,
        });
      }

      return;
    }

    if (result.sale) {
      const cogs = await this.cogs.forSale(result.sale, settings);

      result.entries.push(...cogs.entries);
      result.sale.origin.notes.push(...cogs.warnings);
    }

    const duplicates = await this.queue.insert(result.entries);

    if (duplicates.has(result.transactionId)) {
      return;
    }

    const number = result.refNumber ?? `numbered by QuickBooks (${result.requestedNumber})`;
    const kind = batch.sequence === 0 ? documentName : `adjustment ${documentName}`;

    this.logger.info('Queued a summary', {
      accountId: batch.accountId,
      summary: batch._id,
      orders: orders.length,
    });

    for (const ready of orders) {
      await this.publishForOrder(ready, `summary-queued:${batch._id}`, {
        status: 'received',
        message: `Queued in ${kind} ${number} of ${batch.day} (summary ${result.transactionId}) with ${orders.length} orders; it posts at the next Web Connector session`,
        documentKind: SUMMARY_LEDGER_KIND[batch.documentType],
        documentNumber: result.refNumber,
      });
    }
  }

  /**
   * Publishes for each order of a posted summary that it posted in that document, with
   * QuickBooks' TxnID and number. The summary's own event carries QuickBooks' total.
   */
  private async announcePosted(batch: SummaryBatchDocument): Promise<void> {
    const entryId = summaryEntryId(batch);
    const result = (await this.queue.findResults([entryId])).get(entryId);

    if (!result) {
      return;
    }

    const orders = await this.summaries.ordersOf(batch._id);
    const documentName = SUMMARY_DOCUMENT_NAME[batch.documentType];
    const kind = batch.sequence === 0 ? documentName : `adjustment ${documentName}`;

    for (const ready of orders) {
      await this.publishForOrder(ready, `summary-posted:${batch._id}`, {
        status: 'posted',
        message: `Posted in ${kind} ${result.refNumber ?? result.qbId} of ${batch.day} (summary ${entryId}) with ${orders.length} orders`,
        documentKind: SUMMARY_LEDGER_KIND[batch.documentType],
        documentId: result.qbId,
        documentNumber: result.refNumber,
      });
    }

    await this.summaries.markAnnounced(batch._id);
  }

  private async summaryFacts(
    accountId: string,
    orders: readonly OrderReady[],
    settings: QbdSettings,
  ): Promise<OrderListFacts> {
    const [customer] = await this.lists.findByName(accountId, 'Customer', settings.summaryCustomer);
    const names = [
      ...orders.flatMap((ready) => ready.order.lines.map((line) => itemNameForSku(line.sku).name)),
      settings.blankSkuItem,
      settings.shippingItem,
      settings.discountItem,
      settings.salesTaxLineItem,
      settings.adjustmentItem,
      settings.giftCardItem,
    ].filter(Boolean);
    const found = await this.lists.findByNames(accountId, 'Item', names);
    const items = new Map<string, string>();

    for (const [key, entries] of found) {
      if (entries.length === 1 && entries[0]) {
        items.set(key, entries[0].fullName);
      }
    }

    const facts: OrderListFacts = { items };

    if (customer && customer.fullName.toLowerCase() === settings.summaryCustomer.toLowerCase()) {
      facts.customer = { listId: customer.listId, editSequence: customer.editSequence };
    }

    return facts;
  }

  private async publishForOrder(
    ready: OrderReady,
    suffix: string,
    fields: {
      status: 'received' | 'posted' | 'skipped' | 'failed';
      message: string;
      fix?: string;
      documentKind?: string;
      documentId?: string;
      documentNumber?: string;
    },
  ): Promise<void> {
    const { order } = ready;

    await this.syncEvents.publish({
      eventId: `${order.accountId}:${order.channel}:${order.channelOrderId}:order:qbd:${suffix}`,
      accountId: order.accountId,
      connectionId: order.connectionId,
      channel: order.channel as Channel,
      channelOrderId: order.channelOrderId,
      orderNumber: order.orderNumber,
      entity: 'order',
      stage: 'qbd',
      currency: order.currency,
      channelTotal: order.totals.total,
      ruleSetVersion: ready.ruleSetVersion,
      ...fields,
    });
  }
}

/** Returns the value that splits a store's day into several summaries under `summaryGroup`. */
function groupValueOf(ready: OrderReady, settings: QbdSettings, day: string): string {
  switch (settings.summaryGroup) {
    case 'payment_method':
      return (
        ready.order.payments.find((payment) => payment.status === 'success')?.gateway ?? 'none'
      );
    case 'order_month':
      return day.slice(0, 7);
    default:
      return 'store';
  }
}

/** Returns "of 2025-07-02" or "of 2025-07-02 (adjustment 1)" for a summary id. */
function describeBatch(batchId: string): string {
  const parts = batchId.split('|');
  const sequence = Number(parts.at(-1));
  const day = parts.at(-2) ?? '';

  return sequence > 0 ? `of ${day} (adjustment ${sequence})` : `of ${day}`;
}
