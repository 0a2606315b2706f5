import {
  minorUnitExponent,
  ORDER_SCHEMA_VERSION,
  type Address,
  type CustomField,
  type Discount,
  type Order,
  type OrderLine,
  type Payment,
  type ShippingLine,
  type TaxLine,
  type Tip,
} from '@qbsync/contracts';

import { ChannelPayloadError } from '../channel/channel-adapter';
import {
  assignDefined,
  buildSource,
  firstText,
  parseChannelPayload,
  percentToRate,
  readCurrency,
  readDecimal,
  splitLineTotal,
  validateOrder,
  type ChannelNormaliseContext,
} from '../channel-support';
import {
  wooOrderSchema,
  type WooFeeLine,
  type WooLineItem,
  type WooMetaData,
  type WooOrder,
} from './woocommerce.schemas';

/**
 * Fee line names that mark a buyer's tip. WooCommerce has no tip field, so tipping extensions add a
 * fee line. Only an exact name counts, because every other fee line is a charge to the buyer.
 */
const TIP_FEE_NAME = /^(tips?|gratuity|gratuities)$/i;

/** Statuses under which WooCommerce has recorded the buyer's payment. */
const PAID_STATUSES = new Set(['processing', 'completed', 'refunded']);

interface WooMapping {
  order: WooOrder;
  currency: string;
  orderId: string;
  /** Tax rate label and percentage by `rate_id`, from the order's `tax_lines`. */
  rates: Map<number, { name: string; rate: string }>;
}

/**
 * Converts a WooCommerce REST v3 order (a webhook body or `GET /orders/{id}`) into the canonical
 * order. Line items, shipping lines and positive fee lines become lines. Negative fee lines
 * (the usual way extensions record gift cards and manual discounts) become order discounts, and
 * untaxed fee lines named as a tip become `tips`. The order gets no merchant `fees`:
 * WooCommerce's `fee_lines` are charges to the buyer, and the payment gateway's fee is not part of
 * the order.
 *
 * WooCommerce reports line amounts before tax even when `prices_include_tax` is true, so the
 * canonical order always has `taxesIncluded: false` and keeps the store setting as a custom field.
 * Throws `ChannelPayloadError` naming the WooCommerce field that is missing or invalid.
 */
export function normaliseWooOrder(payload: unknown, context: ChannelNormaliseContext): Order {
  const order = parseChannelPayload(wooOrderSchema, payload, 'WooCommerce order', (raw) => raw.id);
  const orderId = String(order.id);
  const mapping: WooMapping = {
    order,
    currency: readCurrency(order.currency, 'currency', orderId),
    orderId,
    rates: new Map(
      order.tax_lines.map((line) => [
        line.rate_id,
        {
          name: firstText(line.label, line.rate_code) ?? `Tax rate ${line.rate_id}`,
          rate: percentToRate(line.rate_percent ?? 0),
        },
      ]),
    ),
  };
  const lines = [...order.line_items.map((item, index) => mapLine(mapping, item, index))];
  const feeLines = mapFeeLines(mapping);
  const shippingLines = mapShippingLines(mapping);
  const orderDiscounts = mapNegativeFees(mapping);
  const allLines = [...lines, ...feeLines];
  const amount = (value: string, field: string): number =>
    readDecimal(value, mapping.currency, field, orderId);
  const lineDiscounts = sum(allLines.flatMap((line) => line.discounts.map((d) => d.amount)));

  const normalised: Order = {
    schemaVersion: ORDER_SCHEMA_VERSION,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'woocommerce',
    channelOrderId: orderId,
    orderNumber: order.number,
    createdAt: gmtToIso(order.date_created_gmt),
    updatedAt: gmtToIso(order.date_modified_gmt ?? order.date_created_gmt),
    financialStatus: order.status,
    currency: mapping.currency,
    presentmentCurrency: mapping.currency,
    taxesIncluded: false,
    customer: assignDefined(
      {},
      {
        channelCustomerId: order.customer_id ? String(order.customer_id) : undefined,
        email: firstText(order.billing?.email),
        firstName: firstText(order.billing?.first_name),
        lastName: firstText(order.billing?.last_name),
        company: firstText(order.billing?.company),
        phone: firstText(order.billing?.phone),
      },
    ),
    lines: allLines,
    shippingLines,
    orderDiscounts,
    taxLines: mapOrderTaxLines(mapping),
    payments: mapPayments(mapping),
    totals: {
      subtotal: sum(allLines.map((line) => line.unitPrice * line.quantity)),
      discounts: lineDiscounts + sum(orderDiscounts.map((discount) => discount.amount)),
      shipping: sum(shippingLines.map((line) => line.price)),
      tax: amount(order.total_tax, 'total_tax'),
      total: amount(order.total, 'total'),
    },
    tags: [],
    customFields: mapCustomFields(order),
    source: buildSource(context, `woocommerce:order:${orderId}`),
  };

  assignDefined(normalised, {
    tips: mapTipFees(mapping),
    processedAt: order.date_paid_gmt ? gmtToIso(order.date_paid_gmt) : undefined,
    cancelledAt: order.status === 'cancelled' ? normalised.updatedAt : undefined,
    billingAddress: mapAddress(order.billing),
    shippingAddress: mapAddress(order.shipping),
  });

  return validateOrder(normalised, 'WooCommerce');
}

