import {
  ORDER_SCHEMA_VERSION,
  type Discount,
  type Order,
  type OrderLine,
  type ShippingLine,
  type TaxLine,
} from '@qbsync/contracts';

import { ChannelPayloadError } from '../channel/channel-adapter';
import {
  assignDefined,
  buildSource,
  firstText,
  parseChannelPayload,
  readCurrency,
  readDecimal,
  splitLineTotal,
  validateOrder,
  type ChannelNormaliseContext,
} from '../channel-support';
import {
  amazonOrderBundleSchema,
  type AmazonMoney,
  type AmazonOrderBundle,
} from './amazon.schemas';

/** Statuses whose orders carry no prices yet (Pending) or nothing to post (Canceled). */
export const AMAZON_UNPOSTABLE_STATUSES = new Set(['Pending', 'PendingAvailability', 'Canceled']);

interface AmazonMapping {
  bundle: AmazonOrderBundle;
  currency: string;
  orderId: string;
}

/**
 * Converts an Amazon order (`getOrder`) with its items (`getOrderItems`) into the canonical order.
 * `ItemPrice` is the price of the whole quantity, and each tax is reduced by the tax on its
 * discount (`PromotionDiscountTax`, `ShippingDiscountTax`), which is how Amazon's `OrderTotal`
 * adds up. Items with `QuantityOrdered` 0 were cancelled and are left out.
 *
 * Throws `ChannelPayloadError` for a Pending order (Amazon sends no prices until payment is
 * authorised), for amounts in more than one currency and for any invalid field.
 */
export function normaliseAmazonOrder(payload: unknown, context: ChannelNormaliseContext): Order {
  const bundle = parseChannelPayload(
    amazonOrderBundleSchema,
    payload,
    'Amazon order',
    (raw) => (raw.order as { AmazonOrderId?: unknown } | undefined)?.AmazonOrderId,
  );
  const { order } = bundle;
  const orderId = order.AmazonOrderId;

  if (order.OrderStatus === 'Pending' || order.OrderStatus === 'PendingAvailability') {
    throw new ChannelPayloadError(
      `order.OrderStatus: ${order.OrderStatus} orders have no prices yet; the order is read ` +
        'again once Amazon reports it Unshipped or Shipped',
      'order.OrderStatus',
      orderId,
    );
  }

  if (!order.OrderTotal) {
    throw new ChannelPayloadError(
      'order.OrderTotal: is missing; expected the order total such as {"CurrencyCode": "USD", "Amount": "11.01"}',
      'order.OrderTotal',
      orderId,
    );
  }

  const mapping: AmazonMapping = {
    bundle,
    currency: readCurrency(order.OrderTotal.CurrencyCode, 'order.OrderTotal.CurrencyCode', orderId),
    orderId,
  };
  const lines: OrderLine[] = [];
  const shipping = { price: 0, discount: 0, tax: 0 };

  for (const [index, item] of bundle.items.entries()) {
    if (item.QuantityOrdered === 0) {
      continue;
    }

    const path = `items[${index}]`;

    lines.push(...mapItem(mapping, index));
    shipping.price += amount(mapping, item.ShippingPrice, `${path}.ShippingPrice`);
    shipping.discount += amount(mapping, item.ShippingDiscount, `${path}.ShippingDiscount`);
    shipping.tax += netTax(
      mapping,
      [item.ShippingTax, `${path}.ShippingTax`],
      [item.ShippingDiscountTax, `${path}.ShippingDiscountTax`],
    );
  }

  if (lines.length === 0) {
    throw new ChannelPayloadError(
      'items: every item has QuantityOrdered 0, so the order was cancelled and has nothing to post',
      'items',
      orderId,
    );
  }

  const shippingLines: ShippingLine[] =
    shipping.price > 0
      ? [
          {
            title: 'Shipping',
            price: shipping.price,
            discounts:
              shipping.discount > 0
                ? [{ title: 'Shipping discount', amount: shipping.discount }]
                : [],
            taxes: shipping.tax > 0 ? [{ name: 'Tax', rate: '0', amount: shipping.tax }] : [],
          },
        ]
      : [];
  const allTaxes = [...lines, ...shippingLines].flatMap((line) => line.taxes);
  const discounts = [...lines, ...shippingLines].flatMap((line) => line.discounts);

  const normalised: Order = {
    schemaVersion: ORDER_SCHEMA_VERSION,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'amazon',
    channelOrderId: orderId,
    orderNumber: orderId,
    createdAt: new Date(order.PurchaseDate).toISOString(),
    updatedAt: new Date(order.LastUpdateDate).toISOString(),
    financialStatus: order.OrderStatus,
    currency: mapping.currency,
    presentmentCurrency: mapping.currency,
    taxesIncluded: false,
    customer: assignDefined(
      {},
      {
        email: firstText(order.BuyerInfo?.BuyerEmail),
        ...splitName(order.BuyerInfo?.BuyerName),
      },
    ),
    lines,
    shippingLines,
    orderDiscounts: [],
    taxLines: [],
    payments:
      order.OrderStatus === 'Canceled'
        ? []
        : [
            {
              gateway: 'amazon',
              amount: readDecimal(
                order.OrderTotal.Amount,
                mapping.currency,
                'order.OrderTotal.Amount',
                orderId,
              ),
              kind: 'sale',
              status: 'success',
            },
          ],
    totals: {
      subtotal: lines.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0),
      discounts: sumAmounts(discounts),
      shipping: shipping.price,
      tax: sumAmounts(allTaxes),
      total: readDecimal(
        order.OrderTotal.Amount,
        mapping.currency,
        'order.OrderTotal.Amount',
        orderId,
      ),
    },
    tags: [],
    customFields: customFields(bundle),
    source: buildSource(context, `amazon:order:${orderId}`),
  };

  assignDefined(normalised, {
    cancelledAt: order.OrderStatus === 'Canceled' ? normalised.updatedAt : undefined,
    shippingAddress: order.ShippingAddress
      ? assignDefined(
          {},
          {
            name: firstText(order.ShippingAddress.Name),
            line1: firstText(order.ShippingAddress.AddressLine1),
            line2: firstText(order.ShippingAddress.AddressLine2),
            city: firstText(order.ShippingAddress.City),
            regionCode: firstText(order.ShippingAddress.StateOrRegion),
            postalCode: firstText(order.ShippingAddress.PostalCode),
            countryCode: firstText(order.ShippingAddress.CountryCode),
            phone: firstText(order.ShippingAddress.Phone),
          },
        )
      : undefined,
  });

  return validateOrder(normalised, 'Amazon');
}

