import {
  type Address,
  type CustomField,
  decimalToMinor,
  describeIssues,
  isKnownCurrency,
  minorUnitExponent,
  type Order,
  ORDER_SCHEMA_VERSION,
  type OrderLine,
  orderSchema,
  parseMessage,
  type Refund,
  REFUND_SCHEMA_VERSION,
  refundSchema,
  type ShippingLine,
} from '@qbsync/contracts';

import { ChannelPayloadError } from '../channel/channel-adapter';
import {
  type CustomLine,
  type CustomOrder,
  customOrderSchema,
  isTrue,
} from './custom-store.schema';

export interface CustomNormaliseContext {
  accountId: string;
  connectionId: string;
  receivedAt: string;
  sourceKind: 'poll' | 'push' | 'upload' | 'resync';
  deliveryId?: string;
}

/** Order fields kept as named custom fields, because QuickBooks has no field of their own. */
const CUSTOM_FIELD_NAMES = [
  'OrderStatus',
  'StoreName',
  'StoreType',
  'ShippingMethod',
  'ShipVia',
  'TrackingNumber',
  'ReferenceNumber',
  'PONumber',
  'Class',
  'Department',
  'SalesRep',
  'SalesTerms',
  'PaymentTerms',
  'DueDate',
  'PriceLevel',
  'FOB',
  'Project',
  'Note',
  'PrivateNote',
  'CustomerNote',
  'GiftMessage',
  'ParentOrderNumber',
  'PayoutId',
  'InvoiceMode',
] as const;
const LINE_CUSTOM_FIELD_NAMES = [
  'TaxCode',
  'InventorySiteLocation',
  'UnitOfMeasure',
  'ClassRef',
  'LotNumber',
  'UPC',
  'ASIN',
  'ISBN',
  'ServiceDate',
] as const;

/**
 * Converts one custom store order into the order contract. Prices are read with tax when
 * `IsTaxInclusive` is true, else without. A line with `IsShipping` becomes a shipping line.
 * Throws `ChannelPayloadError` naming the field path (`Lines[2].Quantity`) and the order number.
 */
