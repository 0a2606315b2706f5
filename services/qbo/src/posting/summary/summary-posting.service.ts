import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import {
  AccountingError,
  buildOrderEditPlan,
  buildSummaryPlan,
  type OrderEditPlan,
  type PostingPlan,
  isSummaryPeriodClosed,
  type RefundPlan,
  summaryPeriodOf,
} from '@qbsync/accounting';
import {
  decimalToMinor,
  minorToDecimal,
  type OrderReady,
  type QboPostingSettings,
} from '@qbsync/contracts';
import { AppLogger } from '@qbsync/platform';

import { CompanySettingsService } from '../../matching/company-settings.service';
import { EffectiveSettingsService } from '../../settings/effective-settings.service';
import { DocumentReferencesService } from '../document-references.service';
import { DocumentWriter } from '../document-writer';
import { depositAccountName, OrderPostingService } from '../order-posting.service';
import { PostingLedgerRepository } from '../posting-ledger.repository';
import { buildRefundDocumentBody, buildSalesDocumentBody } from '../qbo-document.body';
import {
  type PendingSummaryEdit,
  type SummaryBatchDocument,
  SummaryOrderRepository,
} from './summary-order.repository';

/** How often queued summary orders are checked against their day's cut-off. */
const SUMMARY_INTERVAL_MILLISECONDS = 60_000;
/** Summaries older than this are no longer retried by the job; a re-sync posts them. */
const RETRY_WINDOW_MILLISECONDS = 7 * 24 * 60 * 60_000;

/** The posting ledger's document kind of a correction of an order edited after its summary. */
const CORRECTION_DOCUMENT_KIND = 'summary_correction';

/**
 * Posts daily summary sales receipts: once a store's day has passed its cut-off, its queued
 * orders become one sales receipt (`S-YYYYMMDD`), and orders that arrive after that summary
 * posted go to a supplementary one (`S-YYYYMMDD-1`, `-2`...). Each summary is claimed in the
 * posting ledger like any document, so re-runs never post it twice.
 *
 * An order edited on the channel after its summary posted gets a correcting document of the
 * difference, dated on the edit: a sales receipt when the order grew, a refund receipt when it
 * shrank. The summary itself is never updated, because a summary posts only after its day closed.
 * By then the day is in the books: it may be deposited, reconciled or in a filed sales tax
 * return. Accountants expect such a day to stay as posted, with a later change shown as a
 * dated correction.
 */
@Injectable()
export class SummaryPostingService {
  private readonly logger: AppLogger;
  private running = false;

  constructor(
    private readonly summaries: SummaryOrderRepository,
    private readonly ledger: PostingLedgerRepository,
    private readonly orders: OrderPostingService,
    private readonly settings: EffectiveSettingsService,
    private readonly referencesService: DocumentReferencesService,
    private readonly company: CompanySettingsService,
    private readonly writer: DocumentWriter,
    logger: AppLogger,
  ) {
    this.logger = logger.child(SummaryPostingService.name);
  }

  @Interval(SUMMARY_INTERVAL_MILLISECONDS)
  async runScheduled(): Promise<void> {
    // One run at a time per replica; replicas share the work through the inserts they race on.
    if (this.running) {
      return;
    }

    this.running = true;

    try {
      await this.postDue(new Date());
    } catch (error) {
      this.logger.error('Posting daily summaries failed; the next run retries', error);
    } finally {
      this.running = false;
    }
  }

  /**
   * Posts every summary whose day closed by `now`, retries recent unposted ones, and posts the
   * corrections of orders edited after their summary posted.
   */
  async postDue(now: Date): Promise<void> {
    for (const batch of await this.summaries.recentBatches(
      new Date(now.getTime() - RETRY_WINDOW_MILLISECONDS),
    )) {
      const entry = await this.ledger.findByKey(batchKey(batch));

      if (!entry || entry.state === 'pending') {
        await this.postBatch(batch);
      }
    }

    for (const group of await this.summaries.pendingGroups()) {
      const settings = await this.settings.get(group.accountId);

      if (!isSummaryPeriodClosed(group.day, now, settings.timeZone, settings.summaryCutOff)) {
        continue;
      }

      const batch = await this.summaries.createBatch(group);

      if (batch) {
        await this.postBatch(batch);
      }
    }

    await this.postEdits();
  }

