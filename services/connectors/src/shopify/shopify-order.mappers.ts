import {
  type Address,
  type CustomField,
  type Customer,
  type Discount,
  type OrderLine,
  type OrderTotals,
  type ShippingLine,
  type TaxLine,
} from '@qbsync/contracts';

import { formatRate, type ShopifyMoneyReader } from './shopify-money';
import {
  type ShopifyAddress,
  type ShopifyDiscountAllocation,
  type ShopifyOrder,
  type ShopifyTaxLine,
} from './shopify-order.schema';
import { isTipLineItem, subtractTipLines } from './shopify-tips.mapper';

/** Input of every mapping step: the validated payload and the amount reader for its currency. */
export interface ShopifyMappingContext {
  payload: ShopifyOrder;
  money: ShopifyMoneyReader;
}

type NameValuePair = { name?: string | null; value?: string | number | boolean | null };

export function mapCustomer({ payload }: ShopifyMappingContext): Customer {
  const customer = payload.customer;

  return omitEmpty({
    channelCustomerId: idText(customer?.id),
    email: firstText(customer?.email, payload.email, payload.contact_email),
    firstName: firstText(customer?.first_name),
    lastName: firstText(customer?.last_name),
    company: firstText(customer?.default_address?.company),
    phone: firstText(customer?.phone, payload.phone),
  });
}

export function mapAddress(address: ShopifyAddress): Address | undefined {
  if (!address) {
    return undefined;
  }

  const personName = [address.first_name, address.last_name]
    .filter((part) => part?.trim())
    .join(' ');
  const mapped = omitEmpty({
    name: firstText(address.name, personName),
    company: firstText(address.company),
    line1: firstText(address.address1),
    line2: firstText(address.address2),
    city: firstText(address.city),
    region: firstText(address.province),
    regionCode: firstText(address.province_code),
    postalCode: firstText(address.zip),
    country: firstText(address.country),
    countryCode: firstText(address.country_code),
    phone: firstText(address.phone),
  });

  return Object.keys(mapped).length > 0 ? mapped : undefined;
}

/**
 * Maps the product line items. Tip line items are left out because `mapTips` maps them to the
 * order's tips. NOTE: an order whose only line item is a tip therefore has no lines, and the order
 * contract rejects it.
 */
export function mapLines(context: ShopifyMappingContext): OrderLine[] {
  return context.payload.line_items.flatMap((item, index) => {
    if (isTipLineItem(item)) {
      return [];
    }

    const path = `line_items[${index}]`;
    const line: OrderLine = {
      lineId: String(item.id),
      sku: item.sku?.trim() ?? '',
      name: firstText(item.title, item.name) ?? `Line item ${String(item.id)}`,
      ...omitEmpty({
        variantTitle: firstText(item.variant_title),
        productId: idText(item.product_id),
        variantId: idText(item.variant_id),
      }),
      quantity: item.quantity,
      unitPrice: context.money.read(item.price, item.price_set, `${path}.price`),
      discounts: mapDiscountAllocations(context, item.discount_allocations, path),
      taxes: mapTaxLines(context, item.tax_lines, path),
      taxable: item.taxable,
      requiresShipping: item.requires_shipping,
      giftCard: item.gift_card,
      customFields: mapNameValuePairs(item.properties),
    };

    return [line];
  });
}

/**
 * Maps shipping charges. Lines that an order edit removed (`is_removed`) are left out, because
 * they are no longer part of what the buyer pays.
 */
export function mapShippingLines(context: ShopifyMappingContext): ShippingLine[] {
  const lines = (context.payload.shipping_lines ?? [])
    .map((line, index) => ({ line, path: `shipping_lines[${index}]` }))
    .filter(({ line }) => line.is_removed !== true);

  return lines.map(({ line, path }) => ({
    title: firstText(line.title, line.code) ?? 'Shipping',
    ...omitEmpty({ code: firstText(line.code) }),
    price: context.money.read(line.price, line.price_set, `${path}.price`),
    discounts: mapDiscountAllocations(context, line.discount_allocations, path),
    taxes: mapTaxLines(context, line.tax_lines, path),
  }));
}

/**
 * Returns the part of `total_discounts` that no line or shipping line carries. Shopify allocates
 * every discount application (line-item and shipping-line targets alike) to `discount_allocations`,
 * so this is normally empty. For an order whose discounts were recorded without allocations, one
 * order-level discount contains the rest.
 */
export function mapOrderDiscounts(
  context: ShopifyMappingContext,
  lines: readonly OrderLine[],
  shippingLines: readonly ShippingLine[],
): Discount[] {
  const { payload, money } = context;
  const totalDiscounts = money.read(
    payload.total_discounts,
    payload.total_discounts_set,
    'total_discounts',
  );
  const allocated = [...lines, ...shippingLines]
    .flatMap((line) => line.discounts)
    .reduce((sum, discount) => sum + discount.amount, 0);
  const unallocated = totalDiscounts - allocated;

  // Allocations larger than total_discounts are left as they are, so the posting plan's balance
  // check reports such an order instead of posting it.
  if (unallocated <= 0) {
    return [];
  }

  const codes = (payload.discount_codes ?? []).map((entry) => firstText(entry.code)).filter(isText);

  return [
    omitEmpty({
      code: codes.length === 1 ? codes[0] : undefined,
      title: codes.length > 1 ? codes.join(', ') : 'Order discount',
      amount: unallocated,
    }),
  ];
}

