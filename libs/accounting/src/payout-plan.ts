import {
  minorToDecimal,
  type Order,
  type Payout,
  type PayoutTransaction,
  type PayoutTransactionType,
} from '@qbsync/contracts';

import { AccountingError, AccountingErrorCode } from './accounting.errors';
import { sumAmounts } from './amounts';
import { PRIVATE_NOTE_MAX_LENGTH, QBO_DOC_NUMBER_MAX_LENGTH } from './document-fields';
import { buildSalesReceiptPlan } from './posting-plan';
import { type PayoutPlanLine, type PlanLine, type PostingPlan } from './posting-plan.types';
import { buildSummaryPlan } from './summary-plan';

export interface PayoutPlanOptions {
  /** Display name of the summary customer every payout posts to. */
  customerName: string;
  /** Text put before `P-<payout id>` in `docNumber`. */
  docNumberPrefix?: string;
  /** Maximum length of `docNumber`: 21 for QuickBooks Online (default). */
  docNumberMaxLength?: number;
  /** Item of the one line that carries every processor fee of the payout, posted negative. */
  feeItemName: string;
  /** Item of a charge posted from the payout's own amount. */
  salesItemName: string;
  /** Item of the payout's refunds, posted negative. */
  refundItemName: string;
  /** Item of reserves, chargebacks, adjustments and other transactions, one line per type. */
  adjustmentItemName: string;
  shippingItemName?: string;
  roundingItemName?: string;
  tipItemName?: string;
}

/** A charge posted from the payout's own amount instead of its order's lines, and why. */
export interface ChargeWithoutOrder {
  channelOrderId?: string;
  amount: number;
  reason: string;
}

/** The sales receipt of one payout, and which orders its lines came from. */
export interface PayoutPlan {
  /**
   * The receipt's content. `channelTotal − giftCardTotal` is the payout's `amount`, the total
   * the posted receipt must have, because gift-card redemptions of its orders post as a negative
   * line the same way they do in a daily summary.
   */
  plan: PostingPlan;
  /** Channel order ids whose own lines the receipt carries. */
  orderIds: string[];
  chargesWithoutOrder: ChargeWithoutOrder[];
}

/** The figures behind a payout whose transactions do not add up to its amount. */
export interface PayoutBalanceFigures {
  currency: string;
  /** The payout's `amount`: what reached the bank. */
  payoutAmount: number;
  /** Sum of the transactions' `net`. */
  transactionNet: number;
  /** `payoutAmount − transactionNet`. */
  gap: number;
}

/**
 * Raised when a payout's transactions do not add up to its amount, or one transaction's gross less
 * fee is not its net. A receipt for it could not match the bank deposit, so nothing posts.
 */
export class PayoutDoesNotBalanceError extends AccountingError {
  constructor(
    message: string,
    readonly figures: PayoutBalanceFigures,
  ) {
    super(AccountingErrorCode.PayoutDoesNotBalance, message);
    this.name = 'PayoutDoesNotBalanceError';
  }
}

/** Transaction types whose gross is a processor's charge and so joins the fee line. */
const FEE_TYPES = new Set<PayoutTransactionType>(['fee']);

const TYPE_LABELS: Record<PayoutTransactionType, string> = {
  charge: 'Sales',
  refund: 'Refunds',
  adjustment: 'Adjustments',
  fee: 'Fees',
  reserve: 'Reserves',
  chargeback: 'Chargebacks',
  chargeback_reversal: 'Chargeback reversals',
  shipping_label: 'Shipping labels',
  advertising: 'Advertising',
  tax_withheld: 'Tax withheld',
  transfer: 'Transfers',
  other: 'Other payout transactions',
};

/**
 * Builds the one sales receipt of a Summary Payout. It carries the lines of the payout's orders,
 * summed by item as the daily summary does. Each charge whose order is missing or differs from
 * its charge follows as one line, each refund as a negative line, every processor fee in one
 * negative line, and one line per type for reserves, chargebacks and adjustments. The total is
 * the payout's amount to the cent. Only orders named by the payout's charges are included,
 * whatever else `orders` contains.
 *
 * Throws `PayoutDoesNotBalanceError` when the transactions do not add up to the payout's amount,
 * and an `AccountingError` with code `InvalidOption` for a payout of 0 or less, which a sales
 * receipt cannot carry.
 */
