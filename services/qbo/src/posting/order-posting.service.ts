import { Injectable } from '@nestjs/common';
import {
  AccountingError,
  buildSalesReceiptPlan,
  type PostingPlan,
  summaryPeriodOf,
} from '@qbsync/accounting';
import {
  decimalToMinor,
  minorToDecimal,
  minorUnitExponent,
  type OrderReady,
  type Payment,
  type QboPostingSettings,
} from '@qbsync/contracts';
import { AppLogger, type LogFields, SyncEventPublisher } from '@qbsync/platform';

import { QboApiClient } from '../api/qbo-api.client';
import { QboConnectionRepository } from '../connection/qbo-connection.repository';
import { QboTokenService } from '../connection/qbo-token.service';
import { CompanySettingsService } from '../matching/company-settings.service';
import { QboSession } from '../matching/qbo-session';
import { EffectiveSettingsService } from '../settings/effective-settings.service';
import { DocumentReferencesService } from './document-references.service';
import { DocumentWriter } from './document-writer';
import { OrderArchiveRepository } from './order-archive.repository';
import { describeFailure, isTransient } from './posting-failures';
import { type LedgerKey, PostingLedgerRepository } from './posting-ledger.repository';
import { PostingError, PostingErrorCode } from './posting.errors';
import { buildPaymentBody, buildSalesDocumentBody } from './qbo-document.body';
import { SummaryOrderRepository } from './summary/summary-order.repository';
import { type PerOrderMode, resolveTransactionMode, SALE_DOCUMENTS } from './transaction-mode';

/** A pending claim older than this belongs to a replica that stopped mid-post. */
const STALE_CLAIM_MILLISECONDS = 90_000;
/** QuickBooks Online's maximum PaymentRefNum length. */
const MAX_PAYMENT_REFERENCE_LENGTH = 21;
/** Tender kinds that moved money; authorisations have not, and failures never did. */
const PAID_KINDS = new Set<Payment['kind']>(['sale', 'capture', 'gift_card', 'other']);

export type PostingOutcome = 'done' | 'retry';

/** Subject of a sync event that is not the order itself, such as a refund of it. */
export interface EventSubject {
  entity: 'refund';
  entityId: string;
  channelTotal: number;
}

/** A document this service created, as QuickBooks returned it. */
export interface PostedDocument {
  id: string;
  docNumber?: string;
  /** TotalAmt as QuickBooks computed it, in minor units. */
  total: number;
  /** HomeTotalAmt for a document in another currency, in home-currency minor units. */
  homeTotal?: number;
  homeCurrency?: string;
  /** Things the user should know although the document posted. */
  warnings: string[];
}

/** The claim a ledger-guarded write runs under. */
export interface LedgerClaim {
  requestId: string;
  /** An earlier attempt may have reached QuickBooks, so the write looks for its document first. */
  mayHaveLanded: boolean;
  /** The posting ledger key, sent as the batch item's `bId`. */
  ledgerId: string;
}

/** The result of one ledger-guarded posting. */
export type LedgerRun =
  | { status: 'posted'; documentId: string; total: number }
  | { status: 'already_posted'; documentId?: string; total?: number }
  | { status: 'busy' }
  | { status: 'retry' }
  | { status: 'failed' };

/**
 * Posts one ready order to QuickBooks Online exactly once, as the document its transaction mode
 * names (sales receipt, invoice, invoice plus one payment per tender, estimate). Each document is
 * claimed in the posting ledger before it is written, and every outcome goes to the ledger and
 * the sync activity log.
 */
@Injectable()
export class OrderPostingService {
  private readonly logger: AppLogger;
  /** Orders being posted as a refund's original; see `postForRefund`. */
  private readonly postedForRefunds = new WeakSet<OrderReady>();

  constructor(
    private readonly ledger: PostingLedgerRepository,
    private readonly connections: QboConnectionRepository,
    private readonly tokens: QboTokenService,
    private readonly client: QboApiClient,
    private readonly settings: EffectiveSettingsService,
    private readonly archive: OrderArchiveRepository,
    private readonly summaries: SummaryOrderRepository,
    private readonly referencesService: DocumentReferencesService,
    private readonly company: CompanySettingsService,
    private readonly writer: DocumentWriter,
    private readonly syncEvents: SyncEventPublisher,
    logger: AppLogger,
  ) {
    this.logger = logger.child(OrderPostingService.name);
  }