/** WooCommerce `*_gmt` dates have no offset; they are UTC. */
export function gmtToIso(value: string): string {
  return new Date(value.endsWith('Z') ? value : `${value}Z`).toISOString();
}

function mapLine(mapping: WooMapping, item: WooLineItem, index: number): OrderLine {
  const path = `line_items[${index}]`;
  const subtotal = nonNegative(mapping, item.subtotal, `${path}.subtotal`);
  const total = nonNegative(mapping, item.total, `${path}.total`);
  const { unitPrice, remainder } = splitLineTotal(subtotal, item.quantity);
  const discount = subtotal - total + remainder;
  const coupons = mapping.order.coupon_lines.map((coupon) => coupon.code).join(', ');

  if (discount < 0) {
    throw new ChannelPayloadError(
      `${path}.total: ${item.total} is more than ${path}.subtotal ${item.subtotal}; WooCommerce ` +
        'reports the total after discounts, so it cannot exceed the subtotal',
      `${path}.total`,
      mapping.orderId,
    );
  }

  return {
    lineId: String(item.id),
    sku: item.sku?.trim() ?? '',
    name: firstText(item.name) ?? `Line item ${item.id}`,
    ...assignDefined<Partial<OrderLine>>(
      {},
      {
        productId: item.product_id ? String(item.product_id) : undefined,
        variantId: item.variation_id ? String(item.variation_id) : undefined,
        variantTitle: variantTitle(item.meta_data),
      },
    ),
    quantity: item.quantity,
    unitPrice,
    discounts:
      discount > 0 ? [assignDefined<Discount>({ amount: discount }, { code: coupons })] : [],
    taxes: mapTaxAmounts(mapping, item.taxes, item.total_tax, `${path}`),
    taxable: nonNegative(mapping, item.total_tax, `${path}.total_tax`) > 0,
    requiresShipping: true,
    giftCard: false,
    customFields: metaFields(item.meta_data),
  };
}

/** Positive fee lines (a handling or gift-wrap fee) other than tips are charged like items. */
function mapFeeLines(mapping: WooMapping): OrderLine[] {
  return mapping.order.fee_lines.flatMap((fee, index) => {
    const path = `fee_lines[${index}]`;
    const total = readDecimal(fee.total, mapping.currency, `${path}.total`, mapping.orderId);

    if (total < 0 || isTipFee(mapping, fee, index)) {
      return [];
    }

    return [
      {
        lineId: `fee-${fee.id}`,
        sku: '',
        name: firstText(fee.name) ?? 'Fee',
        quantity: 1,
        unitPrice: total,
        discounts: [],
        taxes: mapTaxAmounts(mapping, fee.taxes, fee.total_tax, path),
        taxable: nonNegative(mapping, fee.total_tax, `${path}.total_tax`) > 0,
        requiresShipping: false,
        giftCard: false,
        customFields: [{ name: 'woocommerce_fee_line', value: String(fee.id) }],
      },
    ];
  });
}

