import { type Order, type OrderLine, type TaxLine } from '@qbsync/contracts';

import { allocateByWeights } from './allocation';
import { multiplyAmount, sumAmounts } from './amounts';
import { hasLineTaxes } from './order-totals';
import {
  type FeePlanLine,
  type ItemPlanLine,
  type PlanTaxLine,
  type ShippingPlanLine,
  type TipPlanLine,
} from './posting-plan.types';

/**
 * Builds one item line per order line at the channel's unit price, so `amount` is exactly
 * `quantity × unitPrice`. Discounts stay out of the unit price and go to the one discount line.
 * Gift-card lines are kept: selling a gift card is a non-taxable sale on a liability item.
 */
export function buildItemLines(order: Order): ItemPlanLine[] {
  const orderHasLineTaxes = hasLineTaxes(order);

  return order.lines.map((line) => ({
    kind: 'item',
    sku: line.sku,
    name: line.name,
    description: describeLine(line),
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    amount: multiplyAmount(line.unitPrice, line.quantity),
    taxable: isItemTaxable(line, order, orderHasLineTaxes),
    lineId: line.lineId,
  }));
}

/**
 * Builds one line per shipping charge at its price before discounts. Free shipping (price 0) is
 * left out. A shipping line is taxable only when the channel taxed it.
 */
export function buildShippingLines(order: Order, itemName: string): ShippingPlanLine[] {
  return order.shippingLines
    .filter((line) => line.price > 0)
    .map((line) => ({
      kind: 'shipping',
      itemName,
      description: line.title,
      amount: line.price,
      taxable: hasPositiveTax(line.taxes),
    }));
}

/** Builds one non-taxable line per tip; tips of 0 are left out. */
export function buildTipLines(order: Order, itemName: string): TipPlanLine[] {
  return (order.tips ?? [])
    .filter((tip) => tip.amount > 0)
    .map((tip) => ({
      kind: 'tip',
      itemName,
      description: tip.title,
      amount: tip.amount,
      taxable: false,
    }));
}

/**
 * Builds one negative line for the order's merchant fees, or none when the channel reported none.
 * The description names each fee, so the line shows what the processor kept.
 */
export function buildFeeLine(order: Order, itemName: string): FeePlanLine | undefined {
  const fees = (order.fees ?? []).filter((fee) => fee.amount > 0);
  const total = sumAmounts(fees.map((fee) => fee.amount));

  if (total === 0) {
    return undefined;
  }

  return {
    kind: 'fee',
    itemName,
    description: `Merchant fees: ${fees.map((fee) => fee.title).join(', ')}`.slice(0, 4000),
    amount: -total,
    taxable: false,
  };
}

/**
 * Splits the order's discounts into the part that reduces taxable lines and the part that reduces
 * the rest, so a discount line can carry the tax code of the lines it reduces. Line and shipping
 * discounts follow their own line. Order-level discounts are allocated across the two groups in
 * proportion to their item amounts after line discounts.
 */
export function splitDiscountsByTaxability(
  order: Order,
  itemLines: readonly ItemPlanLine[],
): { taxable: number; nonTaxable: number } {
  let taxable = 0;
  let nonTaxable = 0;
  let taxableNet = 0;
  let nonTaxableNet = 0;

  order.lines.forEach((line, index) => {
    const discount = sumAmounts(line.discounts.map((entry) => entry.amount));
    const net = Math.max(0, itemLines[index].amount - discount);

    if (itemLines[index].taxable) {
      taxable += discount;
      taxableNet += net;
    } else {
      nonTaxable += discount;
      nonTaxableNet += net;
    }
  });

  for (const line of order.shippingLines) {
    const discount = sumAmounts(line.discounts.map((entry) => entry.amount));

    if (hasPositiveTax(line.taxes)) {
      taxable += discount;
    } else {
      nonTaxable += discount;
    }
  }

  const orderDiscount = sumAmounts(order.orderDiscounts.map((entry) => entry.amount));
  const weights = taxableNet + nonTaxableNet > 0 ? [taxableNet, nonTaxableNet] : [0, 1];
  const [taxableShare, nonTaxableShare] = allocateByWeights(orderDiscount, weights);

  return {
    taxable: sumAmounts([taxable, taxableShare]),
    nonTaxable: sumAmounts([nonTaxable, nonTaxableShare]),
  };
}

/**
 * Returns the order's tax summary. When the channel sent none, the line and shipping taxes are
 * summed by name, rate and jurisdiction instead.
 */
export function buildPlanTaxLines(order: Order): PlanTaxLine[] {
  if (order.taxLines.length > 0) {
    return order.taxLines.map(toPlanTaxLine);
  }

  const byKey = new Map<string, PlanTaxLine>();
  const lineTaxes = [...order.lines, ...order.shippingLines].flatMap((line) => line.taxes);

  for (const tax of lineTaxes) {
    const key = JSON.stringify([tax.name, tax.rate, tax.jurisdiction ?? null]);
    const existing = byKey.get(key);

    if (existing) {
      existing.amount = sumAmounts([existing.amount, tax.amount]);
    } else {
      byKey.set(key, toPlanTaxLine(tax));
    }
  }

  return [...byKey.values()];
}

/**
 * Decides whether a line is taxable: the channel marks it taxable and it carries tax. When no line
 * of the order lists its taxes, because the channel reports tax only for the whole order, a line
 * the channel marks taxable counts as taxable whenever the order has tax.
 */
function isItemTaxable(line: OrderLine, order: Order, orderHasLineTaxes: boolean): boolean {
  if (!line.taxable || line.giftCard) {
    return false;
  }

  if (line.taxes.length > 0) {
    return hasPositiveTax(line.taxes);
  }

  return !orderHasLineTaxes && order.totals.tax > 0;
}

function hasPositiveTax(taxes: readonly TaxLine[]): boolean {
  return taxes.some((tax) => tax.amount > 0);
}

function describeLine(line: OrderLine): string {
  return line.variantTitle ? `${line.name} - ${line.variantTitle}` : line.name;
}

function toPlanTaxLine(tax: TaxLine): PlanTaxLine {
  const planTaxLine: PlanTaxLine = { name: tax.name, rate: tax.rate, amount: tax.amount };

  if (tax.jurisdiction !== undefined) {
    planTaxLine.jurisdiction = tax.jurisdiction;
  }

  return planTaxLine;
}
