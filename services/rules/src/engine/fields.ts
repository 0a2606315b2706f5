import { type Order, type OrderLine, orderSchema } from '@qbsync/contracts';

/**
 * Field type, which sets the comparison: text case-insensitively and trimmed, numbers and money as
 * numbers (money in the order currency's major unit, so `100.50` is USD 100.50), dates as dates.
 */
export type FieldType = 'text' | 'number' | 'money' | 'date' | 'boolean';

/** Owner of the field. A line field seen from an order rule matches when any line matches. */
export type FieldScope = 'order' | 'line' | 'customer' | 'payment' | 'custom';

export type FieldValue = string | number | boolean;

/** Reads a field; with `line` set, line fields read that line only, otherwise every line. */
export type FieldGetter = (order: Order, line: OrderLine | undefined) => readonly FieldValue[];

export interface FieldDefinition {
  id: string;
  label: string;
  type: FieldType;
  scope: FieldScope;
  get: FieldGetter;
}

const NONE: readonly FieldValue[] = [];

function one(value: FieldValue | undefined): readonly FieldValue[] {
  return value === undefined ? NONE : [value];
}

function lineField(read: (line: OrderLine) => FieldValue | undefined): FieldGetter {
  return (order, line) => {
    if (line) {
      return one(read(line));
    }

    const values: FieldValue[] = [];

    for (const orderLine of order.lines) {
      const value = read(orderLine);

      if (value !== undefined) {
        values.push(value);
      }
    }

    return values;
  };
}

function customFieldValues(
  fields: readonly { name: string; value: string }[],
  name: string,
): readonly FieldValue[] {
  const values: FieldValue[] = [];

  for (const field of fields) {
    if (field.name.toLowerCase() === name) {
      values.push(field.value);
    }
  }

  return values;
}

/** Amount still owed: the total less successful sale and capture payments. */
function balanceDue(order: Order): number {
  let paid = 0;

  for (const payment of order.payments) {
    if (payment.status === 'success' && (payment.kind === 'sale' || payment.kind === 'capture')) {
      paid += payment.amount;
    }
  }

  return order.totals.total - paid;
}

function discountCodes(order: Order): readonly FieldValue[] {
  const codes: FieldValue[] = [];

  for (const discount of order.orderDiscounts) {
    if (discount.code) {
      codes.push(discount.code);
    }
  }

  for (const line of order.lines) {
    for (const discount of line.discounts) {
      if (discount.code && !codes.includes(discount.code)) {
        codes.push(discount.code);
      }
    }
  }

  return codes;
}