  /** Posts a correction for each stored edit whose summary has posted; the rest wait. */
  async postEdits(): Promise<void> {
    for (const edit of await this.summaries.pendingEdits()) {
      const batch = await this.summaries.findBatch(edit.batchId);
      const entry = batch ? await this.ledger.findByKey(batchKey(batch)) : null;

      // NOTE: an edit waits while its summary is unposted, because that summary posts the
      // version it took. The correction follows once the summary is posted.
      if (!batch || entry?.state !== 'posted') {
        continue;
      }

      if (Date.parse(edit.current.order.updatedAt) <= Date.parse(edit.summarized.order.updatedAt)) {
        await this.summaries.discardEdit(edit);
        continue;
      }

      await this.postCorrection(edit, batch);
    }
  }

  private async postCorrection(
    edit: PendingSummaryEdit,
    batch: SummaryBatchDocument,
  ): Promise<void> {
    const { current, summarized } = edit;
    const settings = await this.settings.get(edit.accountId);
    const plan = await this.buildEditPlan(edit, batch, settings);

    if (plan === 'invalid') {
      return;
    }

    if (!plan) {
      await this.orders.recordOutcome(
        current,
        'skipped',
        `Edited after the summary sales receipt of ${batch.day} posted, without a change of amounts; nothing was posted`,
        {
          eventSuffix: `summary-edit:${current.order.updatedAt}`,
          documentKind: CORRECTION_DOCUMENT_KIND,
        },
      );
      await this.summaries.completeEdit(edit, false);

      return;
    }

    const entity = plan.documentKind === 'sales_receipt' ? 'SalesReceipt' : 'RefundReceipt';
    const label = plan.documentKind === 'sales_receipt' ? 'sales receipt' : 'refund receipt';
    const run = await this.orders.runOnce(
      current,
      {
        accountId: current.order.accountId,
        channel: current.order.channel,
        channelOrderId: current.order.channelOrderId,
        documentKind: CORRECTION_DOCUMENT_KIND,
        sequence: current.order.updatedAt,
      },
      `correcting ${label}`,
      false,
      async (session, claim) => {
        const warnings: string[] = [];
        const docNumber =
          settings.useNextQuickBooksNumber || !plan.docNumber ? undefined : plan.docNumber;
        const header = { docNumber, txnDate: plan.txnDate, privateNote: plan.privateNote };
        const build = async (): Promise<Record<string, unknown>> => {
          const references = await this.referencesService.resolve(
            session,
            {
              order: current.order,
              settings: { ...settings, tax: { ...settings.tax, mode: 'line_item' } },
              overrides: { customerName: plan.customerName, lines: [] },
              customer: { displayName: plan.customerName },
              currency: plan.currency,
              txnDate: plan.txnDate,
              lines: plan.lines,
            },
            warnings,
          );

          references.billAddress = undefined;
          references.shipAddress = undefined;
          references.depositAccountId = await this.company.findAccountId(
            session,
            entity === 'SalesReceipt'
              ? depositAccountName(current, settings)
              : settings.refundDepositAccount,
          );

          return entity === 'SalesReceipt'
            ? buildSalesDocumentBody('SalesReceipt', toSalesPlan(plan), references, header)
            : buildRefundDocumentBody(
                'RefundReceipt',
                toRefundPlan(plan, current),
                references,
                header,
              );
        };
        const created = await this.writer.create(session, entity, build, claim.requestId, {
          mayHaveLanded: claim.mayHaveLanded,
          note: `${current.order.channel} order ${current.order.orderNumber} (${current.order.channelOrderId}) edited on ${current.order.updatedAt}`,
          docNumber,
          txnDate: plan.txnDate,
        });

        return {
          id: created.Id,
          docNumber: created.DocNumber,
          total: decimalToMinor(String(created.TotalAmt), plan.currency),
          warnings,
        };
      },
      (posted) => ({
        message: `Edited after the summary sales receipt of ${batch.day} posted (version of ${summarized.order.updatedAt}); posted the difference of ${minorToDecimal(plan.difference, plan.currency)} ${plan.currency} as correcting ${label} ${posted.docNumber ?? posted.id} dated ${plan.txnDate}`,
        matches: posted.total === plan.total,
      }),
    );

    if (run.status === 'posted' || run.status === 'already_posted') {
      this.logger.info('Posted the correction of an order edited after its daily summary', {
        accountId: current.order.accountId,
        orderId: current.order.channelOrderId,
        summary: batch._id,
        documentId: run.documentId,
      });
      await this.summaries.completeEdit(edit, true);
    } else if (run.status === 'failed') {
      // The failure is in the activity log with its fix; a re-sync of the order stores it again.
      await this.summaries.discardEdit(edit);
    }
  }

