import {
  ORDER_SCHEMA_VERSION,
  type Address,
  type CustomField,
  type Discount,
  type Order,
  type OrderLine,
  type Payment,
  type ShippingLine,
  type TaxLine,
} from '@qbsync/contracts';

import {
  assignDefined,
  buildSource,
  firstText,
  parseChannelPayload,
  percentToRate,
  readCurrency,
  readRoundedDecimal,
  splitLineTotal,
  validateOrder,
  type ChannelNormaliseContext,
} from '../channel-support';
import {
  bcOrderBundleSchema,
  type BcOrder,
  type BcOrderBundle,
  type BcOrderProduct,
} from './bigcommerce.schemas';

/** `payment_status` values under which the store has the buyer's money. */
/** Title of the line discount that absorbs a line total not divisible by its quantity. */
const ROUNDING_TITLE = 'Rounding';
const PAID_STATUSES = new Set(['captured', 'paid', 'partially refunded', 'refunded']);

/**
 * Set of BigCommerce amounts the order is posted with. `ex` posts amounts before
 * tax plus the tax, `inc` posts tax-inclusive amounts (stores with tax-inclusive pricing).
 */
type AmountBasis = 'ex' | 'inc';

interface BcMapping {
  bundle: BcOrderBundle;
  order: BcOrder;
  currency: string;
  orderId: string;
  basis: AmountBasis;
  amount(value: string | null | undefined, field: string): number;
}

/**
 * Converts a BigCommerce order, as `GET /v2/orders/{id}` with its `/products`,
 * `/shipping_addresses` and `/taxes` sub-resources, into the canonical order.
 *
 * BigCommerce keeps four decimals, so amounts are rounded half away from zero to the currency's
 * minor unit. Of the two relations BigCommerce keeps between its totals, the one that reproduces
 * `total_inc_tax` exactly decides the basis: before-tax amounts plus tax when they add up, else
 * tax-inclusive amounts, which is what stores with tax-inclusive pricing report.
 * Throws `ChannelPayloadError` naming the BigCommerce field that is missing or invalid.
 */
export function normaliseBigCommerceOrder(
  payload: unknown,
  context: ChannelNormaliseContext,
): Order {
  const bundle = parseChannelPayload(
    bcOrderBundleSchema,
    payload,
    'BigCommerce order',
    (raw) => (raw.order as { id?: unknown } | undefined)?.id,
  );
  const orderId = String(bundle.order.id);
  const currency = readCurrency(bundle.order.currency_code, 'order.currency_code', orderId);
  const amount = (value: string | null | undefined, field: string): number =>
    value === null || value === undefined || value === ''
      ? 0
      : readRoundedDecimal(value, currency, field, orderId);
  const mapping: BcMapping = {
    bundle,
    order: bundle.order,
    currency,
    orderId,
    basis: 'ex',
    amount,
  };

  mapping.basis = chooseBasis(mapping);

  const { order } = bundle;
  const tax = orderTax(mapping);
  const discounts =
    amount(order.discount_amount, 'order.discount_amount') +
    amount(order.coupon_discount, 'order.coupon_discount');
  const lines = mapLines(mapping);
  const shippingLines = mapShippingLines(mapping);
  const orderDiscounts = allocateDiscounts(lines, discounts, mapping);
  const lineTaxes = sum(
    [...lines, ...shippingLines].flatMap((line) => line.taxes.map((t) => t.amount)),
  );

  // Line taxes that do not add up to the order's tax would mislead the posting; the tax summary
  // then carries the tax alone.
  if (lineTaxes !== tax) {
    for (const line of [...lines, ...shippingLines]) {
      line.taxes = [];
    }
  }

  const normalised: Order = {
    schemaVersion: ORDER_SCHEMA_VERSION,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'bigcommerce',
    channelOrderId: orderId,
    orderNumber: orderId,
    createdAt: new Date(order.date_created).toISOString(),
    updatedAt: new Date(order.date_modified ?? order.date_created).toISOString(),
    financialStatus: firstText(order.payment_status) ?? order.status,
    currency,
    presentmentCurrency: currency,
    taxesIncluded: mapping.basis === 'inc',
    customer: assignDefined(
      {},
      {
        channelCustomerId: order.customer_id ? String(order.customer_id) : undefined,
        email: firstText(order.billing_address?.email),
        firstName: firstText(order.billing_address?.first_name),
        lastName: firstText(order.billing_address?.last_name),
        company: firstText(order.billing_address?.company),
        phone: firstText(order.billing_address?.phone),
      },
    ),
    lines,
    shippingLines,
    orderDiscounts,
    taxLines: mapTaxSummary(mapping, tax),
    payments: mapPayments(mapping),
    totals: {
      subtotal:
        basisAmount(mapping, order.subtotal_ex_tax, order.subtotal_inc_tax, 'order.subtotal') +
        basisAmount(
          mapping,
          order.wrapping_cost_ex_tax,
          order.wrapping_cost_inc_tax,
          'order.wrapping_cost',
        ),
      discounts,
      shipping: sum(shippingLines.map((line) => line.price)),
      tax,
      total: amount(order.total_inc_tax, 'order.total_inc_tax'),
    },
    tags: [],
    customFields: mapCustomFields(order),
    source: buildSource(context, `bigcommerce:order:${orderId}`),
  };

  assignDefined(normalised, {
    cancelledAt: order.status === 'Cancelled' ? normalised.updatedAt : undefined,
    exchangeRate: exchangeRate(order),
    billingAddress: mapAddress(order.billing_address),
    shippingAddress: mapAddress(bundle.shipping_addresses[0]),
  });

  return validateOrder(normalised, 'BigCommerce');
}