/**
 * Maps the tip fee lines, or returns undefined when there is none. A tip is part of `total` and
 * untaxed, so the fee line keeps its place in the total without a product line.
 */
function mapTipFees(mapping: WooMapping): Tip[] | undefined {
  const tips = mapping.order.fee_lines.flatMap((fee, index) =>
    isTipFee(mapping, fee, index)
      ? [
          {
            title: firstText(fee.name) ?? 'Tip',
            amount: readDecimal(
              fee.total,
              mapping.currency,
              `fee_lines[${index}].total`,
              mapping.orderId,
            ),
          },
        ]
      : [],
  );

  return tips.length > 0 ? tips : undefined;
}

/**
 * Returns true for a positive, untaxed fee line named "Tip", "Tips", "Gratuity" or "Gratuities". A
 * taxed fee line stays a line even under that name, because a tip in the order contract is never
 * taxed and moving it would drop its tax from the lines.
 */
function isTipFee(mapping: WooMapping, fee: WooFeeLine, index: number): boolean {
  const path = `fee_lines[${index}]`;

  return (
    TIP_FEE_NAME.test(fee.name?.trim() ?? '') &&
    readDecimal(fee.total, mapping.currency, `${path}.total`, mapping.orderId) > 0 &&
    nonNegative(mapping, fee.total_tax, `${path}.total_tax`) === 0
  );
}

/**
 * Negative fee lines reduce the order total; they are how gift card and store credit extensions
 * record the amount they cover. NOTE: a negative fee's tax is already netted in `tax_lines`, so
 * the line taxes then add up to more than the order tax and the posting plan reports the gap.
 */
function mapNegativeFees(mapping: WooMapping): Discount[] {
  return mapping.order.fee_lines.flatMap((fee, index) => {
    const total = readDecimal(
      fee.total,
      mapping.currency,
      `fee_lines[${index}].total`,
      mapping.orderId,
    );

    return total < 0 ? [{ title: firstText(fee.name) ?? 'Fee', amount: -total }] : [];
  });
}

function mapShippingLines(mapping: WooMapping): ShippingLine[] {
  return mapping.order.shipping_lines.map((line, index) => {
    const path = `shipping_lines[${index}]`;

    return {
      title: firstText(line.method_title, line.method_id) ?? 'Shipping',
      ...assignDefined<Partial<ShippingLine>>({}, { code: firstText(line.method_id) }),
      price: nonNegative(mapping, line.total, `${path}.total`),
      discounts: [],
      taxes: mapTaxAmounts(mapping, line.taxes, line.total_tax, path),
    };
  });
}

/**
 * Maps a line's per-rate taxes. WooCommerce rounds `taxes[].total` to more places than the
 * currency ("0.9"), while `total_tax` is the line's rounded tax; a single rate takes `total_tax`
 * exactly, and several rates are rounded with the last one absorbing the difference.
 */
function mapTaxAmounts(
  mapping: WooMapping,
  taxes: WooLineItem['taxes'],
  totalTax: string,
  path: string,
): TaxLine[] {
  const lineTax = nonNegative(mapping, totalTax, `${path}.total_tax`);
  const withAmounts = taxes.filter((tax) => tax.total && Number(tax.total) !== 0);

  if (lineTax === 0 || withAmounts.length === 0) {
    return lineTax === 0 ? [] : [{ name: 'Tax', rate: '0', amount: lineTax }];
  }

  let remaining = lineTax;

  return withAmounts.map((tax, index) => {
    const rate = mapping.rates.get(tax.id) ?? { name: `Tax rate ${tax.id}`, rate: '0' };
    const isLast = index === withAmounts.length - 1;
    const amount = isLast ? remaining : Math.min(remaining, roundTax(tax.total ?? '0', mapping));

    remaining -= amount;

    return { name: rate.name, rate: rate.rate, amount };
  });
}

function roundTax(value: string, mapping: WooMapping): number {
  return Math.max(0, Math.round(Number(value) * 10 ** minorUnitExponent(mapping.currency)));
}

