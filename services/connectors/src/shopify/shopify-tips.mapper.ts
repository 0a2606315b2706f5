import { type Tip } from '@qbsync/contracts';

import { type ShopifyMappingContext } from './shopify-order.mappers';
import { type ShopifyLineItem } from './shopify-order.schema';

/** The title Shopify gives the line item that carries a buyer's tip. */
const TIP_LINE_TITLE = /^tip$/i;

/**
 * Returns true for a line item that is the buyer's tip rather than a product: titled "Tip", with no
 * product, not a gift card, and with no tax or discount. Any other line titled "Tip" stays a
 * product line. A tip in the order contract has no tax or discount, so moving such a line to the
 * tips would drop them from the order.
 */
export function isTipLineItem(item: ShopifyLineItem): boolean {
  const titled = [item.title, item.name].some((text) => TIP_LINE_TITLE.test(text?.trim() ?? ''));
  const withoutProduct = item.product_id === null || item.product_id === undefined;
  const untaxed = (item.tax_lines ?? []).every((tax) => Number(tax.price) === 0);
  const undiscounted = (item.discount_allocations ?? []).every(
    (allocation) => Number(allocation.amount) === 0,
  );

  return titled && withoutProduct && !item.gift_card && untaxed && undiscounted;
}

/**
 * Maps the order's tips: one per tip line item, or else one for `total_tip_received`. Shopify
 * includes tips in `total_price`. Returns undefined when the order has none.
 */
export function mapTips(context: ShopifyMappingContext): Tip[] | undefined {
  const { payload, money } = context;
  const tipLines = tipLineAmounts(context);

  if (tipLines.length > 0) {
    return tipLines.map(({ item, amount }) => ({ title: item.title.trim() || 'Tip', amount }));
  }

  if (!payload.total_tip_received) {
    return undefined;
  }

  // NOTE: total_tip_received has no presentment `_set` twin, so an order normalised in a buyer
  // currency other than the shop's gets no tip here, and the balance check reports the gap.
  const amount = money.readShopOnly(payload.total_tip_received, 'total_tip_received');

  return amount !== undefined && amount > 0 ? [{ title: 'Tip', amount }] : undefined;
}

/**
 * Returns `total_line_items_price` without the tip line items. Shopify's reference does not say
 * whether that total counts tip line items, so they are taken out only when the reported total
 * equals the sum over every line item, tips included.
 */
export function subtractTipLines(context: ShopifyMappingContext, reported: number): number {
  const tipTotal = tipLineAmounts(context).reduce((sum, { amount }) => sum + amount, 0);

  if (tipTotal === 0) {
    return reported;
  }

  const allLinesTotal = context.payload.line_items.reduce(
    (sum, item, index) => sum + lineAmount(context, item, index),
    0,
  );

  return reported === allLinesTotal ? reported - tipTotal : reported;
}

function tipLineAmounts(
  context: ShopifyMappingContext,
): { item: ShopifyLineItem; amount: number }[] {
  return context.payload.line_items.flatMap((item, index) =>
    isTipLineItem(item) ? [{ item, amount: lineAmount(context, item, index) }] : [],
  );
}

/** Price × quantity of one line item, in minor units. */
function lineAmount(context: ShopifyMappingContext, item: ShopifyLineItem, index: number): number {
  const path = `line_items[${index}].price`;

  return context.money.read(item.price, item.price_set, path) * item.quantity;
}