const definitions: FieldDefinition[] = [
  {
    id: 'channel',
    label: 'Selling Channel',
    type: 'text',
    scope: 'order',
    get: (o) => [o.channel],
  },
  {
    id: 'store',
    label: 'Store (connection id)',
    type: 'text',
    scope: 'order',
    get: (o) => [o.connectionId],
  },
  {
    id: 'order_number',
    label: 'Order Number',
    type: 'text',
    scope: 'order',
    get: (o) => [o.orderNumber],
  },
  {
    id: 'reference_number',
    label: 'Reference Number (channel order id)',
    type: 'text',
    scope: 'order',
    get: (o) => [o.channelOrderId],
  },
  {
    id: 'order_status',
    label: 'Order Status',
    type: 'text',
    scope: 'order',
    get: (o) => one(o.financialStatus),
  },
  {
    id: 'order_date',
    label: 'Order Creation Date',
    type: 'date',
    scope: 'order',
    get: (o) => [o.createdAt],
  },
  {
    id: 'processed_date',
    label: 'Order Processed Date',
    type: 'date',
    scope: 'order',
    get: (o) => one(o.processedAt),
  },
  {
    id: 'currency',
    label: 'Order Currency Code',
    type: 'text',
    scope: 'order',
    get: (o) => [o.currency],
  },
  {
    id: 'total',
    label: 'Order Total',
    type: 'money',
    scope: 'order',
    get: (o) => [o.totals.total],
  },
  {
    id: 'subtotal',
    label: 'Subtotal',
    type: 'money',
    scope: 'order',
    get: (o) => [o.totals.subtotal],
  },
  {
    id: 'total_tax',
    label: 'Total Tax',
    type: 'money',
    scope: 'order',
    get: (o) => [o.totals.tax],
  },
  {
    id: 'shipping_total',
    label: 'Shipping Amount',
    type: 'money',
    scope: 'order',
    get: (o) => [o.totals.shipping],
  },
  {
    id: 'discount_total',
    label: 'Discount Amount',
    type: 'money',
    scope: 'order',
    get: (o) => [o.totals.discounts],
  },
  {
    id: 'balance_due',
    label: 'Balance Due',
    type: 'money',
    scope: 'payment',
    get: (o) => [balanceDue(o)],
  },
  {
    id: 'taxes_included',
    label: 'Prices Include Tax',
    type: 'boolean',
    scope: 'order',
    get: (o) => [o.taxesIncluded],
  },
  { id: 'tag', label: 'Order/Customer Tag', type: 'text', scope: 'order', get: (o) => o.tags },
  { id: 'coupon_code', label: 'Coupon Code', type: 'text', scope: 'order', get: discountCodes },
  {
    id: 'shipping_method',
    label: 'Shipping Method',
    type: 'text',
    scope: 'order',
    get: (o) => o.shippingLines.map((shipping) => shipping.title),
  },
  {
    id: 'shipping_code',
    label: 'Shipping Method Code',
    type: 'text',
    scope: 'order',
    get: (o) => o.shippingLines.flatMap((shipping) => (shipping.code ? [shipping.code] : [])),
  },
  {
    id: 'shipping_state',
    label: 'Shipping State',
    type: 'text',
    scope: 'order',
    get: (o) => one(o.shippingAddress?.regionCode ?? o.shippingAddress?.region),
  },
  {
    id: 'shipping_country',
    label: 'Shipping Address Country',
    type: 'text',
    scope: 'order',
    get: (o) => one(o.shippingAddress?.countryCode ?? o.shippingAddress?.country),
  },
  {
    id: 'shipping_city',
    label: 'Shipping City',
    type: 'text',
    scope: 'order',
    get: (o) => one(o.shippingAddress?.city),
  },
  {
    id: 'shipping_postal_code',
    label: 'Shipping Postal Code',
    type: 'text',
    scope: 'order',
    get: (o) => one(o.shippingAddress?.postalCode),
  },
  {
    id: 'billing_company',
    label: 'Billing Company',
    type: 'text',
    scope: 'customer',
    get: (o) => one(o.billingAddress?.company),
  },
  {
    id: 'billing_state',
    label: 'Billing State',
    type: 'text',
    scope: 'customer',
    get: (o) => one(o.billingAddress?.regionCode ?? o.billingAddress?.region),
  },
  {
    id: 'billing_country',
    label: 'Billing Country',
    type: 'text',
    scope: 'customer',
    get: (o) => one(o.billingAddress?.countryCode ?? o.billingAddress?.country),
  },
  {
    id: 'customer_email',
    label: 'Customer Email',
    type: 'text',
    scope: 'customer',
    get: (o) => one(o.customer.email),
  },
  {
    id: 'customer_first_name',
    label: 'Customer First Name',
    type: 'text',
    scope: 'customer',
    get: (o) => one(o.customer.firstName),
  },
  {
    id: 'customer_last_name',
    label: 'Customer Last Name',
    type: 'text',
    scope: 'customer',
    get: (o) => one(o.customer.lastName),
  },
  {
    id: 'customer_company',
    label: 'Customer Company',
    type: 'text',
    scope: 'customer',
    get: (o) => one(o.customer.company),
  },
  {
    id: 'customer_id',
    label: 'Channel Customer Id',
    type: 'text',
    scope: 'customer',
    get: (o) => one(o.customer.channelCustomerId),
  },
  {
    id: 'payment_method',
    label: 'Payment Method',
    type: 'text',
    scope: 'payment',
    get: (o) => o.payments.map((payment) => payment.gateway),
  },
  {
    id: 'payment_status',
    label: 'Payment Status',
    type: 'text',
    scope: 'payment',
    get: (o) => o.payments.map((payment) => payment.status),
  },
  {
    id: 'payment_kind',
    label: 'Payment Kind',
    type: 'text',
    scope: 'payment',
    get: (o) => o.payments.map((payment) => payment.kind),
  },
  {
    id: 'po_number',
    label: 'PO Number (custom field po_number)',
    type: 'text',
    scope: 'custom',
    get: (o) => customFieldValues(o.customFields, 'po_number'),
  },
  {
    id: 'ship_date',
    label: 'Ship Date (custom field ship_date)',
    type: 'date',
    scope: 'custom',
    get: (o) => customFieldValues(o.customFields, 'ship_date'),
  },
  {
    id: 'sales_terms',
    label: 'Sales Terms (custom field terms)',
    type: 'text',
    scope: 'custom',
    get: (o) => customFieldValues(o.customFields, 'terms'),
  },
  { id: 'line.sku', label: 'SKU', type: 'text', scope: 'line', get: lineField((l) => l.sku) },
  {
    id: 'line.name',
    label: 'Product Name',
    type: 'text',
    scope: 'line',
    get: lineField((l) => l.name),
  },
  {
    id: 'line.description',
    label: 'Product Description (variant title)',
    type: 'text',
    scope: 'line',
    get: lineField((l) => l.variantTitle),
  },
  {
    id: 'line.quantity',
    label: 'Quantity',
    type: 'number',
    scope: 'line',
    get: lineField((l) => l.quantity),
  },
  {
    id: 'line.unit_price',
    label: 'Unit Price',
    type: 'money',
    scope: 'line',
    get: lineField((l) => l.unitPrice),
  },
  {
    id: 'line.product_id',
    label: 'Product Id',
    type: 'text',
    scope: 'line',
    get: lineField((l) => l.productId),
  },
  {
    id: 'line.variant_id',
    label: 'Variant Id',
    type: 'text',
    scope: 'line',
    get: lineField((l) => l.variantId),
  },
  {
    id: 'line.taxable',
    label: 'Line Taxable',
    type: 'boolean',
    scope: 'line',
    get: lineField((l) => l.taxable),
  },
  {
    id: 'line.gift_card',
    label: 'Line Is Gift Card',
    type: 'boolean',
    scope: 'line',
    get: lineField((l) => l.giftCard),
  },
];