  /** `lastAttempt`: no redelivery follows, so a transient failure is recorded as a failure. */
  /**
   * Posts an order that a refund needs as its original. The order's own message may be posting it
   * at the same moment, so finding it already posted is expected here and is not logged as a
   * skipped delivery.
   */
  async postForRefund(ready: OrderReady, lastAttempt: boolean): Promise<PostingOutcome> {
    this.postedForRefunds.add(ready);

    try {
      return await this.post(ready, lastAttempt);
    } finally {
      this.postedForRefunds.delete(ready);
    }
  }

  async post(ready: OrderReady, lastAttempt: boolean): Promise<PostingOutcome> {
    const settings = await this.settings.get(ready.order.accountId);

    await this.archive.save(ready);
    const decision = resolveTransactionMode(ready, settings);

    if (decision.kind === 'summary') {
      return this.queueForSummary(ready, settings);
    }

    if (decision.kind === 'skip') {
      await this.recordOutcome(ready, 'skipped', `Not posted: ${decision.reason}`, {
        eventSuffix: `skipped:${ready.order.updatedAt}`,
        documentKind: ready.documentKind,
      });

      return 'done';
    }

    const plan = await this.buildPlan(ready, settings, decision.mode);

    if (!plan) {
      return 'done';
    }

    const sale = await this.postSale(ready, plan, decision.mode, settings, lastAttempt);

    if (sale.status === 'busy' || sale.status === 'retry') {
      return 'retry';
    }

    if (decision.mode !== 'invoice_with_payment' || sale.status === 'failed' || !sale.documentId) {
      return 'done';
    }

    return this.postPayments(ready, plan, settings, sale.documentId, lastAttempt);
  }

  /** Returns whether the order's sale document is posted, and its id, from the ledger alone. */
  async findPostedSale(
    ready: OrderReady,
  ): Promise<{ documentKind: string; documentId?: string } | undefined> {
    for (const documentKind of ['sales_receipt', 'invoice', 'estimate']) {
      // An order posted only within a daily summary has no entry of its own here.
      const entry = await this.ledger.findByKey(this.saleKey(ready, documentKind));

      if (entry?.state === 'posted') {
        return { documentKind, documentId: entry.documentId };
      }
    }

    return undefined;
  }

  private async queueForSummary(
    ready: OrderReady,
    settings: QboPostingSettings,
  ): Promise<PostingOutcome> {
    const { order } = ready;
    const day = summaryPeriodOf(
      order.processedAt ?? order.createdAt,
      settings.timeZone,
      settings.summaryCutOff,
    );
    const queued = await this.summaries.enqueue(ready, day);
    const messages = {
      queued: `Queued for the summary sales receipt of ${day}; it posts after the ${settings.summaryCutOff} cut-off`,
      edited: `Edited after it was put in the summary sales receipt of ${day}; the difference posts as a correcting document once that summary posted`,
      already_summarized: `Already in the summary sales receipt of ${day}; this delivery changed nothing in QuickBooks`,
    };
    const message = messages[queued];

    const status = queued === 'already_summarized' ? 'skipped' : 'received';

    await this.recordOutcome(ready, status, message, {
      eventSuffix: `summary-queued:${order.updatedAt}`,
      documentKind: 'summary_sales_receipt',
    });

    return 'done';
  }

  /** Returns whether a payment of the order posted, so a refund has money to give back. */
  async hasPostedPayment(ready: OrderReady): Promise<boolean> {
    for (const [index, tender] of paidTenders(ready).entries()) {
      const sequence = tender.transactionId ?? `${tender.gateway}-${index + 1}`;
      const entry = await this.ledger.findByKey({ ...this.saleKey(ready, 'payment'), sequence });

      if (entry?.state === 'posted') {
        return true;
      }
    }

    return false;
  }

