import { minorToDecimal, type Order } from '@qbsync/contracts';

import {
  AccountingError,
  AccountingErrorCode,
  OrderDoesNotBalanceError,
} from './accounting.errors';
import { sumAmounts } from './amounts';
import {
  QBO_DOC_NUMBER_MAX_LENGTH,
  formatDocNumber,
  formatPrivateNote,
  formatTxnDate,
} from './document-fields';
import { sumOrderParts } from './order-totals';
import { spreadItemDiscounts } from './discount-spread';
import { buildPlanCustomer } from './plan-customer';
import {
  buildFeeLine,
  buildItemLines,
  buildPlanTaxLines,
  buildShippingLines,
  buildTipLines,
  splitDiscountsByTaxability,
} from './plan-lines';
import {
  type AdjustmentPlanLine,
  type PlanLine,
  type PostingPlan,
  type SalesReceiptPlanOptions,
} from './posting-plan.types';

export const DEFAULT_SHIPPING_ITEM_NAME = 'Shipping';
export const DEFAULT_ADJUSTMENT_ITEM_NAME = 'Rounding Adjustment';
export const DEFAULT_TIP_ITEM_NAME = 'Tips';
/** Cap of the default rounding tolerance, in minor units per document (0.05 in USD). */
export const DEFAULT_MAX_ADJUSTMENT_CAP = 5;

interface BalanceInput {
  order: Order;
  itemTotal: number;
  shippingTotal: number;
  tipTotal: number;
  discountTotal: number;
  taxTotal: number;
  tolerance: number;
  adjustmentItemName: string;
}

/**
 * Builds the sales receipt plan for `order`: item lines, shipping lines, tip lines, one discount
 * amount and the channel's own tax. When per-line rounding leaves the computed total a few minor
 * units off the channel total, an adjustment line closes the gap. With `merchantFeeItemName` the
 * order's fees follow as one negative line, so the plan's total is the channel total less fees.
 *
 * Throws `OrderDoesNotBalanceError` when the gap is larger than `maxAdjustment`, and an
 * `AccountingError` with code `InvalidOption` or `AmountOutOfRange` for bad options or amounts.
 */
export function buildSalesReceiptPlan(
  order: Order,
  options: SalesReceiptPlanOptions = {},
): PostingPlan {
  const channelItemLines = buildItemLines(order);
  const spreadLines =
    options.discountPosting === 'spread' ? spreadItemDiscounts(order, channelItemLines) : undefined;
  const itemLines = spreadLines ?? channelItemLines;
  const shippingLines = buildShippingLines(
    order,
    options.shippingItemName ?? DEFAULT_SHIPPING_ITEM_NAME,
  );
  const tipLines = buildTipLines(order, options.tipItemName ?? DEFAULT_TIP_ITEM_NAME);
  const tipTotal = sumAmounts(tipLines.map((line) => line.amount));
  const postedLineCount = itemLines.length + shippingLines.length;
  // Spread discounts are already in the item amounts; only shipping discounts stay a discount.
  const discountTotal = spreadLines
    ? sumShippingDiscounts(order)
    : sumOrderParts(order).discountTotal;
  const taxTotal = order.totals.tax;

  const adjustmentLine = buildAdjustmentLine({
    order,
    itemTotal: sumAmounts(itemLines.map((line) => line.amount)),
    shippingTotal: sumAmounts(shippingLines.map((line) => line.amount)),
    tipTotal,
    discountTotal,
    taxTotal,
    tolerance: resolveTolerance(options.maxAdjustment, postedLineCount),
    adjustmentItemName: options.adjustmentItemName ?? DEFAULT_ADJUSTMENT_ITEM_NAME,
  });

  const lines: PlanLine[] = [...itemLines, ...shippingLines, ...tipLines];

  if (adjustmentLine) {
    lines.push(adjustmentLine.line);
  }

  const feeLine = options.merchantFeeItemName
    ? buildFeeLine(order, options.merchantFeeItemName)
    : undefined;

  if (feeLine) {
    lines.push(feeLine);
  }

  const subtotal = sumAmounts(lines.map((line) => line.amount));
  const { docNumber, truncated } = formatDocNumber(
    order,
    options.docNumberPrefix ?? '',
    options.docNumberMaxLength ?? QBO_DOC_NUMBER_MAX_LENGTH,
  );

  const plan: PostingPlan = {
    documentKind: 'sales_receipt',
    currency: order.currency,
    docNumber,
    docNumberTruncated: truncated,
    txnDate: formatTxnDate(order, options.timeZone),
    privateNote: formatPrivateNote(order),
    customer: buildPlanCustomer(order),
    lines,
    discountTotal,
    discountByTaxability: spreadLines
      ? splitShippingDiscountsByTaxability(order)
      : splitDiscountsByTaxability(order, itemLines),
    taxTreatment: order.taxesIncluded ? 'inclusive' : 'exclusive',
    taxTotal,
    taxLines: buildPlanTaxLines(order),
    subtotal,
    total: computeTotal(subtotal, discountTotal, taxTotal, order.taxesIncluded),
    channelTotal: order.totals.total,
    giftCardTotal: sumGiftCardPayments(order),
  };

  if (adjustmentLine) {
    plan.adjustment = adjustmentLine.adjustment;
  }

  if (tipTotal > 0) {
    plan.tipTotal = tipTotal;
  }

  if (feeLine) {
    plan.feeTotal = -feeLine.amount;
  }

  return plan;
}

