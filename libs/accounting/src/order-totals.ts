import { minorToDecimal, type Order, type OrderTotals } from '@qbsync/contracts';

import { multiplyAmount, sumAmounts } from './amounts';

/** Sums of an order's parts, in minor units of `order.currency`. */
export interface OrderPartSums {
  /** Quantity × unit price over every product line, before discounts. */
  itemTotal: number;
  /** Shipping prices before their discounts. */
  shippingTotal: number;
  lineDiscountTotal: number;
  shippingDiscountTotal: number;
  orderDiscountTotal: number;
  /** Line, shipping and order-level discounts together. */
  discountTotal: number;
  /** Taxes listed on product and shipping lines. */
  lineTaxTotal: number;
  /** Taxes listed in the order's own tax summary (`order.taxLines`). */
  taxSummaryTotal: number;
  /** Tips the buyer added, part of the channel total. */
  tipTotal: number;
}

/** A total the channel reported that its own parts do not reproduce. */
export interface TotalsInconsistency {
  field: keyof OrderTotals;
  /** The value in `order.totals`. */
  reported: number;
  /** The value computed from the order's parts. */
  computed: number;
  message: string;
}

export function sumOrderParts(order: Order): OrderPartSums {
  const lineDiscountTotal = sumAmounts(
    order.lines.flatMap((line) => line.discounts.map((discount) => discount.amount)),
  );
  const shippingDiscountTotal = sumAmounts(
    order.shippingLines.flatMap((line) => line.discounts.map((discount) => discount.amount)),
  );
  const orderDiscountTotal = sumAmounts(order.orderDiscounts.map((discount) => discount.amount));

  return {
    itemTotal: sumAmounts(order.lines.map((line) => multiplyAmount(line.unitPrice, line.quantity))),
    shippingTotal: sumAmounts(order.shippingLines.map((line) => line.price)),
    lineDiscountTotal,
    shippingDiscountTotal,
    orderDiscountTotal,
    discountTotal: sumAmounts([lineDiscountTotal, shippingDiscountTotal, orderDiscountTotal]),
    lineTaxTotal: sumAmounts(
      [...order.lines, ...order.shippingLines].flatMap((line) =>
        line.taxes.map((tax) => tax.amount),
      ),
    ),
    taxSummaryTotal: sumAmounts(order.taxLines.map((tax) => tax.amount)),
    tipTotal: sumAmounts((order.tips ?? []).map((tip) => tip.amount)),
  };
}

/**
 * Compares the order's totals with the sums of its parts and returns every mismatch, for logging.
 * An empty list means the order is consistent. Tax is compared with the line taxes only when some
 * line lists a tax, and with the tax summary only when the order has one, because channels may
 * report tax at only one of the two levels.
 */
export function checkOrderTotals(order: Order): TotalsInconsistency[] {
  const sums = sumOrderParts(order);
  const { totals, currency } = order;
  const format = (amount: number): string => `${minorToDecimal(amount, currency)} ${currency}`;
  const inconsistencies: TotalsInconsistency[] = [];

  const compare = (field: keyof OrderTotals, computed: number, source: string): void => {
    const reported = totals[field];

    if (reported !== computed) {
      inconsistencies.push({
        field,
        reported,
        computed,
        message: `totals.${field} is ${format(reported)} but ${source} is ${format(computed)}`,
      });
    }
  };

  compare('subtotal', sums.itemTotal, 'the sum of quantity × unit price over the lines');
  compare('discounts', sums.discountTotal, 'the sum of line, shipping and order discounts');
  compare('shipping', sums.shippingTotal, 'the sum of the shipping line prices');

  if (hasLineTaxes(order)) {
    compare('tax', sums.lineTaxTotal, 'the sum of the line and shipping taxes');
  }

  if (order.taxLines.length > 0) {
    compare('tax', sums.taxSummaryTotal, 'the sum of the order tax lines');
  }

  const beforeTax = totals.subtotal - totals.discounts + totals.shipping + sums.tipTotal;
  const tips = sums.tipTotal > 0 ? ' + tips' : '';

  if (order.taxesIncluded) {
    compare('total', beforeTax, `subtotal − discounts + shipping${tips} (tax included in prices)`);
  } else {
    compare('total', beforeTax + totals.tax, `subtotal − discounts + shipping${tips} + tax`);
  }

  return inconsistencies;
}

export function hasLineTaxes(order: Order): boolean {
  return [...order.lines, ...order.shippingLines].some((line) => line.taxes.length > 0);
}