  private async buildPlan(
    ready: OrderReady,
    settings: QboPostingSettings,
    mode: PerOrderMode,
  ): Promise<PostingPlan | undefined> {
    try {
      return buildSalesReceiptPlan(ready.order, {
        docNumberPrefix: settings.docNumberPrefix,
        shippingItemName: ready.overrides?.shippingItem ?? settings.shippingItem,
        adjustmentItemName: settings.adjustmentItem,
        tipItemName: settings.tipItem,
        // Only a sales receipt records money received, so only it nets the fees. An invoice's
        // payment is the gross amount, so its fees are left to the payout.
        merchantFeeItemName:
          settings.postMerchantFees && mode === 'sales_receipt' ? settings.feeItem : undefined,
        discountPosting: settings.discountPosting,
        timeZone: settings.timeZone,
      });
    } catch (error) {
      if (!(error instanceof AccountingError)) {
        throw error;
      }

      await this.recordOutcome(ready, 'rejected', error.message, {
        eventSuffix: 'rejected',
        documentKind: ready.documentKind,
        fix: 'Check the order in the channel: its lines, discounts, shipping and tax must add up to its total. Correct it there and it re-syncs.',
      });

      return undefined;
    }
  }

  private saleKey(ready: OrderReady, documentKind: string): LedgerKey {
    return {
      accountId: ready.order.accountId,
      channel: ready.order.channel,
      channelOrderId: ready.order.channelOrderId,
      documentKind,
    };
  }

  private async postSale(
    ready: OrderReady,
    plan: PostingPlan,
    mode: PerOrderMode,
    settings: QboPostingSettings,
    lastAttempt: boolean,
  ): Promise<LedgerRun> {
    const document = SALE_DOCUMENTS[mode];
    const key = this.saleKey(ready, document.kind);

    return this.runOnce(
      ready,
      key,
      document.label,
      lastAttempt,
      async (session, claim) => {
        const warnings: string[] = [];
        const header = this.saleHeader(ready, plan, settings, warnings);
        const build = async (): Promise<Record<string, unknown>> => {
          const references = await this.referencesService.resolve(
            session,
            {
              order: ready.order,
              settings,
              overrides: ready.overrides,
              customer: plan.customer,
              currency: plan.currency,
              txnDate: header.txnDate,
              lines: plan.lines,
              needsGiftCardItem: document.entity === 'SalesReceipt' && plan.giftCardTotal > 0,
            },
            warnings,
          );

          if (document.entity === 'SalesReceipt') {
            references.depositAccountId = await this.company.findAccountId(
              session,
              depositAccountName(ready, settings),
            );
            references.paymentMethodId = await this.findPaymentMethodId(
              session,
              ready,
              settings,
              paidTenders(ready)[0]?.gateway,
            );
          }

          const arAccount = ready.overrides?.arAccount ?? settings.arAccount;

          if (document.entity === 'Invoice' && arAccount) {
            references.arAccountId = await this.company.findAccountId(session, arAccount);
          }

          return buildSalesDocumentBody(document.entity, plan, references, header);
        };
        const created = await this.writer.create(session, document.entity, build, claim.requestId, {
          mayHaveLanded: claim.mayHaveLanded,
          note: `${ready.order.channel} order ${ready.order.channelOrderId}`,
          docNumber: header.docNumber,
          txnDate: header.txnDate,
          batchItemId: claim.ledgerId,
        });

        const { homeCurrency } = await this.company.get(session);

        return {
          id: created.Id,
          docNumber: created.DocNumber,
          total: decimalToMinor(String(created.TotalAmt), plan.currency),
          homeTotal:
            created.HomeTotalAmt === undefined
              ? undefined
              : decimalToMinor(String(created.HomeTotalAmt), homeCurrency),
          homeCurrency,
          warnings,
        };
      },
      (posted) => this.describeSale(ready, plan, document.entity, posted),
    );
  }

  private saleHeader(
    ready: OrderReady,
    plan: PostingPlan,
    settings: QboPostingSettings,
    warnings: string[],
  ): { docNumber?: string; txnDate: string; privateNote: string; dueDate?: string } {
    let docNumber: string | undefined = plan.docNumber;

    if (settings.useNextQuickBooksNumber) {
      docNumber = undefined;
    } else if (plan.docNumberTruncated) {
      // A cut number could name another order's document, so QuickBooks numbers it instead.
      docNumber = undefined;
      warnings.push(
        `the order number ${settings.docNumberPrefix}${ready.order.orderNumber.replace(/^#/, '')} is longer than QuickBooks' 21 characters, so QuickBooks assigned its next number; the memo names the order`,
      );
    }

    const memo = ready.overrides?.memo;

    return {
      docNumber,
      txnDate: ready.overrides?.transactionDate ?? plan.txnDate,
      privateNote: memo ? `${plan.privateNote}; ${memo}`.slice(0, 4000) : plan.privateNote,
      dueDate: ready.overrides?.dueDate,
    };
  }

