import { minorToDecimal, type Order } from '@qbsync/contracts';

import { AccountingError, AccountingErrorCode } from './accounting.errors';
import { sumAmounts } from './amounts';
import { type AdjustmentPlanLine, type ItemPlanLine, type PlanLine } from './posting-plan.types';
import { buildSummaryPlan } from './summary-plan';

export interface OrderEditPlanOptions {
  /** The day of the edit (YYYY-MM-DD), the correcting document's date. */
  editDay: string;
  /** The document number, for example "S-20250702-E1"; at most 21 characters. */
  docNumber: string;
  customerName: string;
  /** Item of the sales tax change; the `Sales Tax` item that summaries post tax to. */
  taxItemName: string;
  /** Item of the discount change. */
  discountItemName: string;
  /** Item of the gift-card redemption change. */
  giftCardItemName: string;
  shippingItemName?: string;
  adjustmentItemName?: string;
  tipItemName?: string;
}

/**
 * The correction of an order edited after its daily summary posted. Every amount is what moves
 * in the direction of `documentKind`: a sales receipt takes more money, a refund receipt gives
 * money back, and lines that moved the other way are negative.
 */
export interface OrderEditPlan {
  documentKind: 'sales_receipt' | 'refund_receipt';
  currency: string;
  docNumber: string;
  txnDate: string;
  privateNote: string;
  customerName: string;
  taxTreatment: 'exclusive' | 'inclusive';
  /** Item lines by SKU and unit price with the quantity difference, then every other change. */
  lines: PlanLine[];
  /** Sum of `lines`: the document's total, never negative. */
  total: number;
  /** Current receipt total less the summarized one, signed: negative means money went back. */
  difference: number;
}

/**
 * Builds the correction of an order edited after its daily summary posted: the difference
 * between the summarized and the current version, line by line. Item lines differ by quantity at
 * the same unit price. Shipping, tips, discounts, gift-card redemptions and (with tax-exclusive
 * prices) the tax each become one line of their change. The tax posts as a line on the tax item
 * because summaries post tax that way. Returns undefined when the edit changed no amount.
 *
 * Throws an `AccountingError` with code `InvalidOption` when the two versions are different
 * orders, currencies or tax treatments, and what `buildSummaryPlan` throws for an order that does
 * not balance.
 */
export function buildOrderEditPlan(
  summarized: Order,
  current: Order,
  options: OrderEditPlanOptions,
): OrderEditPlan | undefined {
  assertSameOrder(summarized, current);
  const planOptions = {
    day: options.editDay,
    baseDocNumber: options.docNumber,
    customerName: options.customerName,
    shippingItemName: options.shippingItemName,
    adjustmentItemName: options.adjustmentItemName,
    tipItemName: options.tipItemName,
  };
  const before = buildSummaryPlan([summarized], planOptions);
  const after = buildSummaryPlan([current], planOptions);
  const inclusive = current.taxesIncluded;
  const lines: PlanLine[] = [
    ...diffItemLines(before.lines, after.lines),
    ...diffOtherLines(before.lines, after.lines),
    ...changeLine(
      options.discountItemName,
      'Discount change',
      -(after.discountTotal - before.discountTotal),
    ),
    ...changeLine(
      options.giftCardItemName,
      'Gift card redemption change',
      -(after.giftCardTotal - before.giftCardTotal),
    ),
    ...(inclusive
      ? []
      : changeLine(options.taxItemName, 'Sales tax change', after.taxTotal - before.taxTotal)),
  ];
  const difference = sumAmounts(lines.map((line) => line.amount));

  if (lines.length === 0) {
    return undefined;
  }

  const refund = difference < 0;
  const signed = refund ? lines.map(negateLine) : lines;

  return {
    documentKind: refund ? 'refund_receipt' : 'sales_receipt',
    currency: current.currency,
    docNumber: options.docNumber,
    txnDate: options.editDay,
    privateNote:
      `${current.channel} order ${current.orderNumber} (${current.channelOrderId}) edited on ` +
      `${current.updatedAt} after its daily summary posted: correction of ` +
      `${minorToDecimal(difference, current.currency)} ${current.currency}`,
    customerName: options.customerName,
    taxTreatment: inclusive ? 'inclusive' : 'exclusive',
    lines: signed,
    total: Math.abs(difference),
    difference,
  };
}

function assertSameOrder(summarized: Order, current: Order): void {
  if (
    summarized.channel !== current.channel ||
    summarized.channelOrderId !== current.channelOrderId
  ) {
    throw new AccountingError(
      AccountingErrorCode.InvalidOption,
      `An edit compares two versions of one order, but got ${summarized.channel} ${summarized.channelOrderId} and ${current.channel} ${current.channelOrderId}`,
    );
  }

  if (summarized.currency !== current.currency) {
    throw new AccountingError(
      AccountingErrorCode.InvalidOption,
      `Order ${current.channelOrderId} changed currency from ${summarized.currency} to ${current.currency} after its summary posted; correct it in QuickBooks by hand`,
    );
  }

  if (summarized.taxesIncluded !== current.taxesIncluded) {
    throw new AccountingError(
      AccountingErrorCode.InvalidOption,
      `Order ${current.channelOrderId} changed between tax-inclusive and tax-exclusive prices after its summary posted; correct it in QuickBooks by hand`,
    );
  }
}

/** Returns one line per SKU and unit price whose quantity changed, at the quantity difference. */
function diffItemLines(before: readonly PlanLine[], after: readonly PlanLine[]): ItemPlanLine[] {
  const keyOf = (line: ItemPlanLine): string =>
    JSON.stringify([line.sku.trim().toLowerCase() || line.name, line.unitPrice, line.taxable]);
  const changes = new Map<string, ItemPlanLine>();

  for (const line of after.filter(isItemLine)) {
    changes.set(keyOf(line), { ...line });
  }

  for (const line of before.filter(isItemLine)) {
    const key = keyOf(line);
    const existing = changes.get(key);

    if (existing) {
      existing.quantity -= line.quantity;
      existing.amount = sumAmounts([existing.amount, -line.amount]);
    } else {
      changes.set(key, { ...line, quantity: -line.quantity, amount: -line.amount });
    }
  }

  return [...changes.values()].filter((line) => line.quantity !== 0);
}

/** Returns one line per kind and item of the other lines (shipping, tips, rounding) that changed. */
function diffOtherLines(before: readonly PlanLine[], after: readonly PlanLine[]): PlanLine[] {
  const changes = new Map<string, PlanLine>();

  for (const [lines, sign] of [
    [after, 1],
    [before, -1],
  ] as const) {
    for (const line of lines) {
      if (line.kind === 'item') {
        continue;
      }

      const key = JSON.stringify([line.kind, line.itemName]);
      const existing = changes.get(key);

      if (existing) {
        existing.amount = sumAmounts([existing.amount, sign * line.amount]);
      } else {
        changes.set(key, { ...line, amount: sign * line.amount });
      }
    }
  }

  return [...changes.values()].filter((line) => line.amount !== 0);
}

function changeLine(itemName: string, description: string, amount: number): AdjustmentPlanLine[] {
  return amount === 0 ? [] : [{ kind: 'adjustment', itemName, description, amount }];
}

function negateLine(line: PlanLine): PlanLine {
  return line.kind === 'item'
    ? { ...line, quantity: -line.quantity, amount: -line.amount }
    : { ...line, amount: -line.amount };
}

function isItemLine(line: PlanLine): line is ItemPlanLine {
  return line.kind === 'item';
}