export function normaliseCustomOrder(payload: unknown, context: CustomNormaliseContext): Order {
  const order = parseOrder(payload);
  const currency = readCurrency(order);
  const read = amountReader(currency, order.OrderNumber);
  const inclusive = isTrue(order.IsTaxInclusive);
  const lines: OrderLine[] = [];
  const shippingLines: ShippingLine[] = [];

  order.Lines.forEach((line, index) => {
    const path = `Lines[${index}]`;
    const price = linePrice(line, inclusive, read, path);
    const discount = read(
      inclusive ? line.DiscountInclTax : line.DiscountExclTax,
      `${path}.${inclusive ? 'DiscountInclTax' : 'DiscountExclTax'}`,
    );

    if (isTrue(line.IsShipping)) {
      shippingLines.push({
        title: line.Name,
        code: line.Sku,
        price: price * line.Quantity,
        discounts: discount > 0 ? [{ amount: discount }] : [],
        taxes: [],
      });

      return;
    }

    lines.push({
      lineId: String(index + 1),
      sku: line.Sku,
      name: line.Name,
      quantity: line.Quantity,
      unitPrice: price,
      discounts: discount > 0 ? [{ amount: discount }] : [],
      taxes: [],
      taxable: isLineTaxable(line, read, path),
      requiresShipping: true,
      giftCard: false,
      customFields: pickFields(line, LINE_CUSTOM_FIELD_NAMES),
    });
  });

  if (lines.length === 0) {
    throw new ChannelPayloadError(
      `order ${order.OrderNumber} Lines: has only shipping lines; an order needs at least one product line`,
      'Lines',
      order.OrderNumber,
    );
  }

  const shippingField = inclusive ? 'ShippingInclTax' : 'ShippingExclTax';
  const shippingAmount = read(
    inclusive ? order.ShippingInclTax : order.ShippingExclTax,
    shippingField,
  );

  if (shippingAmount > 0) {
    shippingLines.unshift({
      title: order.ShippingMethod?.trim() || 'Shipping',
      price: shippingAmount,
      discounts: [],
      taxes: [],
    });
  }

  const orderDiscount = read(
    inclusive ? order.DiscountInclTax : order.DiscountExclTax,
    inclusive ? 'DiscountInclTax' : 'DiscountExclTax',
  );
  const tax = read(order.TotalTax, 'TotalTax');
  const subtotal = lines.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0);
  const discounts =
    orderDiscount +
    [...lines, ...shippingLines].reduce(
      (sum, line) => sum + line.discounts.reduce((total, discount) => total + discount.amount, 0),
      0,
    );
  const modifiedAt = order.ModifiedDate ?? order.CreationDate;

  const result: Order = {
    schemaVersion: ORDER_SCHEMA_VERSION,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'custom',
    channelOrderId: order.OrderNumber,
    orderNumber: order.OrderNumber,
    createdAt: order.CreationDate,
    updatedAt: modifiedAt,
    currency,
    presentmentCurrency: currency,
    taxesIncluded: inclusive,
    customer: mapCustomer(order),
    lines,
    shippingLines,
    orderDiscounts:
      orderDiscount > 0
        ? [
            {
              amount: orderDiscount,
              ...(order.Discounts?.trim() ? { code: order.Discounts.trim() } : {}),
            },
          ]
        : [],
    taxLines:
      tax > 0
        ? [
            {
              name: order.SalesTaxName?.trim() || 'Sales tax',
              rate: rateText(order.TaxRate),
              amount: tax,
            },
          ]
        : [],
    payments: mapPayments(order, read),
    totals: {
      subtotal,
      discounts,
      shipping: shippingLines.reduce((sum, line) => sum + line.price, 0),
      tax,
      total: read(order.Total, 'Total'),
    },
    tags: (order.Tags ?? '')
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean),
    customFields: mapCustomFields(order),
    source: {
      kind: context.sourceKind,
      receivedAt: context.receivedAt,
      rawRef: `custom:order:${order.OrderNumber}`,
      ...(context.deliveryId ? { deliveryId: context.deliveryId } : {}),
    },
  };

  if (order.OrderStatus?.trim()) {
    result.financialStatus = order.OrderStatus.trim();
  }

  if (order.OrderStatus?.trim().toLowerCase() === 'cancelled') {
    result.cancelledAt = modifiedAt;
  }

  const billing = mapAddress(order.BillingAddress);
  const shipping = mapAddress(order.ShippingAddress);

  if (billing) {
    result.billingAddress = billing;
  }

  if (shipping) {
    result.shippingAddress = shipping;
  }

  if (
    order.ExchangeRate !== null &&
    order.ExchangeRate !== undefined &&
    String(order.ExchangeRate).trim()
  ) {
    result.exchangeRate = String(order.ExchangeRate).trim();
  }

  const checked = parseMessage(orderSchema, result);

  if (!checked.ok) {
    throw new ChannelPayloadError(
      `order ${order.OrderNumber}: the normalised order does not match the order contract (${checked.error})`,
      undefined,
      order.OrderNumber,
    );
  }

  return checked.value;
}

/**
 * Turns a cancelled order (`OrderStatus = "Cancelled"` or listed in `CancelledOrders`) into a
 * cancellation of the whole order: every line, shipping and tax back, with its total.
 */