  private describeSale(
    ready: OrderReady,
    plan: PostingPlan,
    entity: string,
    posted: PostedDocument,
  ): { message: string; matches: boolean } {
    const label = entity === 'SalesReceipt' ? 'sales receipt' : entity.toLowerCase();
    // A sales receipt posts a gift-card redemption as a negative line, so its total is what the
    // buyer paid by other means. An invoice or estimate carries the whole order.
    const expectedTotal =
      entity === 'SalesReceipt'
        ? plan.channelTotal - plan.giftCardTotal - (plan.feeTotal ?? 0)
        : plan.channelTotal;
    const matches = posted.total === expectedTotal;
    const notes = [...posted.warnings];

    if (plan.adjustment) {
      notes.push(
        `a rounding difference of ${minorToDecimal(plan.adjustment.amount, plan.currency)} was posted to an adjustment line`,
      );
    }

    if (plan.feeTotal) {
      notes.push(
        `merchant fees of ${minorToDecimal(plan.feeTotal, plan.currency)} were posted as a negative line`,
      );
    }

    if (!matches) {
      notes.push(
        `QuickBooks computed ${minorToDecimal(posted.total, plan.currency)} but the order calls for ${minorToDecimal(expectedTotal, plan.currency)}`,
      );
    }

    if (posted.homeTotal !== undefined && posted.homeCurrency && ready.order.exchangeRate) {
      const expectedHome = expectedHomeTotal(
        posted.total,
        plan.currency,
        ready.order.exchangeRate,
        posted.homeCurrency,
      );

      // One home minor unit of difference is QuickBooks rounding the product its own way.
      if (Math.abs(expectedHome - posted.homeTotal) > 1) {
        notes.push(
          `the home-currency total ${minorToDecimal(posted.homeTotal, posted.homeCurrency)} is not the total at the channel's rate ${ready.order.exchangeRate} (${minorToDecimal(expectedHome, posted.homeCurrency)})`,
        );
      }
    }

    return {
      message: `Posted as ${label} ${posted.docNumber ?? posted.id}${notes.length ? `; ${notes.join('; ')}` : ''}`,
      matches,
    };
  }

  /**
   * Posts one Payment per tender against the invoice, each under its own ledger key (the
   * transaction id), so two tenders of equal date and amount both post and a redelivery posts
   * neither twice. Tenders beyond the invoice's total stay unposted.
   */
  private async postPayments(
    ready: OrderReady,
    plan: PostingPlan,
    settings: QboPostingSettings,
    invoiceId: string,
    lastAttempt: boolean,
  ): Promise<PostingOutcome> {
    const tenders = ready.order.payments.filter(
      (payment) =>
        payment.status === 'success' && PAID_KINDS.has(payment.kind) && payment.amount > 0,
    );
    let remaining = plan.channelTotal;
    let outcome: PostingOutcome = 'done';

    for (const [index, tender] of tenders.entries()) {
      const applied = Math.min(tender.amount, remaining);

      if (applied <= 0) {
        break;
      }

      remaining -= applied;
      const sequence = tender.transactionId ?? `${tender.gateway}-${index + 1}`;
      const key: LedgerKey = { ...this.saleKey(ready, 'payment'), sequence };
      const run = await this.runOnce(
        ready,
        key,
        'payment',
        lastAttempt,
        (session, claim) =>
          this.writePayment(
            session,
            claim,
            ready,
            plan,
            settings,
            invoiceId,
            tender,
            applied,
            sequence,
          ),
        (posted) => ({
          message: `Posted payment ${posted.id} of ${minorToDecimal(posted.total, plan.currency)} (${tender.gateway} ${sequence}) against invoice ${invoiceId}`,
          matches: true,
        }),
      );

      if (run.status === 'busy' || run.status === 'retry') {
        outcome = 'retry';
      }
    }

    return outcome;
  }

