import { minorToDecimal, type Payout, type PayoutTransaction } from '@qbsync/contracts';

/** QuickBooks Online transactions a deposit line can take out of Undeposited Funds. */
export type DepositTxnType = 'SalesReceipt' | 'Payment' | 'RefundReceipt';

/** Payout transaction types whose money sits in Undeposited Funds as a posted document. */
export const DEPOSITED_TYPES: ReadonlySet<PayoutTransaction['type']> = new Set([
  'charge',
  'refund',
]);

/** A charge or refund of a payout matched to the QuickBooks document that received its money. */
export interface MatchedDocument {
  transaction: PayoutTransaction;
  txnType: DepositTxnType;
  txnId: string;
  /**
   * Amount the document moves through Undeposited Funds, in the payout's minor unit: a sales
   * receipt's or payment's total, or a refund receipt's total as a negative amount.
   */
  amount: number;
}

/** A charge or refund of a payout for which no posted document was found, and why. */
export interface UnmatchedTransaction {
  transaction: PayoutTransaction;
  reason: string;
}

export type DepositLineKind = 'linked' | 'fees' | 'clearing';

/** One planned deposit line. `amount` is in the payout's minor unit, signed as it posts. */
export interface DepositPlanLine {
  kind: DepositLineKind;
  amount: number;
  description: string;
  /** The document a `linked` line takes out of Undeposited Funds. */
  linked?: { txnType: DepositTxnType; txnId: string };
}

export interface DepositPlanOptions {
  /** Post the deposit although transactions are unmatched, the rest to the clearing account. */
  force: boolean;
}

export type DepositPlanResult =
  | {
      outcome: 'planned';
      lines: DepositPlanLine[];
      /** Sum of the lines: the payout amount, or 0 for a negative payout. */
      total: number;
      /** Facts the sync log reports with the posted deposit (clearing lines, balancing line). */
      notes: string[];
    }
  | {
      outcome: 'unmatched';
      /** Message naming the unmatched transactions and the gap of the deposit that was not posted. */
      message: string;
      /** The payout amount less what the matched documents, fees and other lines cover. */
      gap: number;
    };

/**
 * Plans the one deposit of a payout. Each matched document gets a linked line for its own
 * amount. All fees sum into one negative line, and reserves, chargebacks and adjustments get one
 * line each to the clearing account. The lines add up to the payout amount to the cent, because
 * every amount is an integer in the payout's minor unit.
 *
 * Unmatched charges and refunds, documents whose amount differs from the payout's, and a payout
 * amount that differs from the sum of its transactions leave a gap. Without `force` the plan is
 * `unmatched` and names them. With `force` each gap becomes a line to the clearing account. A
 * negative payout gets a positive balancing line to the clearing account, because QuickBooks
 * rejects a negative deposit, so its deposit is zero.
 */
export function buildDepositPlan(
  payout: Payout,
  matched: MatchedDocument[],
  unmatched: UnmatchedTransaction[],
  options: DepositPlanOptions,
): DepositPlanResult {
  const format = (minor: number): string =>
    `${minorToDecimal(minor, payout.currency)} ${payout.currency}`;
  const lines: DepositPlanLine[] = matched.map((document) => ({
    kind: 'linked',
    amount: document.amount,
    description: `${document.transaction.type} ${describeTransaction(document.transaction)}`,
    linked: { txnType: document.txnType, txnId: document.txnId },
  }));
  const fees = payout.transactions.reduce(
    (sum, transaction) =>
      // A `fee` transaction carries its charge as a negative gross, and every other one in `fee`.
      sum + transaction.fee - (transaction.type === 'fee' ? transaction.gross : 0),
    0,
  );

  if (fees !== 0) {
    lines.push({ kind: 'fees', amount: -fees, description: `Fees of payout ${payout.payoutId}` });
  }

  for (const transaction of payout.transactions) {
    if (DEPOSITED_TYPES.has(transaction.type) || transaction.type === 'fee') {
      continue;
    }

    if (transaction.gross !== 0) {
      lines.push({
        kind: 'clearing',
        amount: transaction.gross,
        description: `${transaction.type} ${transaction.description ?? transaction.transactionId}`,
      });
    }
  }

  const gaps = findGaps(payout, matched, unmatched, sumOf(lines), format);

  if (gaps.length > 0 && !options.force) {
    const gap = gaps.reduce((sum, entry) => sum + entry.amount, 0);

    return {
      outcome: 'unmatched',
      gap,
      message:
        `Payout ${payout.payoutId} of ${format(payout.amount)} was not deposited: ` +
        `${gaps.map((entry) => entry.reason).join('; ')}. ` +
        `The matched documents leave a gap of ${format(gap)}`,
    };
  }

  const notes: string[] = [];

  for (const entry of gaps) {
    lines.push({ kind: 'clearing', amount: entry.amount, description: entry.reason });
    notes.push(`forced: ${entry.reason}, so ${format(entry.amount)} went to the clearing account`);
  }

  let total = sumOf(lines);

  if (total < 0) {
    lines.push({
      kind: 'clearing',
      amount: -total,
      description: `Balance of negative payout ${payout.payoutId}`,
    });
    notes.push(
      `the payout is negative, so a balancing line of ${format(-total)} to the clearing account makes the deposit zero; QuickBooks rejects negative deposits`,
    );
    total = 0;
  }

  return { outcome: 'planned', lines, total, notes };
}

/** Returns the deposit line's amount as the decimal QuickBooks expects, such as 12.30 → 12.3. */
export function depositAmount(minor: number, currency: string): number {
  return Number(minorToDecimal(minor, currency));
}

interface Gap {
  amount: number;
  reason: string;
}

function findGaps(
  payout: Payout,
  matched: MatchedDocument[],
  unmatched: UnmatchedTransaction[],
  planned: number,
  format: (minor: number) => string,
): Gap[] {
  const gaps: Gap[] = unmatched.map(({ transaction, reason }) => ({
    amount: transaction.gross,
    reason: `${transaction.type} ${describeTransaction(transaction)} of ${format(transaction.gross)} is unmatched (${reason})`,
  }));

  for (const document of matched) {
    const difference = document.transaction.gross - document.amount;

    if (difference !== 0) {
      gaps.push({
        amount: difference,
        reason: `${document.transaction.type} ${describeTransaction(document.transaction)} is ${format(document.transaction.gross)} in the payout but ${format(document.amount)} in ${document.txnType} ${document.txnId}`,
      });
    }
  }

  const covered = planned + gaps.reduce((sum, entry) => sum + entry.amount, 0);

  if (covered !== payout.amount) {
    gaps.push({
      amount: payout.amount - covered,
      reason: `the payout amount differs from its transactions by ${format(payout.amount - covered)}`,
    });
  }

  return gaps;
}

/** Names a payout transaction by its id and, when known, its order. */
export function describeTransaction(transaction: PayoutTransaction): string {
  const order = transaction.orderNumber ?? transaction.channelOrderId;

  return order ? `${transaction.transactionId} (order ${order})` : transaction.transactionId;
}

function sumOf(lines: DepositPlanLine[]): number {
  return lines.reduce((sum, line) => sum + line.amount, 0);
}