export function buildPayoutPlan(
  payout: Payout,
  orders: ReadonlyMap<string, Order>,
  options: PayoutPlanOptions,
): PayoutPlan {
  assertPayoutBalances(payout);

  if (payout.amount <= 0) {
    throw new AccountingError(
      AccountingErrorCode.InvalidOption,
      `Payout ${payout.payoutId} is ${format(payout.amount, payout.currency)}: a sales receipt needs a total above 0, so post a payout of 0 or less as a journal entry or deposit in QuickBooks`,
    );
  }

  const { included, chargesWithoutOrder } = pickOrders(payout, orders, options);
  const base = included.length
    ? buildSummaryPlan(included, {
        day: payout.date,
        baseDocNumber: 'P',
        customerName: options.customerName,
        shippingItemName: options.shippingItemName,
        adjustmentItemName: options.roundingItemName,
        tipItemName: options.tipItemName,
      })
    : emptyPlan(payout, options.customerName);
  const lines: PlanLine[] = [
    ...base.lines,
    ...chargesWithoutOrder.map((charge) => chargeLine(charge, payout, options)),
    ...refundLines(payout, options),
    ...otherTypeLines(payout, options),
    ...feeLines(payout, options),
  ];
  const subtotal = sumAmounts(lines.map((line) => line.amount));
  const total =
    base.taxTreatment === 'inclusive'
      ? subtotal - base.discountTotal
      : sumAmounts([subtotal, -base.discountTotal, base.taxTotal]);
  const receiptTotal = total - base.giftCardTotal;

  if (receiptTotal !== payout.amount) {
    // Every line above comes from transactions that add up to the amount, so a gap here is a bug
    // in this function. The check keeps such a receipt out of QuickBooks.
    throw new PayoutDoesNotBalanceError(
      `Payout ${payout.payoutId} does not balance: its receipt lines compute to ${format(receiptTotal, payout.currency)} but the payout is ${format(payout.amount, payout.currency)}, a gap of ${format(payout.amount - receiptTotal, payout.currency)}`,
      {
        currency: payout.currency,
        payoutAmount: payout.amount,
        transactionNet: receiptTotal,
        gap: payout.amount - receiptTotal,
      },
    );
  }

  const docNumber = formatPayoutDocNumber(
    payout.payoutId,
    options.docNumberPrefix ?? '',
    options.docNumberMaxLength ?? QBO_DOC_NUMBER_MAX_LENGTH,
  );

  return {
    plan: {
      ...base,
      currency: payout.currency,
      docNumber: docNumber.docNumber,
      docNumberTruncated: docNumber.truncated,
      txnDate: payout.date,
      privateNote: formatPayoutNote(payout, included),
      customer: { displayName: options.customerName },
      lines,
      subtotal,
      total,
      channelTotal: payout.amount + base.giftCardTotal,
    },
    orderIds: included.map((order) => order.channelOrderId),
    chargesWithoutOrder,
  };
}

/**
 * Checks that every transaction's gross less fee is its net, and that the nets add up to the
 * payout's amount. Throws `PayoutDoesNotBalanceError` naming the gap otherwise.
 */
export function assertPayoutBalances(payout: Payout): void {
  for (const transaction of payout.transactions) {
    if (transaction.gross - transaction.fee !== transaction.net) {
      const computed = transaction.gross - transaction.fee;

      throw new PayoutDoesNotBalanceError(
        `Payout ${payout.payoutId} does not balance: transaction ${transaction.transactionId} has gross ${format(transaction.gross, payout.currency)} less fee ${format(transaction.fee, payout.currency)} = ${format(computed, payout.currency)} but its net is ${format(transaction.net, payout.currency)}, a gap of ${format(transaction.net - computed, payout.currency)}`,
        {
          currency: payout.currency,
          payoutAmount: payout.amount,
          transactionNet: sumAmounts(payout.transactions.map((entry) => entry.net)),
          gap: transaction.net - computed,
        },
      );
    }
  }

  const transactionNet = sumAmounts(payout.transactions.map((entry) => entry.net));
  const gap = payout.amount - transactionNet;

  if (gap !== 0) {
    throw new PayoutDoesNotBalanceError(
      `Payout ${payout.payoutId} does not balance: its ${payout.transactions.length} transactions net ${format(transactionNet, payout.currency)} but the payout amount is ${format(payout.amount, payout.currency)}, a gap of ${format(gap, payout.currency)}. Compare the payout with the processor's payout report and re-sync it once it is complete.`,
      { currency: payout.currency, payoutAmount: payout.amount, transactionNet, gap },
    );
  }
}

