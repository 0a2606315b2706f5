import { type Order } from '@qbsync/contracts';

import { allocateByWeights } from './allocation';
import { sumAmounts } from './amounts';
import { type ItemPlanLine } from './posting-plan.types';

/**
 * Lowers the item lines by their own discounts and their share of the order-level discounts
 * (allocated by net amount, largest remainder), instead of posting one discount line. QuickBooks
 * requires `amount = quantity × unitPrice`, so a net amount that does not divide by the quantity
 * becomes two lines of the same item whose unit prices differ by one minor unit.
 *
 * Returns undefined when a line's discounts exceed its amount, which no unit price can show; the
 * caller then posts a discount line instead.
 */
export function spreadItemDiscounts(
  order: Order,
  itemLines: readonly ItemPlanLine[],
): ItemPlanLine[] | undefined {
  const lineDiscounts = order.lines.map((line) =>
    sumAmounts(line.discounts.map((discount) => discount.amount)),
  );
  const nets = itemLines.map((line, index) => line.amount - lineDiscounts[index]!);

  if (nets.some((net) => net < 0)) {
    return undefined;
  }

  const orderDiscount = sumAmounts(order.orderDiscounts.map((discount) => discount.amount));
  // Gift cards are a liability, not a sale, so they carry no share of a discount.
  const weights = nets.map((net, index) => (order.lines[index]!.giftCard ? 0 : net));

  if (orderDiscount > sumAmounts(weights)) {
    return undefined;
  }

  const shares =
    orderDiscount === 0 ? weights.map(() => 0) : allocateByWeights(orderDiscount, weights);

  return itemLines.flatMap((line, index) => splitLine(line, nets[index]! - shares[index]!));
}

function splitLine(line: ItemPlanLine, net: number): ItemPlanLine[] {
  const base = Math.floor(net / line.quantity);
  const remainder = net - base * line.quantity;
  const parts = [
    { quantity: line.quantity - remainder, unitPrice: base },
    { quantity: remainder, unitPrice: base + 1 },
  ];

  return parts
    .filter((part) => part.quantity > 0)
    .map((part) => ({
      ...line,
      quantity: part.quantity,
      unitPrice: part.unitPrice,
      amount: part.quantity * part.unitPrice,
    }));
}