export function cancellationOf(order: Order): Refund {
  const refund: Refund = {
    schemaVersion: REFUND_SCHEMA_VERSION,
    accountId: order.accountId,
    connectionId: order.connectionId,
    channel: 'custom',
    channelOrderId: order.channelOrderId,
    orderNumber: order.orderNumber,
    channelRefundId: `${order.channelOrderId}:cancelled`,
    createdAt: order.cancelledAt ?? order.updatedAt,
    status: 'completed',
    kind: 'cancellation',
    reason: 'Order cancelled in the store',
    currency: order.currency,
    lines: order.lines.map((line) => {
      const discount = line.discounts.reduce((sum, item) => sum + item.amount, 0);

      return {
        lineId: line.lineId,
        sku: line.sku,
        name: line.name,
        quantity: line.quantity,
        amount: Math.max(line.unitPrice * line.quantity - discount, 0),
        tax: 0,
        restock: true,
      };
    }),
    shipping: { amount: order.totals.shipping, tax: 0 },
    adjustments: [],
    taxLines: order.taxLines,
    transactions: [],
    totals: {
      subtotal: 0,
      shipping: order.totals.shipping,
      tax: order.totals.tax,
      adjustments: 0,
      total: order.totals.total,
    },
    customFields: [],
    source: { ...order.source, rawRef: `custom:cancellation:${order.channelOrderId}` },
  };
  const subtotal = refund.lines.reduce((sum, line) => sum + line.amount, 0);
  const beforeTax = order.taxesIncluded
    ? order.totals.total
    : order.totals.total - order.totals.tax;
  const orderDiscount = order.orderDiscounts.reduce((sum, discount) => sum + discount.amount, 0);

  refund.totals.subtotal = subtotal;
  // Order-level discounts and shipping discounts belong to no line, so they become an adjustment.
  const rest = beforeTax - subtotal - order.totals.shipping;

  if (rest !== 0) {
    refund.adjustments.push({
      reason: orderDiscount > 0 ? 'Order discount' : 'Order adjustment',
      amount: rest,
    });
  }

  refund.totals.adjustments = rest;

  if (order.taxesIncluded) {
    refund.totals.tax = 0;
  }

  const checked = parseMessage(refundSchema, refund);

  if (!checked.ok) {
    throw new ChannelPayloadError(
      `order ${order.orderNumber}: the cancellation does not match the refund contract (${checked.error})`,
      undefined,
      order.channelOrderId,
    );
  }

  return checked.value;
}

function parseOrder(payload: unknown): CustomOrder {
  const parsed = customOrderSchema.safeParse(payload);

  if (!parsed.success) {
    const number = (payload as { OrderNumber?: unknown } | null)?.OrderNumber;
    const orderNumber =
      typeof number === 'string' || typeof number === 'number' ? String(number) : undefined;

    throw new ChannelPayloadError(
      `${orderNumber ? `order ${orderNumber} ` : ''}${describeIssues(parsed.error.issues)}`,
      parsed.error.issues[0]?.path.join('.'),
      orderNumber,
    );
  }

  return parsed.data;
}

function readCurrency(order: CustomOrder): string {
  const currency = order.CurrencyCode.toUpperCase();

  if (!isKnownCurrency(currency)) {
    throw new ChannelPayloadError(
      `order ${order.OrderNumber} CurrencyCode: "${order.CurrencyCode}" is not a supported ISO 4217 currency code; send one such as USD`,
      'CurrencyCode',
      order.OrderNumber,
    );
  }

  return currency;
}

type AmountReader = (value: unknown, path: string) => number;

/** Reads an optional amount as minor units (absent is 0), rejecting negatives and extra decimals. */
function amountReader(currency: string, orderNumber: string): AmountReader {
  return (value, path) => {
    if (value === null || value === undefined || value === '') {
      return 0;
    }

    let minor: number;

    try {
      minor = decimalToMinor(value as string | number, currency);
    } catch {
      throw new ChannelPayloadError(
        `order ${orderNumber} ${path}: "${String(value)}" must be an amount in ${currency} with at most ${minorUnitExponent(currency)} decimal places`,
        path,
        orderNumber,
      );
    }

    if (minor < 0) {
      throw new ChannelPayloadError(
        `order ${orderNumber} ${path}: ${String(value)} must not be negative; send refunds as cancellations or refund orders`,
        path,
        orderNumber,
      );
    }

    return minor;
  };
}