/**
 * Returns `<prefix>P-<payout id>`. A longer result keeps the id's last characters and reports
 * `truncated`. The memo and the posting ledger keep the whole id.
 */
export function formatPayoutDocNumber(
  payoutId: string,
  prefix: string,
  maxLength: number,
): { docNumber: string; truncated: boolean } {
  const head = `${prefix}P-`;
  const full = `${head}${payoutId}`;

  if (full.length <= maxLength) {
    return { docNumber: full, truncated: false };
  }

  // NOTE: two payout ids that share their last characters would get the same number, and the
  // second then fails with QuickBooks' duplicate number error (6140) naming the first.
  return {
    docNumber: `${head}${payoutId.slice(-(maxLength - head.length))}`.slice(-maxLength),
    truncated: true,
  };
}

/** Returns a memo such as "shopify payout 623721858 of 2025-07-04: orders #1001 (450789469)". */
export function formatPayoutNote(payout: Payout, orders: readonly Order[]): string {
  const listed = orders.map((order) => `${order.orderNumber} (${order.channelOrderId})`);
  const note =
    `${payout.channel} payout ${payout.payoutId} of ${payout.date}: ` +
    `${payout.transactions.length} transactions` +
    (listed.length ? `, orders ${listed.join(', ')}` : '');

  return note.length <= PRIVATE_NOTE_MAX_LENGTH
    ? note
    : `${note.slice(0, PRIVATE_NOTE_MAX_LENGTH - 20)}... (${orders.length} orders)`;
}

/**
 * Splits the payout's charges into orders whose own lines can post and charges that post from the
 * payout's amount. An order's lines post only when its receipt total (channel total less gift-card
 * redemptions) equals what the payout charged for it. The order must also be in the payout's
 * currency and share the tax treatment of the other included orders. Otherwise the charge posts
 * as one line.
 */
function pickOrders(
  payout: Payout,
  orders: ReadonlyMap<string, Order>,
  options: PayoutPlanOptions,
): { included: Order[]; chargesWithoutOrder: ChargeWithoutOrder[] } {
  const charges = payout.transactions.filter((transaction) => transaction.type === 'charge');
  const byOrder = new Map<string, PayoutTransaction[]>();
  const chargesWithoutOrder: ChargeWithoutOrder[] = [];
  const included: Order[] = [];

  for (const charge of charges) {
    if (!charge.channelOrderId) {
      chargesWithoutOrder.push({
        amount: charge.gross,
        reason: `charge ${charge.transactionId} names no order`,
      });
      continue;
    }

    byOrder.set(charge.channelOrderId, [...(byOrder.get(charge.channelOrderId) ?? []), charge]);
  }

  for (const [channelOrderId, orderCharges] of byOrder) {
    const charged = sumAmounts(orderCharges.map((charge) => charge.gross));
    const order = orders.get(channelOrderId);
    const reason = order
      ? whyOrderCannotPost(order, charged, payout, included[0], options)
      : `order ${channelOrderId} was not received from the channel`;

    if (order && reason === undefined) {
      included.push(order);
    } else {
      chargesWithoutOrder.push({
        channelOrderId,
        amount: charged,
        reason: reason ?? 'unknown',
      });
    }
  }

  return { included, chargesWithoutOrder };
}

