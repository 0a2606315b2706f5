import { Injectable } from '@nestjs/common';
import { AccountingError, buildRefundPlan, type RefundPlan } from '@qbsync/accounting';
import {
  decimalToMinor,
  minorToDecimal,
  type OrderReady,
  type QboPostingSettings,
  type RefundReady,
} from '@qbsync/contracts';
import { AppLogger, SyncEventPublisher } from '@qbsync/platform';

import { CompanySettingsService } from '../matching/company-settings.service';
import { type QboSession } from '../matching/qbo-session';
import { DocumentReferencesService } from '../posting/document-references.service';
import { DocumentWriter } from '../posting/document-writer';
import { OrderArchiveRepository } from '../posting/order-archive.repository';
import {
  type EventSubject,
  OrderPostingService,
  type PostedDocument,
  type PostingOutcome,
} from '../posting/order-posting.service';
import { type LedgerKey } from '../posting/posting-ledger.repository';
import { heldForPayout, resolveTransactionMode } from '../posting/transaction-mode';
import { buildRefundDocumentBody, type RefundDocumentEntity } from '../posting/qbo-document.body';
import { EffectiveSettingsService } from '../settings/effective-settings.service';
import { RefundSequenceRepository } from './refund-sequence.repository';

const REFUND_ENTITIES: Record<RefundPlan['documentKind'], RefundDocumentEntity> = {
  refund_receipt: 'RefundReceipt',
  credit_memo: 'CreditMemo',
};

/**
 * Posts a channel refund to QuickBooks Online exactly once, as a refund receipt or a credit memo
 * linked to the original sale through the posting ledger (keyed on the channel refund id). The
 * original order posts first when it has not yet; repeat refunds of one order are numbered
 * `100`, `100-1`, `100-2`.
 */
@Injectable()
export class RefundPostingService {
  private readonly logger: AppLogger;

  constructor(
    private readonly orders: OrderPostingService,
    private readonly archive: OrderArchiveRepository,
    private readonly settings: EffectiveSettingsService,
    private readonly sequences: RefundSequenceRepository,
    private readonly referencesService: DocumentReferencesService,
    private readonly company: CompanySettingsService,
    private readonly writer: DocumentWriter,
    private readonly syncEvents: SyncEventPublisher,
    logger: AppLogger,
  ) {
    this.logger = logger.child(RefundPostingService.name);
  }

  /** `lastAttempt`: no redelivery follows, so waiting for the original order becomes a failure. */
  async post(ready: RefundReady, lastAttempt: boolean): Promise<PostingOutcome> {
    const { refund } = ready;
    const settings = await this.settings.get(refund.accountId);

    if (refund.status !== 'completed') {
      await this.record(
        ready,
        'skipped',
        `Refund ${refund.channelRefundId} is ${refund.status} on the channel, so it waits; it posts once the channel completes it`,
        {
          eventSuffix: `skipped:${refund.status}`,
        },
      );

      return 'done';
    }

    if (settings.refundMode === 'none') {
      await this.record(
        ready,
        'skipped',
        `Refund ${refund.channelRefundId} was not posted: refunds are turned off in the QuickBooks Online settings`,
        {
          eventSuffix: 'skipped:off',
        },
      );

      return 'done';
    }

    const original = await this.archive.find(
      refund.accountId,
      refund.channel,
      refund.channelOrderId,
    );

    if (!original) {
      return this.waitForOriginal(ready, lastAttempt);
    }

    if (heldForPayout(original, settings)) {
      // The payout's sales receipt carries the refund as a negative line, so a document of its
      // own would count the money twice.
      await this.record(
        ready,
        'skipped',
        `Refund ${refund.channelRefundId} was not posted on its own: its order ${refund.orderNumber} uses Summary Payout, so the refund is a negative line of the payout's sales receipt`,
        { eventSuffix: 'skipped:summary-payout' },
      );

      return 'done';
    }

    let sale = await this.orders.findPostedSale(original);

    if (!sale && resolveTransactionMode(original, settings).kind === 'summary') {
      // A summarized order has no document of its own: its refund posts on its own, as money
      // received through a sales receipt.
      // NOTE: the refund may post before the day's summary does.
      sale = { documentKind: 'sales_receipt' };
    }

    if (!sale) {
      // An unposted original posts first, so the credit has a sale to offset.
      const outcome = await this.orders.postForRefund(original, lastAttempt);

      if (outcome === 'retry') {
        return 'retry';
      }

      sale = await this.orders.findPostedSale(original);
    }

    if (!sale) {
      await this.record(
        ready,
        'failed',
        `Refund ${refund.channelRefundId} was not posted: its order ${refund.orderNumber} did not post to QuickBooks`,
        {
          eventSuffix: 'failed:original',
          fix: 'Fix and re-sync the order first (see its entry in the sync log); the refund posts after it',
        },
      );

      return 'done';
    }

    // An unpaid invoice is offset by a credit memo, which lowers what is due. Money that was
    // received (a sales receipt, a paid invoice) goes back as the refund mode sets.
    const unpaidInvoice =
      sale.documentKind !== 'sales_receipt' && !(await this.orders.hasPostedPayment(original));
    const documentKind = unpaidInvoice ? 'credit_memo' : settings.refundMode;
    const sequence = await this.sequences.assign(refund, refund.channelRefundId);
    const plan = await this.buildPlan(ready, original, settings, documentKind, sequence);

    if (!plan) {
      return 'done';
    }

    return this.postPlan(ready, original, plan, settings, lastAttempt);
  }