export function mapOrderTaxLines(context: ShopifyMappingContext): TaxLine[] {
  return mapTaxLines(context, context.payload.tax_lines, '');
}

export function mapTotals(
  context: ShopifyMappingContext,
  shippingLines: readonly ShippingLine[],
): OrderTotals {
  const { payload, money } = context;
  // NOTE: duties and additional fees are not mapped because the order contract has no field for
  // them. When total_price includes them, the posting plan's balance check rejects the order.
  // Tips are in total_price too, and the balance check adds the order's tips.
  const shipping =
    money.readSet(payload.total_shipping_price_set, 'total_shipping_price_set') ??
    shippingLines.reduce((sum, line) => sum + line.price, 0);

  const lineItemsTotal = money.read(
    payload.total_line_items_price,
    payload.total_line_items_price_set,
    'total_line_items_price',
  );

  return {
    subtotal: subtractTipLines(context, lineItemsTotal),
    discounts: money.read(payload.total_discounts, payload.total_discounts_set, 'total_discounts'),
    shipping,
    tax: money.read(payload.total_tax, payload.total_tax_set, 'total_tax'),
    total: money.read(payload.total_price, payload.total_price_set, 'total_price'),
  };
}

/** Splits Shopify's comma-separated tags, trimming each and dropping empty ones. */
export function mapTags(tags: string | null | undefined): string[] {
  return (tags ?? '')
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

/**
 * Collects the order's note attributes, then the Shopify fields that rules and filters match on,
 * each under its Shopify field name.
 */
export function mapCustomFields({ payload }: ShopifyMappingContext): CustomField[] {
  const fields: CustomField[] = mapNameValuePairs(payload.note_attributes);
  const namedFields: [string, string | number | null | undefined][] = [
    ['source_name', payload.source_name],
    ['po_number', payload.po_number],
    ['note', payload.note],
    ['cancel_reason', payload.cancel_reason],
    ['location_id', payload.location_id],
  ];

  for (const [name, value] of namedFields) {
    const text = value === null || value === undefined ? undefined : firstText(String(value));

    if (text !== undefined) {
      fields.push({ name, value: text });
    }
  }

  return fields;
}

function mapDiscountAllocations(
  context: ShopifyMappingContext,
  allocations: readonly ShopifyDiscountAllocation[] | null | undefined,
  parentPath: string,
): Discount[] {
  const applications = context.payload.discount_applications ?? [];

  return (allocations ?? []).map((allocation, index) => {
    const path = `${parentPath}.discount_allocations[${index}].amount`;
    const application =
      allocation.discount_application_index === null ||
      allocation.discount_application_index === undefined
        ? undefined
        : applications[allocation.discount_application_index];

    return omitEmpty({
      code: firstText(application?.code),
      title: firstText(application?.title, application?.description),
      amount: context.money.read(allocation.amount, allocation.amount_set, path),
    });
  });
}

function mapTaxLines(
  context: ShopifyMappingContext,
  taxLines: readonly ShopifyTaxLine[] | null | undefined,
  parentPath: string,
): TaxLine[] {
  return (taxLines ?? []).map((tax, index) => {
    const path = `${parentPath ? `${parentPath}.` : ''}tax_lines[${index}].price`;

    return {
      name: firstText(tax.title) ?? 'Tax',
      rate: formatRate(tax.rate),
      amount: context.money.read(tax.price, tax.price_set, path),
    };
  });
}

/** Maps Shopify name/value pairs, dropping pairs without a name; null values become "". */
function mapNameValuePairs(pairs: readonly NameValuePair[] | null | undefined): CustomField[] {
  return (pairs ?? []).flatMap((pair) => {
    const name = firstText(pair.name);

    if (name === undefined) {
      return [];
    }

    return [
      { name, value: pair.value === null || pair.value === undefined ? '' : String(pair.value) },
    ];
  });
}

/** Returns the first value that is non-blank after trimming, trimmed. */
function firstText(...values: (string | null | undefined)[]): string | undefined {
  for (const value of values) {
    const trimmed = value?.trim();

    if (trimmed) {
      return trimmed;
    }
  }

  return undefined;
}

function idText(id: number | string | null | undefined): string | undefined {
  return id === null || id === undefined ? undefined : firstText(String(id));
}

function isText(value: string | undefined): value is string {
  return value !== undefined;
}

/** Drops keys whose value is undefined, so optional contract fields are absent, not undefined. */
function omitEmpty<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
