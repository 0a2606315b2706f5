import { Injectable, Optional } from '@nestjs/common';
import { AccountingError, buildPayoutPlan, type PayoutPlan } from '@qbsync/accounting';
import {
  decimalToMinor,
  minorToDecimal,
  type Order,
  type Payout,
  type PayoutReady,
  type QboPostingSettings,
  type SyncEvent,
} from '@qbsync/contracts';
import { AppLogger, SyncEventPublisher } from '@qbsync/platform';

import { QboApiClient } from '../api/qbo-api.client';
import { QboConnectionRepository } from '../connection/qbo-connection.repository';
import { QboTokenService } from '../connection/qbo-token.service';
import { CompanySettingsService } from '../matching/company-settings.service';
import { type QboSession } from '../matching/qbo-session';
import { DocumentReferencesService } from '../posting/document-references.service';
import { DocumentWriter } from '../posting/document-writer';
import { OrderArchiveRepository } from '../posting/order-archive.repository';
import { describeFailure, isTransient } from '../posting/posting-failures';
import { type LedgerKey, PostingLedgerRepository } from '../posting/posting-ledger.repository';
import { buildSalesDocumentBody } from '../posting/qbo-document.body';
import { EffectiveSettingsService } from '../settings/effective-settings.service';
import { DepositPostingService } from './deposit-posting.service';
import { payoutAsOrder } from './payout-order';
import {
  openPayoutSession,
  type PayoutSyncFields,
  publishPayoutEvent,
  STALE_CLAIM_MILLISECONDS,
} from './payout-session';

/** The posting ledger's document kind of a payout's sales receipt. */
export const PAYOUT_DOCUMENT_KIND = 'payout_sales_receipt';

export type PayoutOutcome = 'done' | 'retry';

/**
 * Posts a processor payout under transaction mode Summary Payout as one sales receipt whose total
 * is the payout's amount, so it matches the bank feed line by line. The receipt carries the lines
 * of the payout's orders (received earlier and held, see `resolveTransactionMode`), each charge
 * whose order never arrived as one line, refunds as negative lines, one negative fee line and one
 * line per reserve or adjustment type. Each payout id is claimed in the posting ledger, so a
 * redelivery or a second replica posts nothing, and a retry after an unanswered write first looks
 * for the receipt in QuickBooks.
 */
@Injectable()
export class PayoutPostingService {
  private readonly logger: AppLogger;

  constructor(
    private readonly ledger: PostingLedgerRepository,
    private readonly archive: OrderArchiveRepository,
    private readonly settings: EffectiveSettingsService,
    private readonly connections: QboConnectionRepository,
    private readonly tokens: QboTokenService,
    private readonly client: QboApiClient,
    private readonly referencesService: DocumentReferencesService,
    private readonly company: CompanySettingsService,
    private readonly writer: DocumentWriter,
    private readonly syncEvents: SyncEventPublisher,
    logger: AppLogger,
    /** Absent where a test builds this service for Summary Payout alone. */
    @Optional() private readonly deposits?: DepositPostingService,
  ) {
    this.logger = logger.child(PayoutPostingService.name);
  }

  /**
   * Posts the payout's sales receipt, or records why it does not post. `lastAttempt` means no
   * redelivery follows, so a transient failure is recorded as a failure.
   */
  async post(ready: PayoutReady, lastAttempt: boolean): Promise<PayoutOutcome> {
    const { payout } = ready;
    const settings = await this.settings.get(payout.accountId);

    if (settings.depositMatch.enabled && settings.transactionMode !== 'summary_payout') {
      if (!this.deposits) {
        throw new Error('Deposit match is on but DepositPostingService is not provided');
      }

      return this.deposits.post(ready, settings, lastAttempt);
    }

    if (settings.transactionMode !== 'summary_payout') {
      await this.record(payout, 'skipped', `skipped:${settings.transactionMode}`, {
        message: `Not posted: the transaction mode is ${settings.transactionMode}, and only Summary Payout posts a payout as a sales receipt`,
      });

      return 'done';
    }

    if (payout.status !== 'paid') {
      await this.record(payout, 'skipped', `waiting:${payout.status}`, {
        message: `Not posted yet: the payout is ${payout.status}; it posts once the processor reports it paid`,
      });

      return 'done';
    }

    const orders = await this.findOrders(payout);
    const planned = await this.buildPlan(payout, orders, settings);

    return planned ? this.postReceipt(payout, planned, settings, lastAttempt) : 'done';
  }