/**
 * Returns the line that closes a rounding gap between the computed and the channel total, none
 * when they agree, and throws `OrderDoesNotBalanceError` when the gap exceeds the tolerance.
 */
function buildAdjustmentLine(
  input: BalanceInput,
): { line: AdjustmentPlanLine; adjustment: { amount: number; reason: string } } | undefined {
  const { order, tolerance } = input;
  const lineTotal = sumAmounts([input.itemTotal, input.shippingTotal, input.tipTotal]);
  const computedTotal = computeTotal(
    lineTotal,
    input.discountTotal,
    input.taxTotal,
    order.taxesIncluded,
  );
  const difference = order.totals.total - computedTotal;

  if (difference === 0) {
    return undefined;
  }

  if (Math.abs(difference) > tolerance) {
    throw new OrderDoesNotBalanceError(describeImbalance(input, computedTotal), {
      currency: order.currency,
      channelTotal: order.totals.total,
      computedTotal,
      itemTotal: input.itemTotal,
      shippingTotal: input.shippingTotal,
      discountTotal: input.discountTotal,
      taxTotal: input.taxTotal,
      taxesIncluded: order.taxesIncluded,
      tolerance,
    });
  }

  const format = formatterFor(order.currency);
  const reason =
    `The channel total ${format(order.totals.total)} differs from the computed total ` +
    `${format(computedTotal)} by ${format(difference)}, within the rounding tolerance of ` +
    `${format(tolerance)}`;

  return {
    line: {
      kind: 'adjustment',
      itemName: input.adjustmentItemName,
      description: 'Rounding adjustment to match the channel total',
      amount: difference,
    },
    adjustment: { amount: difference, reason },
  };
}

function describeImbalance(input: BalanceInput, computedTotal: number): string {
  const { order } = input;
  const format = formatterFor(order.currency);
  const difference = order.totals.total - computedTotal;
  const formula =
    `items ${format(input.itemTotal)} + shipping ${format(input.shippingTotal)}` +
    (input.tipTotal > 0 ? ` + tips ${format(input.tipTotal)}` : '') +
    ` - discounts ` +
    `${format(input.discountTotal)}` +
    (order.taxesIncluded
      ? ` (tax ${format(input.taxTotal)} is included in the prices)`
      : ` + tax ${format(input.taxTotal)}`);

  return (
    `Order ${order.channel} ${order.channelOrderId} (${order.orderNumber}) does not balance: ` +
    `the channel total is ${format(order.totals.total)} but the lines compute to ` +
    `${format(computedTotal)} from ${formula}. The difference of ${format(difference)} is more ` +
    `than the rounding tolerance of ${format(input.tolerance)}, so compare the order's lines, ` +
    `discounts, shipping and tax with the channel before posting it.`
  );
}

/**
 * Returns `maxAdjustment`, or by default one minor unit per posted line (per-line rounding) plus
 * one for the order-level rounding, at most `DEFAULT_MAX_ADJUSTMENT_CAP` per document.
 */
function resolveTolerance(maxAdjustment: number | undefined, postedLineCount: number): number {
  if (maxAdjustment === undefined) {
    return Math.min(postedLineCount + 1, DEFAULT_MAX_ADJUSTMENT_CAP);
  }

  if (!Number.isSafeInteger(maxAdjustment) || maxAdjustment < 0) {
    throw new AccountingError(
      AccountingErrorCode.InvalidOption,
      `Invalid maxAdjustment ${maxAdjustment}: expected a whole number of minor units, 0 or more`,
    );
  }

  return maxAdjustment;
}

function computeTotal(
  lineTotal: number,
  discountTotal: number,
  taxTotal: number,
  taxesIncluded: boolean,
): number {
  const afterDiscounts = lineTotal - discountTotal;

  return taxesIncluded ? afterDiscounts : sumAmounts([afterDiscounts, taxTotal]);
}

function sumShippingDiscounts(order: Order): number {
  return sumAmounts(
    order.shippingLines.flatMap((line) => line.discounts.map((discount) => discount.amount)),
  );
}

function splitShippingDiscountsByTaxability(order: Order): { taxable: number; nonTaxable: number } {
  let taxable = 0;
  let nonTaxable = 0;

  for (const line of order.shippingLines) {
    const discount = sumAmounts(line.discounts.map((entry) => entry.amount));

    if (line.taxes.some((tax) => tax.amount > 0)) {
      taxable += discount;
    } else {
      nonTaxable += discount;
    }
  }

  return { taxable, nonTaxable };
}

function sumGiftCardPayments(order: Order): number {
  return sumAmounts(
    order.payments
      .filter((payment) => payment.kind === 'gift_card' && payment.status === 'success')
      .map((payment) => payment.amount),
  );
}

function formatterFor(currency: string): (amount: number) => string {
  return (amount) => `${minorToDecimal(amount, currency)} ${currency}`;
}