  private async postPlan(
    ready: RefundReady,
    original: OrderReady,
    plan: RefundPlan,
    settings: QboPostingSettings,
    lastAttempt: boolean,
  ): Promise<PostingOutcome> {
    const { refund } = ready;
    const entity = REFUND_ENTITIES[plan.documentKind];
    const key: LedgerKey = {
      accountId: refund.accountId,
      channel: refund.channel,
      channelOrderId: refund.channelOrderId,
      documentKind: 'refund',
      sequence: refund.channelRefundId,
    };
    const about: EventSubject = {
      entity: 'refund',
      entityId: refund.channelRefundId,
      channelTotal: refund.totals.total,
    };
    const label = entity === 'RefundReceipt' ? 'refund receipt' : 'credit memo';
    const run = await this.orders.runOnce(
      original,
      key,
      label,
      lastAttempt,
      (session, claim) => this.write(session, claim, ready, original, plan, settings, entity),
      (posted) => this.describe(plan, label, posted),
      about,
    );

    return run.status === 'busy' || run.status === 'retry' ? 'retry' : 'done';
  }

  private async write(
    session: QboSession,
    claim: { requestId: string; mayHaveLanded: boolean },
    ready: RefundReady,
    original: OrderReady,
    plan: RefundPlan,
    settings: QboPostingSettings,
    entity: RefundDocumentEntity,
  ): Promise<PostedDocument> {
    const warnings: string[] = [];
    const docNumber = settings.useNextQuickBooksNumber ? undefined : plan.docNumber;

    if (plan.docNumber === undefined && !settings.useNextQuickBooksNumber) {
      warnings.push(
        `the refund number ${plan.requestedDocNumber} is longer than QuickBooks' 21 characters, so QuickBooks assigned its next number; the memo names the refund`,
      );
    }

    const header = { docNumber, txnDate: plan.txnDate, privateNote: plan.privateNote };
    const build = async (): Promise<Record<string, unknown>> => {
      const references = await this.referencesService.resolve(
        session,
        {
          order: original.order,
          settings,
          overrides: { ...ready.overrides, lines: ready.overrides?.lines ?? [] },
          customer: plan.customer!,
          currency: plan.currency,
          txnDate: plan.txnDate,
          lines: plan.lines,
        },
        warnings,
      );

      if (entity === 'RefundReceipt') {
        references.depositAccountId = await this.company.findAccountId(
          session,
          ready.overrides?.depositAccount ?? settings.refundDepositAccount,
        );
      }

      const arAccount = ready.overrides?.arAccount ?? settings.arAccount;

      if (entity === 'CreditMemo' && arAccount) {
        references.arAccountId = await this.company.findAccountId(session, arAccount);
      }

      return buildRefundDocumentBody(entity, plan, references, header);
    };
    const created = await this.writer.create(session, entity, build, claim.requestId, {
      mayHaveLanded: claim.mayHaveLanded,
      note: `${ready.refund.channel} refund ${ready.refund.channelRefundId} `,
      docNumber,
      txnDate: plan.txnDate,
    });

    return {
      id: created.Id,
      docNumber: created.DocNumber,
      total: decimalToMinor(String(created.TotalAmt), plan.currency),
      warnings,
    };
  }