  private async findOrders(payout: Payout): Promise<Map<string, Order>> {
    const orders = new Map<string, Order>();

    for (const transaction of payout.transactions) {
      const id = transaction.channelOrderId;

      if (transaction.type !== 'charge' || !id || orders.has(id)) {
        continue;
      }

      const ready = await this.archive.find(payout.accountId, payout.channel, id);

      if (ready) {
        orders.set(id, ready.order);
      }
    }

    return orders;
  }

  private async buildPlan(
    payout: Payout,
    orders: Map<string, Order>,
    settings: QboPostingSettings,
  ): Promise<PayoutPlan | undefined> {
    try {
      return buildPayoutPlan(payout, orders, {
        customerName: settings.customerMatching.singleCustomerName,
        docNumberPrefix: settings.docNumberPrefix,
        feeItemName: settings.feeItem,
        salesItemName: settings.payouts.salesItem,
        refundItemName: settings.payouts.refundItem,
        adjustmentItemName: settings.payouts.adjustmentItem,
        shippingItemName: settings.shippingItem,
        roundingItemName: settings.adjustmentItem,
        tipItemName: settings.tipItem,
      });
    } catch (error) {
      if (!(error instanceof AccountingError)) {
        throw error;
      }

      this.logger.warn('A payout cannot be posted as a sales receipt', {
        accountId: payout.accountId,
        payoutId: payout.payoutId,
        reason: error.message,
      });
      await this.record(payout, 'rejected', `rejected:${payout.source.receivedAt}`, {
        message: error.message,
        fix: "Compare the payout with the processor's payout report. Once the processor reports the complete payout it is sent again and posts.",
      });

      return undefined;
    }
  }

  private async postReceipt(
    payout: Payout,
    planned: PayoutPlan,
    settings: QboPostingSettings,
    lastAttempt: boolean,
  ): Promise<PayoutOutcome> {
    const key = payoutKey(payout);
    const claim = await this.ledger.claim(
      key,
      this.client.newRequestId(),
      STALE_CLAIM_MILLISECONDS,
    );

    if (claim.outcome === 'already_posted') {
      await this.record(payout, 'skipped', `skipped:${payout.source.receivedAt}`, {
        message: `Already posted as sales receipt id ${claim.entry.documentId ?? 'unknown'}; this delivery changed nothing in QuickBooks`,
        documentId: claim.entry.documentId,
      });

      return 'done';
    }

    if (claim.outcome === 'busy') {
      return 'retry';
    }

    const attempt = claim.entry.attempts;

    try {
      const session = await openPayoutSession(
        this.connections,
        this.tokens,
        this.client,
        payout.accountId,
      );
      const created = await this.writeReceipt(session, payout, planned, settings, {
        requestId: claim.entry.requestId,
        mayHaveLanded: claim.mayHaveLanded,
      });
      const total = decimalToMinor(String(created.TotalAmt), payout.currency);

      await this.ledger.markPosted(
        key,
        {
          realmId: session.realmId,
          documentId: created.Id,
          docNumber: created.DocNumber,
          documentTotal: total,
        },
        attempt,
      );
      await this.recordPosted(payout, planned, session.realmId, created, total);

      return 'done';
    } catch (error) {
      if (isTransient(error) && !lastAttempt) {
        await this.ledger.release(key, (error as Error).message);
        this.logger.warn('QuickBooks did not complete the payout posting; it will be retried', {
          accountId: payout.accountId,
          payoutId: payout.payoutId,
          reason: (error as Error).message,
        });

        return 'retry';
      }

      const { message, fix } = describeFailure(error, `payout ${payout.payoutId}`);

      await this.ledger.markFailed(key, message, attempt);
      await this.record(payout, 'failed', `failed:${attempt}`, { message, fix });

      return 'done';
    }
  }