function chooseBasis(mapping: BcMapping): AmountBasis {
  const { order, amount } = mapping;
  const discounts =
    amount(order.discount_amount, 'order.discount_amount') +
    amount(order.coupon_discount, 'order.coupon_discount');
  const total = amount(order.total_inc_tax, 'order.total_inc_tax');
  const exclusive =
    amount(order.subtotal_ex_tax, 'order.subtotal_ex_tax') +
    amount(order.shipping_cost_ex_tax, 'order.shipping_cost_ex_tax') +
    amount(order.handling_cost_ex_tax, 'order.handling_cost_ex_tax') +
    amount(order.wrapping_cost_ex_tax, 'order.wrapping_cost_ex_tax') -
    discounts +
    orderTax(mapping);
  const inclusive =
    amount(order.subtotal_inc_tax, 'order.subtotal_inc_tax') +
    amount(order.shipping_cost_inc_tax, 'order.shipping_cost_inc_tax') +
    amount(order.handling_cost_inc_tax, 'order.handling_cost_inc_tax') +
    amount(order.wrapping_cost_inc_tax, 'order.wrapping_cost_inc_tax') -
    discounts;

  return exclusive !== total && inclusive === total ? 'inc' : 'ex';
}

/**
 * Returns the order's tax. `total_tax` is used when set; some orders report 0 there while the
 * component taxes (`subtotal_tax`, `shipping_cost_tax`...) carry it, and then their sum is used.
 */
function orderTax({ order, amount }: BcMapping): number {
  const total = amount(order.total_tax, 'order.total_tax');

  if (total > 0) {
    return total;
  }

  return (
    amount(order.subtotal_tax, 'order.subtotal_tax') +
    amount(order.shipping_cost_tax, 'order.shipping_cost_tax') +
    amount(order.handling_cost_tax, 'order.handling_cost_tax') +
    amount(order.wrapping_cost_tax, 'order.wrapping_cost_tax')
  );
}

function basisAmount(
  mapping: BcMapping,
  exclusive: string | null | undefined,
  inclusive: string | null | undefined,
  field: string,
): number {
  return mapping.basis === 'inc'
    ? mapping.amount(inclusive, `${field}_inc_tax`)
    : mapping.amount(exclusive, `${field}_ex_tax`);
}

function mapLines(mapping: BcMapping): OrderLine[] {
  const lines = mapping.bundle.products.map((product, index) =>
    mapProduct(mapping, product, index),
  );
  const wrapping = basisAmount(
    mapping,
    mapping.order.wrapping_cost_ex_tax,
    mapping.order.wrapping_cost_inc_tax,
    'order.wrapping_cost',
  );

  if (wrapping > 0) {
    const wrappingTax = mapping.amount(mapping.order.wrapping_cost_tax, 'order.wrapping_cost_tax');

    lines.push({
      lineId: 'gift-wrapping',
      sku: '',
      name: 'Gift wrapping',
      quantity: 1,
      unitPrice: wrapping,
      discounts: [],
      taxes: wrappingTax > 0 ? [{ name: 'Tax', rate: '0', amount: wrappingTax }] : [],
      taxable: wrappingTax > 0,
      requiresShipping: false,
      giftCard: false,
      customFields: [],
    });
  }

  return lines;
}