  private describe(
    plan: RefundPlan,
    label: string,
    posted: PostedDocument,
  ): { message: string; matches: boolean } {
    const matches = posted.total === plan.channelTotal;
    const notes = [...posted.warnings];

    if (plan.adjustment) {
      notes.push(
        `a rounding difference of ${minorToDecimal(plan.adjustment.amount, plan.currency)} was posted to an adjustment line`,
      );
    }

    if (!matches) {
      notes.push(
        `QuickBooks computed ${minorToDecimal(posted.total, plan.currency)} but the refund calls for ${minorToDecimal(plan.channelTotal, plan.currency)}`,
      );
    }

    return {
      message: `Posted refund ${plan.channelRefundId} as ${label} ${posted.docNumber ?? posted.id}${notes.length ? `; ${notes.join('; ')}` : ''}`,
      matches,
    };
  }

  private async buildPlan(
    ready: RefundReady,
    original: OrderReady,
    settings: QboPostingSettings,
    documentKind: RefundPlan['documentKind'],
    sequence: number,
  ): Promise<RefundPlan | undefined> {
    try {
      return buildRefundPlan(ready.refund, original.order, {
        documentKind,
        sequence,
        docNumberPrefix: settings.docNumberPrefix,
        shippingItemName: ready.overrides?.shippingItem ?? settings.shippingItem,
        timeZone: settings.timeZone,
      });
    } catch (error) {
      if (!(error instanceof AccountingError)) {
        throw error;
      }

      await this.record(ready, 'rejected', error.message, {
        eventSuffix: 'rejected',
        fix: 'Check the refund in the channel: its lines, shipping, adjustments and tax must add up to the amount refunded',
      });

      return undefined;
    }
  }

  private async waitForOriginal(ready: RefundReady, lastAttempt: boolean): Promise<PostingOutcome> {
    const { refund } = ready;

    if (!lastAttempt) {
      this.logger.info('Refund waits for its order to arrive', {
        accountId: refund.accountId,
        channel: refund.channel,
        orderId: refund.channelOrderId,
        refundId: refund.channelRefundId,
      });

      return 'retry';
    }

    await this.record(
      ready,
      'failed',
      `Refund ${refund.channelRefundId} was not posted: its order ${refund.orderNumber} never reached the QuickBooks Online service`,
      {
        eventSuffix: 'failed:no-original',
        fix: 'Re-sync the order from the channel, then re-sync the refund',
      },
    );

    return 'done';
  }

  private async record(
    ready: RefundReady,
    status: 'skipped' | 'failed' | 'rejected',
    message: string,
    extra: { eventSuffix: string; fix?: string },
  ): Promise<void> {
    const { refund } = ready;

    await this.syncEvents.publish({
      eventId: `${refund.accountId}:${refund.channel}:${refund.channelOrderId}:refund:${refund.channelRefundId}:${extra.eventSuffix}`,
      accountId: refund.accountId,
      connectionId: refund.connectionId,
      channel: refund.channel,
      channelOrderId: refund.channelOrderId,
      orderNumber: refund.orderNumber,
      entity: 'refund',
      entityId: refund.channelRefundId,
      documentKind: 'refund',
      stage: 'qbo',
      status,
      message,
      currency: refund.currency,
      channelTotal: refund.totals.total,
      ruleSetVersion: ready.ruleSetVersion,
      appliedRules: ready.appliedRules,
      ...(extra.fix ? { fix: extra.fix } : {}),
    });
  }
}
