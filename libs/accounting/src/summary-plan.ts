import { type Order } from '@qbsync/contracts';

import { AccountingError, AccountingErrorCode } from './accounting.errors';
import { sumAmounts } from './amounts';
import { formatSequencedDocNumber, PRIVATE_NOTE_MAX_LENGTH } from './document-fields';
import {
  buildSalesReceiptPlan,
  DEFAULT_ADJUSTMENT_ITEM_NAME,
  DEFAULT_SHIPPING_ITEM_NAME,
  DEFAULT_TIP_ITEM_NAME,
} from './posting-plan';
import {
  type AdjustmentPlanLine,
  type FeePlanLine,
  type ItemPlanLine,
  type PlanLine,
  type PostingPlan,
  type ShippingPlanLine,
  type TipPlanLine,
} from './posting-plan.types';

export interface SummaryPlanOptions {
  /** The summary's calendar day (YYYY-MM-DD), its document date. */
  day: string;
  /** Number of the day's first summary, for example "S-20250702"; later ones get `-1`, `-2`... */
  baseDocNumber: string;
  /** Position of this summary among the day's summaries, from 0; late orders go to the next. */
  sequence?: number;
  /** Display name of the customer every summary posts to, for example the store name. */
  customerName: string;
  /** Maximum length of `docNumber`: 21 for QuickBooks Online (default), 11 for Desktop. */
  docNumberMaxLength?: number;
  shippingItemName?: string;
  adjustmentItemName?: string;
  /** Item of the one tip line; default "Tips". */
  tipItemName?: string;
  /** Post the orders' merchant fees as one negative line on this item; absent: leave them out. */
  merchantFeeItemName?: string;
}

/**
 * Builds one sales receipt plan for a day's orders of one store. It has item lines by SKU with
 * summed quantity (one line per SKU and unit price), one shipping line and one discount amount.
 * The tax is one amount, posted as a single `Sales Tax` line, and the memo lists the orders. Each
 * order is first planned on its own, so the summary's total is the sum of the channel totals.
 *
 * Throws an `AccountingError` with code `InvalidOption` for no orders, mixed currencies or mixed
 * tax treatment, and what `buildSalesReceiptPlan` throws for an order that does not balance.
 */
export function buildSummaryPlan(
  orders: readonly Order[],
  options: SummaryPlanOptions,
): PostingPlan {
  const first = orders[0];

  if (!first) {
    throw new AccountingError(
      AccountingErrorCode.InvalidOption,
      'A summary needs at least one order',
    );
  }

  assertUniform(orders, first);
  const shippingItemName = options.shippingItemName ?? DEFAULT_SHIPPING_ITEM_NAME;
  const adjustmentItemName = options.adjustmentItemName ?? DEFAULT_ADJUSTMENT_ITEM_NAME;
  const tipItemName = options.tipItemName ?? DEFAULT_TIP_ITEM_NAME;
  const plans = orders.map((order) =>
    buildSalesReceiptPlan(order, {
      shippingItemName,
      adjustmentItemName,
      tipItemName,
      merchantFeeItemName: options.merchantFeeItemName,
    }),
  );
  const lines: PlanLine[] = [
    ...sumItemLines(plans.flatMap((plan) => plan.lines.filter(isItemLine))),
    ...sumShippingLines(
      plans.flatMap((plan) => plan.lines.filter(isShippingLine)),
      shippingItemName,
    ),
    ...sumTipLines(
      plans.flatMap((plan) => plan.lines.filter(isTipLine)),
      tipItemName,
    ),
    ...sumAdjustmentLines(
      plans.flatMap((plan) => plan.lines.filter(isAdjustmentLine)),
      adjustmentItemName,
    ),
    ...sumFeeLines(plans.flatMap((plan) => plan.lines.filter(isFeeLine))),
  ];
  const number = formatSequencedDocNumber(
    options.baseDocNumber,
    options.baseDocNumber,
    '',
    options.sequence ?? 0,
    options.docNumberMaxLength ?? 21,
  );
  const subtotal = sumAmounts(lines.map((line) => line.amount));
  const discountTotal = sumAmounts(plans.map((plan) => plan.discountTotal));
  const taxTotal = sumAmounts(plans.map((plan) => plan.taxTotal));
  const channelTotal = sumAmounts(plans.map((plan) => plan.channelTotal));
  const adjustmentTotal = sumAmounts(plans.map((plan) => plan.adjustment?.amount ?? 0));
  const tipTotal = sumAmounts(plans.map((plan) => plan.tipTotal ?? 0));
  const feeTotal = sumAmounts(plans.map((plan) => plan.feeTotal ?? 0));

  const plan: PostingPlan = {
    documentKind: 'sales_receipt',
    currency: first.currency,
    docNumber: number.docNumber ?? number.requested.slice(-(options.docNumberMaxLength ?? 21)),
    docNumberTruncated: number.docNumber === undefined,
    txnDate: options.day,
    privateNote: formatSummaryNote(orders, options.day),
    customer: { displayName: options.customerName },
    lines,
    discountTotal,
    discountByTaxability: {
      taxable: sumAmounts(plans.map((plan) => plan.discountByTaxability.taxable)),
      nonTaxable: sumAmounts(plans.map((plan) => plan.discountByTaxability.nonTaxable)),
    },
    taxTreatment: first.taxesIncluded ? 'inclusive' : 'exclusive',
    taxTotal,
    taxLines: [{ name: 'Sales Tax', rate: '0', amount: taxTotal }],
    subtotal,
    total: first.taxesIncluded
      ? subtotal - discountTotal
      : sumAmounts([subtotal, -discountTotal, taxTotal]),
    channelTotal,
    giftCardTotal: sumAmounts(plans.map((plan) => plan.giftCardTotal)),
  };

  if (tipTotal > 0) {
    plan.tipTotal = tipTotal;
  }

  if (feeTotal > 0) {
    plan.feeTotal = feeTotal;
  }

  if (adjustmentTotal !== 0) {
    plan.adjustment = {
      amount: adjustmentTotal,
      reason: `Rounding differences of ${plans.filter((entry) => entry.adjustment).length} orders`,
    };
  }

  return plan;
}