function whyOrderCannotPost(
  order: Order,
  charged: number,
  payout: Payout,
  first: Order | undefined,
  options: PayoutPlanOptions,
): string | undefined {
  if (order.currency !== payout.currency) {
    return `order ${order.channelOrderId} is in ${order.currency} but the payout is in ${payout.currency}`;
  }

  if (first && first.taxesIncluded !== order.taxesIncluded) {
    return `order ${order.channelOrderId} treats tax unlike order ${first.channelOrderId}`;
  }

  let receiptTotal: number;

  try {
    const plan = buildSalesReceiptPlan(order, {
      shippingItemName: options.shippingItemName,
      adjustmentItemName: options.roundingItemName,
      tipItemName: options.tipItemName,
    });

    receiptTotal = plan.channelTotal - plan.giftCardTotal;
  } catch (error) {
    if (error instanceof AccountingError) {
      return error.message;
    }

    throw error;
  }

  if (receiptTotal !== charged) {
    return `order ${order.channelOrderId} totals ${format(receiptTotal, order.currency)} but the payout charged ${format(charged, payout.currency)}`;
  }

  return undefined;
}

function chargeLine(
  charge: ChargeWithoutOrder,
  payout: Payout,
  options: PayoutPlanOptions,
): PayoutPlanLine {
  const orderNumber = payout.transactions.find(
    (transaction) => transaction.channelOrderId === charge.channelOrderId,
  )?.orderNumber;
  const subject = charge.channelOrderId
    ? `order ${orderNumber ?? ''} (${charge.channelOrderId})`.replace('  ', ' ')
    : 'a charge without an order';

  return {
    kind: 'payout',
    itemName: options.salesItemName,
    description: `Sales of ${subject} as paid out`,
    amount: charge.amount,
    transactionType: 'charge',
    taxable: false,
  };
}

function refundLines(payout: Payout, options: PayoutPlanOptions): PayoutPlanLine[] {
  return payout.transactions
    .filter((transaction) => transaction.type === 'refund' && transaction.gross !== 0)
    .map((transaction) => ({
      kind: 'payout',
      itemName: options.refundItemName,
      description: transaction.channelOrderId
        ? `Refund of order ${transaction.orderNumber ?? transaction.channelOrderId} (${transaction.transactionId})`
        : `Refund ${transaction.transactionId}`,
      amount: transaction.gross,
      transactionType: 'refund',
      taxable: false,
    }));
}

/** Builds one line per transaction type other than charges, refunds and fees. */
function otherTypeLines(payout: Payout, options: PayoutPlanOptions): PayoutPlanLine[] {
  const byType = new Map<PayoutTransactionType, number>();

  for (const transaction of payout.transactions) {
    if (
      transaction.type === 'charge' ||
      transaction.type === 'refund' ||
      FEE_TYPES.has(transaction.type)
    ) {
      continue;
    }

    byType.set(
      transaction.type,
      sumAmounts([byType.get(transaction.type) ?? 0, transaction.gross]),
    );
  }

  return [...byType.entries()]
    .filter(([, amount]) => amount !== 0)
    .map(([type, amount]) => ({
      kind: 'payout',
      itemName: options.adjustmentItemName,
      description: TYPE_LABELS[type],
      amount,
      transactionType: type,
      taxable: false,
    }));
}

/** Builds the one negative fee line: every transaction's fee and the gross of fee transactions. */
function feeLines(payout: Payout, options: PayoutPlanOptions): PayoutPlanLine[] {
  const amount = sumAmounts(
    payout.transactions.map((transaction) =>
      FEE_TYPES.has(transaction.type) ? transaction.gross - transaction.fee : -transaction.fee,
    ),
  );

  return amount === 0
    ? []
    : [
        {
          kind: 'payout',
          itemName: options.feeItemName,
          description: `Processor fees of payout ${payout.payoutId}`,
          amount,
          transactionType: 'fee',
          taxable: false,
        },
      ];
}

function emptyPlan(payout: Payout, customerName: string): PostingPlan {
  return {
    documentKind: 'sales_receipt',
    currency: payout.currency,
    docNumber: '',
    docNumberTruncated: false,
    txnDate: payout.date,
    privateNote: '',
    customer: { displayName: customerName },
    lines: [],
    discountTotal: 0,
    discountByTaxability: { taxable: 0, nonTaxable: 0 },
    taxTreatment: 'exclusive',
    taxTotal: 0,
    taxLines: [],
    subtotal: 0,
    total: 0,
    channelTotal: 0,
    giftCardTotal: 0,
  };
}

function format(amount: number, currency: string): string {
  return `${minorToDecimal(amount, currency)} ${currency}`;
}