function mapProduct(mapping: BcMapping, product: BcOrderProduct, index: number): OrderLine {
  const path = `products[${index}]`;
  const total = basisAmount(mapping, product.total_ex_tax, product.total_inc_tax, `${path}.total`);
  const { unitPrice, remainder } = splitLineTotal(total, product.quantity);
  const lineTax = mapping.amount(product.total_tax, `${path}.total_tax`);
  const options = product.product_options.flatMap((option) =>
    option.display_name && option.display_value
      ? [{ name: option.display_name, value: option.display_value }]
      : [],
  );
  const discounts: Discount[] = product.applied_discounts.flatMap((discount, discountIndex) => {
    const amount = mapping.amount(
      discount.amount,
      `${path}.applied_discounts[${discountIndex}].amount`,
    );

    return amount > 0
      ? [
          assignDefined<Discount>(
            { amount },
            { code: firstText(discount.code), title: firstText(discount.name) },
          ),
        ]
      : [];
  });

  if (remainder > 0) {
    discounts.push({ title: ROUNDING_TITLE, amount: remainder });
  }

  return {
    lineId: String(product.id),
    sku: product.sku?.trim() ?? '',
    name: firstText(product.name) ?? `Product ${product.id}`,
    ...assignDefined<Partial<OrderLine>>(
      {},
      {
        productId: product.product_id ? String(product.product_id) : undefined,
        variantId: product.variant_id ? String(product.variant_id) : undefined,
        variantTitle: options.map((option) => `${option.name}: ${option.value}`).join(', '),
      },
    ),
    quantity: product.quantity,
    unitPrice,
    discounts,
    taxes: lineTax > 0 ? [{ name: 'Tax', rate: '0', amount: lineTax }] : [],
    taxable: lineTax > 0,
    requiresShipping: product.type !== 'digital' && product.type !== 'giftcertificate',
    giftCard: product.type === 'giftcertificate',
    customFields: options,
  };
}

/**
 * Keeps the products' `applied_discounts` when they do not exceed the order's discounts, and
 * returns the part they do not cover as an order-level discount. Allocations that add up to more
 * than the order's discounts are dropped, and the order-level discount carries the whole amount.
 * Rounding remainders from `splitLineTotal` are not discounts of the order and stay on the line.
 */
function allocateDiscounts(lines: OrderLine[], discounts: number, mapping: BcMapping): Discount[] {
  const isRounding = (discount: Discount): boolean => discount.title === ROUNDING_TITLE;
  const allocated = sum(
    lines.flatMap((line) => line.discounts.filter((d) => !isRounding(d)).map((d) => d.amount)),
  );

  if (allocated > discounts) {
    for (const line of lines) {
      line.discounts = line.discounts.filter(isRounding);
    }
  }

  const rest = allocated > discounts ? discounts : discounts - allocated;
  const coupon = mapping.amount(mapping.order.coupon_discount, 'order.coupon_discount');

  return rest > 0 ? [{ title: coupon > 0 ? 'Coupon' : 'Discount', amount: rest }] : [];
}

function mapShippingLines(mapping: BcMapping): ShippingLine[] {
  const { order, bundle } = mapping;
  const shippingTotal = basisAmount(
    mapping,
    order.shipping_cost_ex_tax,
    order.shipping_cost_inc_tax,
    'order.shipping_cost',
  );
  const methods = bundle.shipping_addresses.flatMap((address) => {
    const method = firstText(address.shipping_method);

    return method ? [method] : [];
  });
  const lines: ShippingLine[] = [];

  if (shippingTotal > 0 || methods.length > 0) {
    const shippingTax = mapping.amount(order.shipping_cost_tax, 'order.shipping_cost_tax');

    lines.push({
      title: methods.join(', ') || 'Shipping',
      price: shippingTotal,
      discounts: [],
      taxes: shippingTax > 0 ? [{ name: 'Tax', rate: '0', amount: shippingTax }] : [],
    });
  }

  const handling = basisAmount(
    mapping,
    order.handling_cost_ex_tax,
    order.handling_cost_inc_tax,
    'order.handling_cost',
  );

  if (handling > 0) {
    const handlingTax = mapping.amount(order.handling_cost_tax, 'order.handling_cost_tax');

    lines.push({
      title: 'Handling',
      price: handling,
      discounts: [],
      taxes: handlingTax > 0 ? [{ name: 'Tax', rate: '0', amount: handlingTax }] : [],
    });
  }

  return lines;
}