  private async buildEditPlan(
    edit: PendingSummaryEdit,
    batch: SummaryBatchDocument,
    settings: QboPostingSettings,
  ): Promise<OrderEditPlan | undefined | 'invalid'> {
    const { current, summarized } = edit;
    const orderNumber = current.order.orderNumber.replace(/^#/, '');
    const requested = `${settings.docNumberPrefix}${orderNumber}-E${edit.corrections + 1}`;

    try {
      return buildOrderEditPlan(summarized.order, current.order, {
        editDay: summaryPeriodOf(current.order.updatedAt, settings.timeZone, '00:00'),
        // A number longer than QuickBooks' 21 characters is left to QuickBooks; the memo names the order.
        docNumber: requested.length <= 21 ? requested : '',
        customerName: settings.customerMatching.singleCustomerName,
        taxItemName: settings.tax.taxItem,
        discountItemName: settings.discountItem ?? 'Discounts',
        giftCardItemName: settings.giftCardItem,
        shippingItemName: settings.shippingItem,
        adjustmentItemName: settings.adjustmentItem,
        tipItemName: settings.tipItem,
      });
    } catch (error) {
      if (!(error instanceof AccountingError)) {
        throw error;
      }

      await this.orders.recordOutcome(current, 'rejected', error.message, {
        eventSuffix: `summary-edit-rejected:${current.order.updatedAt}`,
        documentKind: CORRECTION_DOCUMENT_KIND,
        fix: `Correct the summary sales receipt of ${batch.day} in QuickBooks by hand for this order.`,
      });
      await this.summaries.discardEdit(edit);

      return 'invalid';
    }
  }

  private async postBatch(batch: SummaryBatchDocument): Promise<void> {
    const orders = await this.summaries.ordersOf(batch._id);
    const first = orders[0];

    if (!first) {
      return;
    }

    const settings = await this.settings.get(batch.accountId);
    const plan = this.buildPlan(batch, orders, settings);

    if (!plan) {
      return;
    }

    const run = await this.orders.runOnce(
      first,
      batchKey(batch),
      'summary sales receipt',
      false,
      async (session, claim) => {
        const warnings: string[] = [];
        const docNumber =
          settings.useNextQuickBooksNumber || plan.docNumberTruncated ? undefined : plan.docNumber;
        const header = { docNumber, txnDate: plan.txnDate, privateNote: plan.privateNote };
        const build = async (): Promise<Record<string, unknown>> => {
          const references = await this.referencesService.resolve(
            session,
            {
              order: first.order,
              // Summaries always post the tax as one line: their lines mix jurisdictions.
              settings: { ...settings, tax: { ...settings.tax, mode: 'line_item' } },
              overrides: { customerName: plan.customer.displayName, lines: [] },
              customer: plan.customer,
              currency: plan.currency,
              txnDate: plan.txnDate,
              lines: plan.lines,
              needsGiftCardItem: plan.giftCardTotal > 0,
            },
            warnings,
          );

          references.billAddress = undefined;
          references.shipAddress = undefined;
          references.depositAccountId = await this.company.findAccountId(
            session,
            depositAccountName(first, settings),
          );

          return buildSalesDocumentBody('SalesReceipt', plan, references, header);
        };
        const created = await this.writer.create(session, 'SalesReceipt', build, claim.requestId, {
          mayHaveLanded: claim.mayHaveLanded,
          note: `summary ${batch.day}:`,
          docNumber,
          txnDate: plan.txnDate,
        });

        return {
          id: created.Id,
          docNumber: created.DocNumber,
          total: decimalToMinor(String(created.TotalAmt), plan.currency),
          warnings,
        };
      },
      (posted) => ({
        message: `Posted in summary sales receipt ${posted.docNumber ?? posted.id} of ${batch.day} with ${orders.length} orders`,
        matches: posted.total === plan.channelTotal - plan.giftCardTotal - (plan.feeTotal ?? 0),
      }),
    );

    if (run.status !== 'posted') {
      return;
    }

    for (const ready of orders.slice(1)) {
      await this.orders.recordOutcome(
        ready,
        'posted',
        `Posted in summary sales receipt ${plan.docNumber} of ${batch.day} (id ${run.documentId})`,
        {
          eventSuffix: `summary:${batch.sequence}`,
          documentKind: 'summary_sales_receipt',
          documentId: run.documentId,
          documentNumber: plan.docNumber,
        },
      );
    }
  }

  private buildPlan(
    batch: SummaryBatchDocument,
    orders: OrderReady[],
    settings: QboPostingSettings,
  ): PostingPlan | undefined {
    try {
      return buildSummaryPlan(
        orders.map((ready) => ready.order),
        {
          day: batch.day,
          baseDocNumber: `${settings.docNumberPrefix}S-${batch.day.replace(/-/g, '')}`,
          sequence: batch.sequence,
          customerName: settings.customerMatching.singleCustomerName,
          shippingItemName: settings.shippingItem,
          adjustmentItemName: settings.adjustmentItem,
          tipItemName: settings.tipItem,
          merchantFeeItemName: settings.postMerchantFees ? settings.feeItem : undefined,
        },
      );
    } catch (error) {
      if (!(error instanceof AccountingError)) {
        throw error;
      }

      // NOTE: the summary stays unposted and is retried by every run for the retry window; the
      // message names the order to correct.
      this.logger.warn('A daily summary cannot be built', {
        accountId: batch.accountId,
        summary: batch._id,
        reason: error.message,
      });

      return undefined;
    }
  }
}

/** Converts the correction of an order that grew into a sales receipt plan. */
function toSalesPlan(plan: OrderEditPlan): PostingPlan {
  return {
    documentKind: 'sales_receipt',
    currency: plan.currency,
    docNumber: plan.docNumber,
    docNumberTruncated: false,
    txnDate: plan.txnDate,
    privateNote: plan.privateNote,
    customer: { displayName: plan.customerName },
    lines: plan.lines,
    discountTotal: 0,
    discountByTaxability: { taxable: 0, nonTaxable: 0 },
    taxTreatment: plan.taxTreatment,
    // The tax change is a line on the tax item, as in the summary it corrects.
    taxTotal: 0,
    taxLines: [],
    subtotal: plan.total,
    total: plan.total,
    channelTotal: plan.total,
    giftCardTotal: 0,
  };
}

/** Converts the correction of an order that shrank into a refund receipt plan. */
function toRefundPlan(plan: OrderEditPlan, current: OrderReady): RefundPlan {
  return {
    documentKind: 'refund_receipt',
    currency: plan.currency,
    channelRefundId: `edit:${current.order.updatedAt}`,
    channelOrderId: current.order.channelOrderId,
    docNumber: plan.docNumber || undefined,
    requestedDocNumber: plan.docNumber,
    txnDate: plan.txnDate,
    privateNote: plan.privateNote,
    customer: { displayName: plan.customerName },
    lines: plan.lines.map((line) =>
      line.kind === 'item' ? { ...line, restock: false } : line,
    ) as RefundPlan['lines'],
    taxTreatment: plan.taxTreatment,
    taxTotal: 0,
    taxLines: [],
    subtotal: plan.total,
    total: plan.total,
    channelTotal: plan.total,
  };
}

function batchKey(batch: SummaryBatchDocument) {
  return {
    accountId: batch.accountId,
    channel: batch.channel,
    channelOrderId: `summary:${batch.connectionId}:${batch.day}`,
    documentKind: 'summary_sales_receipt',
    sequence: String(batch.sequence),
  };
}
