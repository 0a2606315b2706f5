import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AccountingError, buildSummaryPlan, type PostingPlan } from '@qbsync/accounting';
import { decimalToMinor, type OrderReady, type QboPostingSettings } from '@qbsync/contracts';
import { AppLogger } from '@qbsync/platform';

import { CompanySettingsService } from '../../matching/company-settings.service';
import { EffectiveSettingsService } from '../../settings/effective-settings.service';
import { DocumentReferencesService } from '../document-references.service';
import { DocumentWriter } from '../document-writer';
import { depositAccountName, OrderPostingService } from '../order-posting.service';
import { PostingLedgerRepository } from '../posting-ledger.repository';
import { buildSalesDocumentBody } from '../qbo-document.body';
import { isSummaryDayClosed } from './summary-day';
import { type SummaryBatchDocument, SummaryOrderRepository } from './summary-order.repository';

/** How often queued summary orders are checked against their day's cut-off. */
const SUMMARY_INTERVAL_MILLISECONDS = 60_000;
/** Summaries older than this are no longer retried by the job; a re-sync posts them. */
const RETRY_WINDOW_MILLISECONDS = 7 * 24 * 60 * 60_000;

/**
 * Posts daily summary sales receipts: once a store's day has passed its cut-off, its queued
 * orders become one sales receipt (`S-YYYYMMDD`), and orders that arrive after that summary
 * posted go to a supplementary one (`S-YYYYMMDD-1`, `-2`...). Each summary is claimed in the
 * posting ledger like any document, so re-runs never post it twice.
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

  /** Posts every summary whose day closed by `now`, and retries recent unposted ones. */
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

      if (!isSummaryDayClosed(group.day, now, settings.timeZone, settings.summaryCutOff)) {
        continue;
      }

      const batch = await this.summaries.createBatch(group);

      if (batch) {
        await this.postBatch(batch);
      }
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
        matches: posted.total === plan.channelTotal - plan.giftCardTotal,
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

function batchKey(batch: SummaryBatchDocument) {
  return {
    accountId: batch.accountId,
    channel: batch.channel,
    channelOrderId: `summary:${batch.connectionId}:${batch.day}`,
    documentKind: 'summary_sales_receipt',
    sequence: String(batch.sequence),
  };
}