function mapOrderTaxLines(mapping: WooMapping): TaxLine[] {
  return mapping.order.tax_lines.flatMap((line, index) => {
    const path = `tax_lines[${index}]`;
    const amount =
      nonNegative(mapping, line.tax_total, `${path}.tax_total`) +
      nonNegative(mapping, line.shipping_tax_total, `${path}.shipping_tax_total`);
    const rate = mapping.rates.get(line.rate_id);

    return amount === 0 || !rate
      ? []
      : [
          assignDefined<TaxLine>(
            { name: rate.name, rate: rate.rate, amount },
            { jurisdiction: line.rate_code ?? undefined },
          ),
        ];
  });
}

/**
 * A paid order (one with `date_paid_gmt` in a paid status) has one payment of its total through
 * the order's gateway; `transaction_id` is the gateway's charge id (a Stripe `ch_` or `pi_` id),
 * which deposit matching uses.
 */
function mapPayments(mapping: WooMapping): Payment[] {
  const { order } = mapping;

  if (!order.date_paid_gmt || !PAID_STATUSES.has(order.status)) {
    return [];
  }

  return [
    assignDefined<Payment>(
      {
        gateway: firstText(order.payment_method, order.payment_method_title) ?? 'unknown',
        amount: nonNegative(mapping, order.total, 'total'),
        kind: 'sale',
        status: 'success',
        processedAt: gmtToIso(order.date_paid_gmt),
      },
      { transactionId: firstText(order.transaction_id) },
    ),
  ];
}

function mapAddress(address: WooOrder['billing']): Address | undefined {
  if (!address) {
    return undefined;
  }

  const name = [address.first_name, address.last_name].filter((part) => part?.trim()).join(' ');
  const mapped = assignDefined<Address>(
    {},
    {
      name: firstText(name),
      company: firstText(address.company),
      line1: firstText(address.address_1),
      line2: firstText(address.address_2),
      city: firstText(address.city),
      regionCode: firstText(address.state),
      postalCode: firstText(address.postcode),
      countryCode: firstText(address.country),
      phone: firstText(address.phone),
    },
  );

  return Object.keys(mapped).length > 0 ? mapped : undefined;
}

function mapCustomFields(order: WooOrder): CustomField[] {
  const fields: CustomField[] = [
    { name: 'status', value: order.status },
    { name: 'prices_include_tax', value: String(order.prices_include_tax) },
  ];
  const optional: [string, string | null | undefined][] = [
    ['order_key', order.order_key],
    ['created_via', order.created_via],
    ['customer_note', order.customer_note],
    ['payment_method_title', order.payment_method_title],
    ['coupon_codes', order.coupon_lines.map((coupon) => coupon.code).join(', ')],
  ];

  for (const [name, value] of optional) {
    if (value?.trim()) {
      fields.push({ name, value: value.trim() });
    }
  }

  return [...fields, ...metaFields(order.meta_data)];
}

/** Keeps public meta data; keys starting with "_" are WooCommerce's and plugins' internals. */
function metaFields(meta: readonly WooMetaData[]): CustomField[] {
  return meta.flatMap((entry) => {
    if (!entry.key || entry.key.startsWith('_')) {
      return [];
    }

    const value =
      typeof entry.value === 'string' ? entry.value : JSON.stringify(entry.value ?? null);

    return [{ name: entry.key, value }];
  });
}

function variantTitle(meta: readonly WooMetaData[]): string | undefined {
  const attributes = meta
    .filter((entry) => !entry.key.startsWith('_') && typeof entry.value === 'string')
    .map((entry) => `${entry.key.replace(/^pa_/, '')}: ${String(entry.value)}`);

  return attributes.length > 0 ? attributes.join(', ') : undefined;
}

function nonNegative(mapping: WooMapping, value: string, field: string): number {
  const amount = readDecimal(value, mapping.currency, field, mapping.orderId);

  if (amount < 0) {
    throw new ChannelPayloadError(
      `${field}: ${value} must not be negative`,
      field,
      mapping.orderId,
    );
  }

  return amount;
}

export function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