function mapItem(mapping: AmazonMapping, index: number): OrderLine[] {
  const item = mapping.bundle.items[index];
  const path = `items[${index}]`;
  const price = amount(mapping, item.ItemPrice, `${path}.ItemPrice`);
  const { unitPrice, remainder } = splitLineTotal(price, item.QuantityOrdered);
  const promotion = amount(mapping, item.PromotionDiscount, `${path}.PromotionDiscount`);
  const tax = netTax(
    mapping,
    [item.ItemTax, `${path}.ItemTax`],
    [item.PromotionDiscountTax, `${path}.PromotionDiscountTax`],
  );
  const discounts: Discount[] = [];

  if (promotion > 0) {
    discounts.push(
      assignDefined<Discount>({ amount: promotion }, { code: item.PromotionIds?.join(', ') }),
    );
  }

  if (remainder > 0) {
    discounts.push({ title: 'Rounding', amount: remainder });
  }

  const lines: OrderLine[] = [
    {
      lineId: item.OrderItemId,
      sku: item.SellerSKU?.trim() ?? '',
      name: firstText(item.Title, item.SellerSKU, item.ASIN) ?? `Order item ${item.OrderItemId}`,
      ...assignDefined<Partial<OrderLine>>({}, { productId: firstText(item.ASIN) }),
      quantity: item.QuantityOrdered,
      unitPrice,
      discounts,
      taxes: tax > 0 ? [{ name: 'Tax', rate: '0', amount: tax }] : [],
      taxable: tax > 0,
      requiresShipping: true,
      giftCard: false,
      customFields: item.ASIN ? [{ name: 'ASIN', value: item.ASIN }] : [],
    },
  ];
  const giftWrap = amount(
    mapping,
    item.BuyerInfo?.GiftWrapPrice,
    `${path}.BuyerInfo.GiftWrapPrice`,
  );
  const codFee = amount(mapping, item.CODFee, `${path}.CODFee`);

  if (giftWrap > 0) {
    const giftWrapTax = amount(
      mapping,
      item.BuyerInfo?.GiftWrapTax,
      `${path}.BuyerInfo.GiftWrapTax`,
    );

    lines.push(chargeLine(`${item.OrderItemId}-gift-wrap`, 'Gift wrap', giftWrap, giftWrapTax, 0));
  }

  if (codFee > 0) {
    lines.push(
      chargeLine(
        `${item.OrderItemId}-cod-fee`,
        'Cash on delivery fee',
        codFee,
        0,
        amount(mapping, item.CODFeeDiscount, `${path}.CODFeeDiscount`),
      ),
    );
  }

  return lines;
}

