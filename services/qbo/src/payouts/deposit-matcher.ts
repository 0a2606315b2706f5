import { Injectable } from '@nestjs/common';
import {
  decimalToMinor,
  type OrderReady,
  type Payment,
  type Payout,
  type PayoutTransaction,
  type QboPostingSettings,
} from '@qbsync/contracts';
import { AppLogger } from '@qbsync/platform';

import { quoteQueryValue } from '../api/qbo-api.client';
import { type QboSession } from '../matching/qbo-session';
import { OrderArchiveRepository } from '../posting/order-archive.repository';
import { OrderPostingService } from '../posting/order-posting.service';
import { type LedgerKey, PostingLedgerRepository } from '../posting/posting-ledger.repository';
import {
  DEPOSITED_TYPES,
  type DepositTxnType,
  type MatchedDocument,
  type UnmatchedTransaction,
} from './deposit-plan';

/** Tender kinds that moved money, as the order posting counts them when it posts payments. */
const PAID_KINDS = new Set<Payment['kind']>(['sale', 'capture', 'gift_card', 'other']);

/** Rows read per memo look-up, the maximum QuickBooks Online returns for one query. */
const MEMO_QUERY_MAX_RESULTS = 1000;

/** A QuickBooks transaction as the look-ups by number and memo read it. */
interface QboCandidate {
  Id: string;
  DocNumber?: string;
  TxnDate?: string;
  TotalAmt: number;
  PrivateNote?: string;
  DepositToAccountRef?: { value: string };
}

export type MatchResult =
  | { outcome: 'matched'; matched: MatchedDocument[]; unmatched: UnmatchedTransaction[] }
  /** An order of the payout is posting now (or was just posted by this call and must settle). */
  | { outcome: 'retry' };

/**
 * Finds the QuickBooks document that received each charge and refund of a payout. It looks in
 * the posting ledger by channel order id first, then in QuickBooks by DocNumber, then by the memo
 * stamp of a document dated within the candidate window before the payout. A charge whose order
 * was received but never posted makes that order post first, from the order archive.
 */
@Injectable()
export class DepositMatcher {
  private readonly logger: AppLogger;

  constructor(
    private readonly ledger: PostingLedgerRepository,
    private readonly archive: OrderArchiveRepository,
    private readonly orders: OrderPostingService,
    logger: AppLogger,
  ) {
    this.logger = logger.child(DepositMatcher.name);
  }

  async match(
    payout: Payout,
    settings: QboPostingSettings,
    session: QboSession,
    lastAttempt: boolean,
  ): Promise<MatchResult> {
    const matched: MatchedDocument[] = [];
    const unmatched: UnmatchedTransaction[] = [];
    const used = new Set<string>();
    const lookup = new QuickBooksLookup(session, payout, settings, used);

    for (const transaction of payout.transactions) {
      if (!DEPOSITED_TYPES.has(transaction.type)) {
        continue;
      }

      const found =
        transaction.type === 'charge'
          ? await this.matchCharge(payout, transaction, used, lookup, lastAttempt)
          : await this.matchRefund(payout, transaction, used, lookup);

      if (found === 'retry') {
        return { outcome: 'retry' };
      }

      if ('reason' in found) {
        unmatched.push({ transaction, reason: found.reason });
        continue;
      }

      used.add(`${found.txnType}:${found.txnId}`);
      matched.push({ transaction, ...found });
    }

    return { outcome: 'matched', matched, unmatched };
  }

