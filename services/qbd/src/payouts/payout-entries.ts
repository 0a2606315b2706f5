import { type Payout, type PayoutTransaction } from '@qbsync/contracts';

import { formatAmount } from '../qbxml/qbxml-fields';
import { type DepositLine, depositAdd } from '../qbxml/qbxml-requests';
import { txnIdPlaceholder } from '../posting/order-entries';
import { type QbdSettings } from '../posting/qbd-settings';
import {
  type EntryOrigin,
  type EntryReference,
  type QueueEntryDocument,
} from '../queue/queue-entry.schema';
import { nextSeq } from '../queue/queue.repository';

/**
 * A payout line matched to the queue entry whose document put its money in Undeposited Funds: a
 * sales receipt or payment for a charge, a credit card refund for a refund.
 */
export interface MatchedPayoutLine {
  transaction: PayoutTransaction;
  entryId: string;
  /** Amount the document moves through Undeposited Funds, in minor units (negative for refunds). */
  documentAmount: number;
  /** The channel order number, for messages and line memos. */
  orderNumber: string;
}

export type PayoutEntryResult =
  | { outcome: 'queued'; entry: QueueEntryDocument; total: number; notes: string[] }
  | { outcome: 'failed'; message: string; fix: string };

/** Payout transaction types whose money sits in Undeposited Funds as a posted document. */
export const MATCHED_TYPES: ReadonlySet<PayoutTransaction['type']> = new Set(['charge', 'refund']);

/** Returns the id of a payout's deposit entry; one id per payout makes each payout post once. */
export function depositEntryId(payout: Payout): string {
  return `${payout.accountId}|payout|${payout.channel}|${payout.payoutId}|deposit`;
}

/**
 * Returns the gap between a payout's amount and the sum of its transactions' net amounts, in
 * minor units; 0 when they balance. A payout that does not balance cannot become a deposit equal
 * to the money that reached the bank.
 */
export function payoutGap(payout: Payout): number {
  const net = payout.transactions.reduce((sum, transaction) => sum + transaction.net, 0);

  return payout.amount - net;
}

/**
 * Builds the DepositAdd of one payout. Each matched sales receipt, payment and credit card refund
 * is taken out of Undeposited Funds by TxnID. Every fee goes on one negative line, and each
 * reserve, chargeback or adjustment gets a line to the clearing account. A negative payout gets a
 * positive balancing line to the clearing account, because QuickBooks rejects a negative deposit.
 * The lines add up to the payout amount, or to zero for a negative payout.
 */
export function buildDepositEntry(
  payout: Payout,
  matched: MatchedPayoutLine[],
  settings: QbdSettings,
): PayoutEntryResult {
  const currency = payout.currency;
  const money = (minor: number) => formatAmount(minor, currency);
  const mismatches = matched.filter((line) => line.documentAmount !== line.transaction.gross);

  if (mismatches.length > 0) {
    const gap = mismatches.reduce(
      (sum, line) => sum + line.transaction.gross - line.documentAmount,
      0,
    );
    const details = mismatches
      .map(
        (line) =>
          `order ${line.orderNumber}: payout ${money(line.transaction.gross)}, QuickBooks document ${money(line.documentAmount)}`,
      )
      .join('; ');

    return {
      outcome: 'failed',
      message: `Payout ${payout.payoutId} does not match its orders' documents by ${money(gap)} ${currency} (${details}), so no deposit was queued`,
      fix: 'Correct the orders or the payout on the channel and re-sync them, or record the difference in QuickBooks by hand',
    };
  }

  // The words after the id keep payout 1's memo from matching payout 10's in a lookup.
  const memo = `Payout ${payout.payoutId} from ${payout.channel}`;
  const lines: DepositLine[] = matched.map((line) => ({
    kind: 'payment',
    paymentTxnId: txnIdPlaceholder(line.entryId),
    memo: `${line.transaction.type} ${line.orderNumber}`,
  }));
  const references: EntryReference[] = [
    {
      listType: 'Account',
      name: settings.payoutDepositAccount,
      source: 'the payout deposit account setting',
    },
  ];
  const notes: string[] = [];
  let total = matched.reduce((sum, line) => sum + line.documentAmount, 0);

  // Fees are positive when charged; a `fee` transaction carries its charge as a negative gross.
  const fees = payout.transactions.reduce(
    (sum, transaction) =>
      sum + transaction.fee - (transaction.type === 'fee' ? transaction.gross : 0),
    0,
  );

  if (fees !== 0) {
    lines.push({
      kind: 'other',
      entityName: settings.payoutFeesReceivedFrom,
      account: settings.payoutFeeAccount,
      memo: `Fees, ${memo}`,
      amount: money(-fees),
    });
    references.push({
      listType: 'Account',
      name: settings.payoutFeeAccount,
      source: 'the payout fee account setting',
    });
    total -= fees;
  }

  let clearingUsed = false;

  for (const transaction of payout.transactions) {
    if (MATCHED_TYPES.has(transaction.type) || transaction.type === 'fee') {
      continue;
    }

    if (transaction.gross === 0) {
      continue;
    }

    lines.push({
      kind: 'other',
      account: settings.payoutClearingAccount,
      memo: `${transaction.type} ${transaction.description ?? transaction.transactionId}`,
      amount: money(transaction.gross),
    });
    clearingUsed = true;
    total += transaction.gross;
  }

  if (total !== payout.amount) {
    // payoutGap and the matched amounts were checked, so only a charge or refund left unmatched
    // by the caller can get here.
    return {
      outcome: 'failed',
      message: `Payout ${payout.payoutId} is ${money(payout.amount)} ${currency}, but its deposit lines add up to ${money(total)}: a gap of ${money(payout.amount - total)}`,
      fix: 'Re-sync the orders the payout pays out, then re-sync the payout',
    };
  }

  if (total < 0) {
    lines.push({
      kind: 'other',
      account: settings.payoutClearingAccount,
      memo: `Balance of a negative payout, ${memo}`,
      amount: money(-total),
    });
    notes.push(
      `the payout is negative, so a balancing line of ${money(-total)} to ${settings.payoutClearingAccount} makes the deposit zero; QuickBooks rejects negative deposits`,
    );
    clearingUsed = true;
    total = 0;
  }

  if (clearingUsed) {
    references.push({
      listType: 'Account',
      name: settings.payoutClearingAccount,
      source: 'the payout clearing account setting',
    });
  }

  const now = new Date();
  const id = depositEntryId(payout);
  const origin: EntryOrigin = {
    entity: 'payout',
    entityId: payout.payoutId,
    channel: payout.channel,
    channelOrderId: '',
    orderNumber: '',
    connectionId: payout.connectionId,
    currency,
    channelTotal: total,
    notes,
  };

  return {
    outcome: 'queued',
    total,
    notes,
    entry: {
      _id: id,
      accountId: payout.accountId,
      seq: nextSeq(),
      kind: 'deposit',
      requestName: 'DepositAdd',
      body: depositAdd({
        txnDate: payout.date,
        depositAccount: settings.payoutDepositAccount,
        memo,
        lines,
      }),
      dependsOn: [...new Set(matched.map((line) => line.entryId))],
      references,
      lookup: { txnType: 'Deposit', txnDate: payout.date, memoStamp: memo },
      documentKind: 'deposit',
      orderKey: `payout|${payout.channel}|${payout.payoutId}`,
      features: [],
      state: 'queued',
      attempts: 0,
      transientFailures: 0,
      origin,
      createdAt: now,
      updatedAt: now,
    },
  };
}