function chargeLine(
  lineId: string,
  name: string,
  price: number,
  tax: number,
  discount: number,
): OrderLine {
  return {
    lineId,
    sku: '',
    name,
    quantity: 1,
    unitPrice: price,
    discounts: discount > 0 ? [{ title: `${name} discount`, amount: discount }] : [],
    taxes: tax > 0 ? [{ name: 'Tax', rate: '0', amount: tax }] : [],
    taxable: tax > 0,
    requiresShipping: false,
    giftCard: false,
    customFields: [],
  };
}

/** Reads an Orders v0 Money in the order's currency; absent Money is 0. */
function amount(
  mapping: AmazonMapping,
  money: AmazonMoney | null | undefined,
  field: string,
): number {
  if (!money) {
    return 0;
  }

  if (money.CurrencyCode !== mapping.currency) {
    throw new ChannelPayloadError(
      `${field}.CurrencyCode: "${money.CurrencyCode}" differs from the order total's ${mapping.currency}; ` +
        'an order item must be priced in the order currency',
      `${field}.CurrencyCode`,
      mapping.orderId,
    );
  }

  const value = readDecimal(money.Amount, mapping.currency, `${field}.Amount`, mapping.orderId);

  if (value < 0) {
    throw new ChannelPayloadError(
      `${field}.Amount: ${money.Amount} must not be negative`,
      `${field}.Amount`,
      mapping.orderId,
    );
  }

  return value;
}

/** Returns a tax less the tax on its discount, as Amazon's `OrderTotal` counts it. */
function netTax(
  mapping: AmazonMapping,
  [tax, taxField]: [AmazonMoney | null | undefined, string],
  [discountTax, discountTaxField]: [AmazonMoney | null | undefined, string],
): number {
  return Math.max(
    0,
    amount(mapping, tax, taxField) - amount(mapping, discountTax, discountTaxField),
  );
}

function splitName(name: string | null | undefined): { firstName?: string; lastName?: string } {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);

  return parts.length === 0
    ? {}
    : { firstName: parts[0], lastName: parts.slice(1).join(' ') || undefined };
}

function sumAmounts(items: readonly (TaxLine | Discount)[]): number {
  return items.reduce((sum, item) => sum + item.amount, 0);
}

function customFields(bundle: AmazonOrderBundle): Order['customFields'] {
  const { order } = bundle;
  const fields: [string, unknown][] = [
    ['OrderStatus', order.OrderStatus],
    ['FulfillmentChannel', order.FulfillmentChannel],
    ['SalesChannel', order.SalesChannel],
    ['MarketplaceId', order.MarketplaceId],
    ['OrderType', order.OrderType],
    ['IsPrime', order.IsPrime],
    ['IsBusinessOrder', order.IsBusinessOrder],
    ['PurchaseOrderNumber', order.BuyerInfo?.PurchaseOrderNumber],
    ['SellerOrderId', order.SellerOrderId],
  ];

  return fields.flatMap(([name, value]) =>
    value === null || value === undefined || String(value).trim() === ''
      ? []
      : [{ name, value: String(value) }],
  );
}