  private async matchCharge(
    payout: Payout,
    transaction: PayoutTransaction,
    used: Set<string>,
    lookup: QuickBooksLookup,
    lastAttempt: boolean,
  ): Promise<Omit<MatchedDocument, 'transaction'> | { reason: string } | 'retry'> {
    const ready = transaction.channelOrderId
      ? await this.archive.find(payout.accountId, payout.channel, transaction.channelOrderId)
      : null;

    if (ready) {
      let document = await this.findPostedSale(ready, transaction, used);

      if (!document && !(await this.orders.findPostedSale(ready))) {
        // The sale never posted: it posts first, so the deposit has a document to take.
        this.logger.info('Posting an order of a payout before its deposit', {
          accountId: payout.accountId,
          payoutId: payout.payoutId,
          orderId: ready.order.channelOrderId,
        });

        if ((await this.orders.postForRefund(ready, lastAttempt)) === 'retry') {
          return 'retry';
        }

        document = await this.findPostedSale(ready, transaction, used);
      }

      if (document) {
        return document;
      }
    }

    const orderNumber = transaction.orderNumber ?? ready?.order.orderNumber;
    const stamps = [
      transaction.channelOrderId && `${payout.channel} order ${transaction.channelOrderId} `,
      transaction.sourceId,
    ].filter((stamp): stamp is string => Boolean(stamp));
    const found =
      (orderNumber && (await lookup.byDocNumber('SalesReceipt', orderNumber, 1))) ||
      (await lookup.byMemo('SalesReceipt', stamps, 1)) ||
      (await lookup.byMemo('Payment', stamps, 1));

    if (found) {
      return found;
    }

    return {
      reason: ready
        ? 'its order has no posted sales receipt or payment in QuickBooks'
        : 'its order never reached the QuickBooks Online service and no document in QuickBooks names it',
    };
  }

  private async matchRefund(
    payout: Payout,
    transaction: PayoutTransaction,
    used: Set<string>,
    lookup: QuickBooksLookup,
  ): Promise<Omit<MatchedDocument, 'transaction'> | { reason: string }> {
    const refundIds = [transaction.sourceId, transaction.transactionId].filter((id): id is string =>
      Boolean(id),
    );

    if (transaction.channelOrderId) {
      for (const sequence of refundIds) {
        const entry = await this.ledger.findByKey({
          accountId: payout.accountId,
          channel: payout.channel,
          channelOrderId: transaction.channelOrderId,
          documentKind: 'refund',
          sequence,
        });

        // NOTE: the ledger's `refund` kind also covers credit memos, which a refund of an unpaid
        // invoice posts as. QuickBooks then rejects the RefundReceipt link with fault 2500.
        if (entry?.state === 'posted' && entry.documentId && entry.documentTotal !== undefined) {
          if (!used.has(`RefundReceipt:${entry.documentId}`)) {
            return {
              txnType: 'RefundReceipt',
              txnId: entry.documentId,
              amount: -entry.documentTotal,
            };
          }
        }
      }
    }

    const stamps = refundIds.map((id) => `${payout.channel} refund ${id}`);
    const found = await lookup.byMemo('RefundReceipt', stamps, -1);

    return found ?? { reason: 'no posted refund receipt in QuickBooks names it' };
  }

  /** The order's posted sales receipt, or its payment whose tender the transaction names. */
  private async findPostedSale(
    ready: OrderReady,
    transaction: PayoutTransaction,
    used: Set<string>,
  ): Promise<Omit<MatchedDocument, 'transaction'> | undefined> {
    const key: LedgerKey = {
      accountId: ready.order.accountId,
      channel: ready.order.channel,
      channelOrderId: ready.order.channelOrderId,
      documentKind: 'sales_receipt',
    };
    const receipt = await this.ledger.findByKey(key);

    if (receipt?.state === 'posted' && receipt.documentId && receipt.documentTotal !== undefined) {
      return used.has(`SalesReceipt:${receipt.documentId}`)
        ? undefined
        : { txnType: 'SalesReceipt', txnId: receipt.documentId, amount: receipt.documentTotal };
    }

    const payments: Array<{ tender: Payment; documentId: string; total: number }> = [];

    // The sequence is built as the order posting builds it for each payment's ledger key.
    for (const [index, tender] of paidTenders(ready).entries()) {
      const sequence = tender.transactionId ?? `${tender.gateway}-${index + 1}`;
      const entry = await this.ledger.findByKey({ ...key, documentKind: 'payment', sequence });

      if (entry?.state === 'posted' && entry.documentId && entry.documentTotal !== undefined) {
        if (!used.has(`Payment:${entry.documentId}`)) {
          payments.push({ tender, documentId: entry.documentId, total: entry.documentTotal });
        }
      }
    }

    const named = [transaction.sourceId, transaction.transactionId];
    const payment =
      payments.find(
        (entry) => entry.tender.transactionId && named.includes(entry.tender.transactionId),
      ) ?? payments[0];

    return payment
      ? { txnType: 'Payment', txnId: payment.documentId, amount: payment.total }
      : undefined;
  }
}