  private async writeReceipt(
    session: QboSession,
    payout: Payout,
    planned: PayoutPlan,
    settings: QboPostingSettings,
    claim: { requestId: string; mayHaveLanded: boolean },
  ) {
    const { plan } = planned;
    const order = payoutAsOrder(payout);
    const header = {
      docNumber: settings.useNextQuickBooksNumber ? undefined : plan.docNumber,
      txnDate: plan.txnDate,
      privateNote: plan.privateNote,
    };
    const build = async (): Promise<Record<string, unknown>> => {
      const references = await this.referencesService.resolve(
        session,
        {
          order,
          // Like a daily summary, a payout posts its tax as one line: its orders mix jurisdictions.
          settings: { ...settings, tax: { ...settings.tax, mode: 'line_item' } },
          overrides: { customerName: plan.customer.displayName, lines: [] },
          customer: plan.customer,
          currency: plan.currency,
          txnDate: plan.txnDate,
          lines: plan.lines,
          needsGiftCardItem: plan.giftCardTotal > 0,
        },
        [],
      );

      references.billAddress = undefined;
      references.shipAddress = undefined;
      references.depositAccountId = await this.company.findAccountId(
        session,
        settings.defaultDepositAccount,
      );

      return buildSalesDocumentBody('SalesReceipt', plan, references, header);
    };

    return this.writer.create(session, 'SalesReceipt', build, claim.requestId, {
      mayHaveLanded: claim.mayHaveLanded,
      note: `${payout.channel} payout ${payout.payoutId} of`,
      docNumber: header.docNumber,
      txnDate: plan.txnDate,
    });
  }

  private async recordPosted(
    payout: Payout,
    planned: PayoutPlan,
    realmId: string,
    created: { Id: string; DocNumber?: string },
    total: number,
  ): Promise<void> {
    const format = (amount: number): string =>
      `${minorToDecimal(amount, payout.currency)} ${payout.currency}`;
    const notes = planned.chargesWithoutOrder.map(
      (charge) => `${format(charge.amount)} posted from the payout because ${charge.reason}`,
    );

    if (total !== payout.amount) {
      notes.push(`QuickBooks computed ${format(total)} but the payout is ${format(payout.amount)}`);
      this.logger.warn('Posted payout receipt total differs from the payout amount', {
        accountId: payout.accountId,
        payoutId: payout.payoutId,
        documentId: created.Id,
      });
    }

    const number = created.DocNumber ?? created.Id;

    await this.record(payout, 'posted', `posted:${created.Id}`, {
      message: `Posted as payout sales receipt ${number} of ${format(total)} with ${planned.orderIds.length} orders${notes.length ? `; ${notes.join('; ')}` : ''}`,
      documentId: created.Id,
      documentNumber: created.DocNumber,
      documentTotal: total,
      realmId,
    });

    for (const channelOrderId of planned.orderIds) {
      await this.syncEvents.publish({
        eventId: `${payout.accountId}:${payout.channel}:${channelOrderId}:${PAYOUT_DOCUMENT_KIND}:posted:${payout.payoutId}`,
        accountId: payout.accountId,
        connectionId: payout.connectionId,
        channel: payout.channel,
        channelOrderId,
        stage: 'qbo',
        status: 'posted',
        message: `Posted in payout sales receipt ${number} of payout ${payout.payoutId}`,
        documentKind: PAYOUT_DOCUMENT_KIND,
        documentId: created.Id,
        documentNumber: created.DocNumber,
        realmId,
        currency: payout.currency,
      });
    }
  }

  private async record(
    payout: Payout,
    status: SyncEvent['status'],
    suffix: string,
    fields: PayoutSyncFields & { message: string },
  ): Promise<void> {
    await publishPayoutEvent(this.syncEvents, payout, PAYOUT_DOCUMENT_KIND, status, suffix, fields);
  }
}

/** Returns the ledger key of a payout's one sales receipt, built from the channel's payout id. */
export function payoutKey(payout: Payout): LedgerKey {
  return {
    accountId: payout.accountId,
    channel: payout.channel,
    channelOrderId: `payout:${payout.payoutId}`,
    documentKind: PAYOUT_DOCUMENT_KIND,
  };
}