  private async writePayment(
    session: QboSession,
    claim: LedgerClaim,
    ready: OrderReady,
    plan: PostingPlan,
    settings: QboPostingSettings,
    invoiceId: string,
    tender: Payment,
    applied: number,
    sequence: string,
  ): Promise<PostedDocument> {
    const company = await this.company.get(session);
    const foreign = plan.currency !== company.homeCurrency;
    const note = `${ready.order.channel} order ${ready.order.channelOrderId} payment ${sequence}`;
    const orderNumber = ready.order.orderNumber.replace(/^#/, '');
    const reference =
      tender.transactionId && tender.transactionId.length <= MAX_PAYMENT_REFERENCE_LENGTH
        ? tender.transactionId
        : orderNumber.slice(0, MAX_PAYMENT_REFERENCE_LENGTH);
    const txnDate = (tender.processedAt ?? ready.order.processedAt ?? ready.order.createdAt).slice(
      0,
      10,
    );
    const build = async (): Promise<Record<string, unknown>> => {
      const customerId = await this.referencesService.resolveCustomer(session, {
        order: ready.order,
        settings,
        overrides: ready.overrides,
        customer: plan.customer,
        currency: plan.currency,
        txnDate,
        lines: [],
      });

      return buildPaymentBody(
        { amount: applied, currency: plan.currency, txnDate, reference, privateNote: note },
        invoiceId,
        applied,
        {
          customerId,
          depositAccountId: await this.company.findAccountId(
            session,
            depositAccountName(ready, settings, tender.gateway, tender.kind),
          ),
          paymentMethodId: await this.findPaymentMethodId(session, ready, settings, tender.gateway),
          currency: foreign ? plan.currency : undefined,
          exchangeRate: ready.order.exchangeRate,
        },
      );
    };
    const created = await this.writer.create(session, 'Payment', build, claim.requestId, {
      mayHaveLanded: claim.mayHaveLanded,
      note,
      txnDate,
      batchItemId: claim.ledgerId,
    });

    return {
      id: created.Id,
      total: decimalToMinor(String(created.TotalAmt), plan.currency),
      warnings: [],
    };
  }

  /**
   * Claims `key` in the ledger, runs `write` once, and records the outcome in the ledger and the
   * sync activity log. Shared by sales documents, payments and refunds.
   */
  async runOnce(
    ready: OrderReady,
    key: LedgerKey,
    label: string,
    lastAttempt: boolean,
    write: (session: QboSession, claim: LedgerClaim) => Promise<PostedDocument>,
    describe: (posted: PostedDocument) => { message: string; matches: boolean },
    about?: EventSubject,
  ): Promise<LedgerRun> {
    const claim = await this.ledger.claim(
      key,
      this.client.newRequestId(),
      STALE_CLAIM_MILLISECONDS,
    );
    const suffix = key.sequence === undefined ? '' : `:${key.sequence}`;

    if (claim.outcome === 'already_posted') {
      if (!this.postedForRefunds.has(ready)) {
        await this.recordOutcome(
          ready,
          'skipped',
          `Already posted as ${label} id ${claim.entry.documentId ?? 'unknown'}; this delivery changed nothing in QuickBooks`,
          {
            eventSuffix: `skipped${suffix}:${ready.order.updatedAt}`,
            documentKind: key.documentKind,
            documentId: claim.entry.documentId,
            ...about,
          },
        );
      }

      return {
        status: 'already_posted',
        documentId: claim.entry.documentId,
        total: claim.entry.documentTotal,
      };
    }

    if (claim.outcome === 'busy') {
      return { status: 'busy' };
    }

    const attempt = claim.entry.attempts;

    try {
      const session = await this.openSession(ready.order.accountId);
      const posted = await write(session, {
        requestId: claim.entry.requestId,
        mayHaveLanded: claim.mayHaveLanded,
        ledgerId: claim.entry._id,
      });

      await this.ledger.markPosted(
        key,
        {
          realmId: session.realmId,
          documentId: posted.id,
          docNumber: posted.docNumber,
          documentTotal: posted.total,
        },
        attempt,
      );
      const { message, matches } = describe(posted);

      await this.recordOutcome(ready, 'posted', message, {
        eventSuffix: `posted${suffix}:${attempt}`,
        documentKind: key.documentKind,
        documentId: posted.id,
        documentNumber: posted.docNumber,
        documentTotal: posted.total,
        realmId: session.realmId,
        ...about,
      });

      if (!matches) {
        this.logger.warn('Posted document total differs from the channel total', {
          ...this.fields(ready),
          documentId: posted.id,
        });
      }

      return { status: 'posted', documentId: posted.id, total: posted.total };
    } catch (error) {
      if (isTransient(error) && !lastAttempt) {
        await this.ledger.release(key, (error as Error).message);
        this.logger.warn('QuickBooks did not complete the posting; it will be retried', {
          ...this.fields(ready),
          documentKind: key.documentKind,
          reason: (error as Error).message,
        });

        return { status: 'retry' };
      }

      const { message, fix } = describeFailure(error, ready.order.orderNumber);

      await this.ledger.markFailed(key, message, attempt);
      await this.recordOutcome(ready, 'failed', message, {
        eventSuffix: `failed${suffix}:${attempt}`,
        documentKind: key.documentKind,
        fix,
        ...about,
      });

      return { status: 'failed' };
    }
  }

  /** Returns the payment method a rule or the gateway table names, or none when unmapped. */
  private async findPaymentMethodId(
    session: QboSession,
    ready: OrderReady,
    settings: QboPostingSettings,
    gateway: string | undefined,
  ): Promise<string | undefined> {
    const row = settings.paymentMethods.find(
      (entry) => entry.gateway.toLowerCase() === gateway?.toLowerCase(),
    );
    const name = ready.overrides?.paymentMethod ?? row?.paymentMethod;

    return name ? this.company.findListEntryId(session, 'payment_method', name) : undefined;
  }

  private async openSession(accountId: string): Promise<QboSession> {
    const connection = await this.connections.findByAccountId(accountId);

    if (!connection) {
      throw new PostingError(
        'The account has no QuickBooks Online company connected',
        'Connect a QuickBooks Online company to the account, then re-sync the order',
        PostingErrorCode.NotConnected,
      );
    }

    const fresh = await this.tokens.getFreshConnection(connection);

    return new QboSession(fresh, this.client, this.tokens);
  }

  async recordOutcome(
    ready: OrderReady,
    status: 'received' | 'posted' | 'skipped' | 'failed' | 'rejected',
    message: string,
    extra: {
      eventSuffix: string;
      documentKind: string;
      fix?: string;
      documentId?: string;
      documentNumber?: string;
      documentTotal?: number;
      realmId?: string;
      entity?: EventSubject['entity'];
      entityId?: string;
      channelTotal?: number;
    },
  ): Promise<void> {
    const { order } = ready;
    const { eventSuffix, ...fields } = extra;

    await this.syncEvents.publish({
      eventId: `${order.accountId}:${order.channel}:${order.channelOrderId}:${extra.documentKind}:${eventSuffix}`,
      accountId: order.accountId,
      connectionId: order.connectionId,
      channel: order.channel,
      channelOrderId: order.channelOrderId,
      orderNumber: order.orderNumber,
      stage: 'qbo',
      status,
      message,
      currency: order.currency,
      channelTotal: order.totals.total,
      ruleSetVersion: ready.ruleSetVersion,
      appliedRules: ready.appliedRules,
      ...fields,
    });
  }

  private fields(ready: OrderReady): LogFields {
    return {
      accountId: ready.order.accountId,
      channel: ready.order.channel,
      orderId: ready.order.channelOrderId,
    };
  }
}

/** Returns the order's tenders that moved money, in the channel's order. */
function paidTenders(ready: OrderReady): Payment[] {
  return ready.order.payments.filter(
    (payment) => payment.status === 'success' && PAID_KINDS.has(payment.kind) && payment.amount > 0,
  );
}

/**
 * Returns the deposit account: a rule's choice, else the first per-method row whose payment
 * method the tender's gateway contains (case-insensitive), else the connection's default.
 */
export function depositAccountName(
  ready: OrderReady,
  settings: QboPostingSettings,
  gateway?: string,
  kind?: Payment['kind'],
): string {
  if (ready.overrides?.depositAccount) {
    return ready.overrides.depositAccount;
  }

  const tender =
    gateway ?? ready.order.payments.find((payment) => payment.status === 'success')?.gateway ?? '';
  const method = `${tender} ${kind === 'gift_card' ? 'gift_card' : ''}`.toLowerCase();
  const row = settings.depositAccounts.find((entry) =>
    method.includes(entry.paymentMethod.toLowerCase()),
  );

  return row?.account ?? settings.defaultDepositAccount;
}

/** Converts `total` minor units of `currency` at `rate` home units per unit into home minor units. */
function expectedHomeTotal(
  total: number,
  currency: string,
  rate: string,
  homeCurrency: string,
): number {
  const home = Number(minorToDecimal(total, currency)) * Number(rate);

  return Math.round(home * 10 ** minorUnitExponent(homeCurrency));
}