/** Returns a memo such as "shopify summary 2025-07-02: #1001 (450789469), #1002 (450789470)". */
export function formatSummaryNote(orders: readonly Order[], day: string): string {
  const listed = orders.map((order) => `${order.orderNumber} (${order.channelOrderId})`).join(', ');
  const note = `${orders[0]?.channel ?? 'channel'} summary ${day}: ${listed}`;

  // NOTE: a day with hundreds of orders lists only those that fit QuickBooks' 4000 characters;
  // the posting ledger still records every order of the summary.
  return note.length <= PRIVATE_NOTE_MAX_LENGTH
    ? note
    : `${note.slice(0, PRIVATE_NOTE_MAX_LENGTH - 20)}... (${orders.length} orders)`;
}

function assertUniform(orders: readonly Order[], first: Order): void {
  for (const order of orders) {
    if (order.currency !== first.currency) {
      throw new AccountingError(
        AccountingErrorCode.InvalidOption,
        `Order ${order.channelOrderId} is in ${order.currency} but the summary is in ${first.currency}: a summary holds one currency`,
      );
    }

    if (order.taxesIncluded !== first.taxesIncluded) {
      throw new AccountingError(
        AccountingErrorCode.InvalidOption,
        `Order ${order.channelOrderId} ${order.taxesIncluded ? 'includes' : 'excludes'} tax in its prices, unlike the summary's first order: a summary holds one tax treatment`,
      );
    }
  }
}

/** Groups item lines by SKU (or name without one), unit price and taxability, summing quantities. */
function sumItemLines(lines: readonly ItemPlanLine[]): ItemPlanLine[] {
  const groups = new Map<string, ItemPlanLine>();

  for (const line of lines) {
    const key = JSON.stringify([
      line.sku.trim().toLowerCase() || line.name,
      line.unitPrice,
      line.taxable,
    ]);
    const existing = groups.get(key);

    if (existing) {
      existing.quantity += line.quantity;
      existing.amount = sumAmounts([existing.amount, line.amount]);
    } else {
      groups.set(key, { ...line, description: line.sku ? line.name : line.description });
    }
  }

  return [...groups.values()];
}

function sumShippingLines(
  lines: readonly ShippingPlanLine[],
  itemName: string,
): ShippingPlanLine[] {
  const amount = sumAmounts(lines.map((line) => line.amount));

  return amount === 0
    ? []
    : [
        {
          kind: 'shipping',
          itemName,
          description: 'Shipping',
          amount,
          taxable: lines.some((line) => line.taxable),
        },
      ];
}

function sumAdjustmentLines(
  lines: readonly AdjustmentPlanLine[],
  itemName: string,
): AdjustmentPlanLine[] {
  const amount = sumAmounts(lines.map((line) => line.amount));

  return amount === 0
    ? []
    : [
        {
          kind: 'adjustment',
          itemName,
          description: 'Rounding adjustments to match the channel totals',
          amount,
        },
      ];
}

function sumTipLines(lines: readonly TipPlanLine[], itemName: string): TipPlanLine[] {
  const amount = sumAmounts(lines.map((line) => line.amount));

  return amount === 0
    ? []
    : [{ kind: 'tip', itemName, description: 'Tips', amount, taxable: false }];
}

function sumFeeLines(lines: readonly FeePlanLine[]): FeePlanLine[] {
  const first = lines[0];
  const amount = sumAmounts(lines.map((line) => line.amount));

  return first === undefined || amount === 0
    ? []
    : [
        {
          kind: 'fee',
          itemName: first.itemName,
          description: 'Merchant fees',
          amount,
          taxable: false,
        },
      ];
}

function isTipLine(line: PlanLine): line is TipPlanLine {
  return line.kind === 'tip';
}

function isFeeLine(line: PlanLine): line is FeePlanLine {
  return line.kind === 'fee';
}

function isItemLine(line: PlanLine): line is ItemPlanLine {
  return line.kind === 'item';
}

function isShippingLine(line: PlanLine): line is ShippingPlanLine {
  return line.kind === 'shipping';
}

function isAdjustmentLine(line: PlanLine): line is AdjustmentPlanLine {
  return line.kind === 'adjustment';
}