/**
 * Looks payout transactions up in QuickBooks among the documents of the candidate window, the
 * `windowDays` before the payout date, that are in Undeposited Funds and not yet matched.
 */
class QuickBooksLookup {
  private readonly from: string;

  constructor(
    private readonly session: QboSession,
    private readonly payout: Payout,
    private readonly settings: QboPostingSettings,
    private readonly used: Set<string>,
  ) {
    this.from = shiftDate(payout.date, -settings.depositMatch.windowDays);
  }

  /** Finds the document numbered as the order posting numbers it: prefix plus order number. */
  async byDocNumber(
    entity: DepositTxnType,
    orderNumber: string,
    sign: 1 | -1,
  ): Promise<Omit<MatchedDocument, 'transaction'> | undefined> {
    const docNumber = `${this.settings.docNumberPrefix}${orderNumber.trim().replace(/^#/, '')}`;
    const rows = await this.session.query<QboCandidate>(
      entity,
      `select * from ${entity} where DocNumber = ${quoteQueryValue(docNumber)}`,
    );

    return this.pick(entity, rows, sign);
  }

  /** Finds the document whose PrivateNote contains one of `stamps`. */
  async byMemo(
    entity: DepositTxnType,
    stamps: string[],
    sign: 1 | -1,
  ): Promise<Omit<MatchedDocument, 'transaction'> | undefined> {
    if (stamps.length === 0) {
      return undefined;
    }

    // NOTE: a window with more than 1000 documents of one entity is read only in part.
    const rows = await this.session.query<QboCandidate>(
      entity,
      `select * from ${entity} where TxnDate >= ${quoteQueryValue(this.from)} and TxnDate <= ${quoteQueryValue(this.payout.date)} MAXRESULTS ${MEMO_QUERY_MAX_RESULTS}`,
    );
    const stamped = rows.filter((row) => stamps.some((stamp) => row.PrivateNote?.includes(stamp)));

    return this.pick(entity, stamped, sign);
  }

  private pick(
    entity: DepositTxnType,
    rows: QboCandidate[],
    sign: 1 | -1,
  ): Omit<MatchedDocument, 'transaction'> | undefined {
    const row = rows.find(
      (candidate) =>
        !this.used.has(`${entity}:${candidate.Id}`) &&
        (candidate.TxnDate === undefined ||
          (candidate.TxnDate >= this.from && candidate.TxnDate <= this.payout.date)),
    );

    return row
      ? {
          txnType: entity,
          txnId: row.Id,
          amount: sign * decimalToMinor(String(row.TotalAmt), this.payout.currency),
        }
      : undefined;
  }
}

/** Returns the order's tenders that moved money, as the order posting selects them. */
function paidTenders(ready: OrderReady): Payment[] {
  return ready.order.payments.filter(
    (payment) => payment.status === 'success' && PAID_KINDS.has(payment.kind) && payment.amount > 0,
  );
}

/** Returns `date` (YYYY-MM-DD) moved by `days` calendar days. */
export function shiftDate(date: string, days: number): string {
  const shifted = new Date(`${date}T00:00:00Z`);

  shifted.setUTCDate(shifted.getUTCDate() + days);

  return shifted.toISOString().slice(0, 10);
}