function linePrice(line: CustomLine, inclusive: boolean, read: AmountReader, path: string): number {
  const field = inclusive ? 'PriceInclTax' : 'PriceExclTax';
  const value = inclusive ? line.PriceInclTax : line.PriceExclTax;

  if (value === null || value === undefined || value === '') {
    throw new ChannelPayloadError(
      `${path}.${field}: is missing; the order's IsTaxInclusive setting needs the line price ${inclusive ? 'with' : 'without'} tax`,
      `${path}.${field}`,
    );
  }

  return read(value, `${path}.${field}`);
}

/** A line is taxable when `HasTax` is true, else when its price with tax exceeds the one without. */
function isLineTaxable(line: CustomLine, read: AmountReader, path: string): boolean {
  if (line.HasTax !== null && line.HasTax !== undefined && line.HasTax !== '') {
    return isTrue(line.HasTax);
  }

  return (
    read(line.PriceInclTax, `${path}.PriceInclTax`) >
    read(line.PriceExclTax, `${path}.PriceExclTax`)
  );
}

function rateText(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value).trim();

  return /^\d+(\.\d+)?$/.test(text) ? text : '0';
}

function mapCustomer(order: CustomOrder): Order['customer'] {
  const address = order.BillingAddress ?? order.ShippingAddress;
  const customer: Order['customer'] = {};

  for (const [key, value] of [
    ['email', address?.Email],
    ['firstName', address?.FirstName],
    ['lastName', address?.LastName],
    ['company', address?.Company],
    ['phone', address?.PhoneNumber],
  ] as const) {
    if (value?.trim()) {
      customer[key] = value.trim();
    }
  }

  return customer;
}

function mapAddress(address: CustomOrder['BillingAddress']): Address | undefined {
  if (!address) {
    return undefined;
  }

  const mapped: Address = {};
  const name =
    address.FullName?.trim() ||
    [address.FirstName, address.LastName].filter((part) => part?.trim()).join(' ');

  for (const [key, value] of [
    ['name', name],
    ['company', address.Company],
    ['line1', address.Address1],
    ['line2', address.Address2],
    ['city', address.City],
    ['region', address.RegionName],
    ['postalCode', address.PostalCode],
    ['country', address.Country],
    ['countryCode', address.CountryCode],
    ['phone', address.PhoneNumber],
  ] as const) {
    if (value?.trim()) {
      mapped[key] = value.trim();
    }
  }

  return Object.keys(mapped).length > 0 ? mapped : undefined;
}

function mapPayments(order: CustomOrder, read: AmountReader): Order['payments'] {
  const paid = read(order.AmountPaid, 'AmountPaid');

  if (paid === 0) {
    return [];
  }

  const payment: Order['payments'][number] = {
    gateway: order.PaymentGatewayNames?.split(',')[0]?.trim() || 'custom',
    amount: paid,
    kind: 'sale',
    status: 'success',
  };

  if (order.ReferenceNumber?.trim()) {
    payment.transactionId = order.ReferenceNumber.trim();
  }

  if (order.PaidDate) {
    payment.processedAt = order.PaidDate;
  }

  return [payment];
}

function mapCustomFields(order: CustomOrder): CustomField[] {
  const fields = pickFields(order, CUSTOM_FIELD_NAMES);
  const extra = order.CustomFields;

  if (Array.isArray(extra)) {
    fields.push(...extra.map((field) => ({ name: field.Name, value: String(field.Value ?? '') })));
  } else if (extra) {
    fields.push(
      ...Object.entries(extra).map(([name, value]) => ({ name, value: String(value ?? '') })),
    );
  }

  return fields.filter((field) => field.name.trim().length > 0);
}

function pickFields(source: Record<string, unknown>, names: readonly string[]): CustomField[] {
  return names.flatMap((name) => {
    const value = source[name];

    if (value === null || value === undefined || String(value).trim() === '') {
      return [];
    }

    return [{ name, value: String(value).trim() }];
  });
}