/** Groups `/orders/{id}/taxes` by name and rate; falls back to one line of the order's tax. */
function mapTaxSummary(mapping: BcMapping, tax: number): TaxLine[] {
  const groups = new Map<string, TaxLine>();

  for (const [index, entry] of mapping.bundle.taxes.entries()) {
    const name = firstText(entry.name)?.replace(/^"|"$/g, '') ?? 'Tax';
    const rate = percentToRate(entry.rate ?? '0');
    const key = `${name}|${rate}`;
    const amount = mapping.amount(entry.line_amount, `taxes[${index}].line_amount`);
    const group = groups.get(key) ?? { name, rate, amount: 0 };

    group.amount += amount;
    groups.set(key, group);
  }

  const lines = [...groups.values()].filter((line) => line.amount > 0);

  if (sum(lines.map((line) => line.amount)) === tax) {
    return lines;
  }

  return tax > 0 ? [{ name: 'Tax', rate: '0', amount: tax }] : [];
}

function mapPayments(mapping: BcMapping): Payment[] {
  const { order, amount } = mapping;
  const status = order.payment_status?.toLowerCase() ?? '';
  const giftCertificate = amount(order.gift_certificate_amount, 'order.gift_certificate_amount');
  const storeCredit = amount(order.store_credit_amount, 'order.store_credit_amount');
  const total = amount(order.total_inc_tax, 'order.total_inc_tax');
  const payments: Payment[] = [];

  if (giftCertificate > 0) {
    payments.push({
      gateway: 'gift_certificate',
      amount: giftCertificate,
      kind: 'gift_card',
      status: 'success',
    });
  }

  if (storeCredit > 0) {
    payments.push({
      gateway: 'store_credit',
      amount: storeCredit,
      kind: 'other',
      status: 'success',
    });
  }

  const rest = total - giftCertificate - storeCredit;

  if (rest > 0 && (PAID_STATUSES.has(status) || status === 'authorized')) {
    payments.push(
      assignDefined<Payment>(
        {
          gateway: firstText(order.payment_method) ?? 'unknown',
          amount: rest,
          kind: status === 'authorized' ? 'authorization' : 'sale',
          status: 'success',
        },
        {
          transactionId:
            order.payment_provider_id !== null && order.payment_provider_id !== undefined
              ? firstText(String(order.payment_provider_id))
              : undefined,
        },
      ),
    );
  }

  return payments;
}

function mapAddress(
  address: BcOrderBundle['shipping_addresses'][number] | BcOrder['billing_address'],
): Address | undefined {
  if (!address) {
    return undefined;
  }

  const name = [address.first_name, address.last_name].filter((part) => part?.trim()).join(' ');
  const mapped = assignDefined<Address>(
    {},
    {
      name: firstText(name),
      company: firstText(address.company),
      line1: firstText(address.street_1),
      line2: firstText(address.street_2),
      city: firstText(address.city),
      region: firstText(address.state),
      postalCode: firstText(address.zip),
      country: firstText(address.country),
      countryCode: firstText(address.country_iso2),
      phone: firstText(address.phone),
    },
  );

  return Object.keys(mapped).length > 0 ? mapped : undefined;
}

function exchangeRate(order: BcOrder): string | undefined {
  const rate = order.currency_exchange_rate?.trim();

  if (!rate || !/^\d+(\.\d+)?$/.test(rate) || Number(rate) === 0) {
    return undefined;
  }

  return rate.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

function mapCustomFields(order: BcOrder): CustomField[] {
  const fields: [string, unknown][] = [
    ['status', order.status],
    ['status_id', order.status_id],
    ['payment_status', order.payment_status],
    ['order_source', order.order_source],
    ['channel_id', order.channel_id],
    ['external_source', order.external_source],
    ['external_id', order.external_id],
    ['ebay_order_id', order.ebay_order_id === '0' ? undefined : order.ebay_order_id],
    ['staff_notes', order.staff_notes],
    ['customer_message', order.customer_message],
    ['default_currency_code', order.default_currency_code],
  ];

  return fields.flatMap(([name, value]) =>
    value === null || value === undefined || String(value).trim() === '' || value === 'null'
      ? []
      : [{ name, value: String(value).trim() }],
  );
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