export const FIELDS: ReadonlyMap<string, FieldDefinition> = new Map(
  definitions.map((definition) => [definition.id, definition]),
);

const CUSTOM_PREFIX = 'custom.';
const LINE_CUSTOM_PREFIX = 'line.custom.';
const PATH_PREFIX = 'path.';

/**
 * Resolves a field id: a catalogue field, `custom.<name>` (an order custom field),
 * `line.custom.<name>` (a line custom field) or `path.<dotted path>` (any other field of the
 * canonical order, compared as text). Returns an error message for an unknown field.
 */
export function resolveField(id: string): FieldDefinition | { error: string } {
  const known = FIELDS.get(id);

  if (known) {
    return known;
  }

  if (id.startsWith(LINE_CUSTOM_PREFIX) && id.length > LINE_CUSTOM_PREFIX.length) {
    const name = id.slice(LINE_CUSTOM_PREFIX.length).toLowerCase();

    return {
      id,
      label: `Line custom field ${name}`,
      type: 'text',
      scope: 'line',
      get: (order, line) => {
        const lines = line ? [line] : order.lines;

        return lines.flatMap((orderLine) => customFieldValues(orderLine.customFields, name));
      },
    };
  }

  if (id.startsWith(CUSTOM_PREFIX) && id.length > CUSTOM_PREFIX.length) {
    const name = id.slice(CUSTOM_PREFIX.length).toLowerCase();

    return {
      id,
      label: `Order custom field ${name}`,
      type: 'text',
      scope: 'custom',
      get: (order) => customFieldValues(order.customFields, name),
    };
  }

  if (id.startsWith(PATH_PREFIX)) {
    return resolvePath(id);
  }

  return {
    error: `field "${id}" is unknown; use a catalogue field such as line.sku, channel or payment_method, custom.<name> for an order custom field, or path.<field> for another order field`,
  };
}

function resolvePath(id: string): FieldDefinition | { error: string } {
  const segments = id.slice(PATH_PREFIX.length).split('.');
  const root = segments[0] ?? '';

  if (segments.some((segment) => !/^[A-Za-z]\w*$/.test(segment))) {
    return { error: `field "${id}" is not a valid path; write it as path.shippingAddress.city` };
  }

  if (!Object.prototype.hasOwnProperty.call(orderSchema.shape, root)) {
    return {
      error: `field "${id}" is unknown: the order has no field "${root}"; valid roots are ${Object.keys(orderSchema.shape).join(', ')}`,
    };
  }

  return {
    id,
    label: `Order field ${segments.join('.')}`,
    type: 'text',
    scope: 'order',
    get: (order) => collectPath(order, segments),
  };
}

/** Walks `segments` through objects and every element of arrays, keeping primitive leaves. */
function collectPath(root: unknown, segments: readonly string[]): readonly FieldValue[] {
  let current: unknown[] = [root];

  for (const segment of segments) {
    const next: unknown[] = [];

    for (const value of current) {
      const items = Array.isArray(value) ? value : [value];

      for (const item of items) {
        if (
          item !== null &&
          typeof item === 'object' &&
          Object.prototype.hasOwnProperty.call(item, segment)
        ) {
          next.push((item as Record<string, unknown>)[segment]);
        }
      }
    }

    current = next.flatMap((value) => (Array.isArray(value) ? value : [value]));
  }

  return current.filter(
    (value): value is FieldValue =>
      typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean',
  );
}
