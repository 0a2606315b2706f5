import { z } from 'zod';

import { isKnownCurrency } from '../money/currency';

/** Channels the product connects to; each runs as its own connector deployment. */
export const CHANNELS = [
  'shopify',
  'amazon',
  'woocommerce',
  'bigcommerce',
  'ebay',
  'etsy',
  'walmart',
  'square',
  'custom',
] as const;
export type Channel = (typeof CHANNELS)[number];

/** Integer amount in the minor unit of the order's currency (cents for USD). */
export const minorAmount = z.number().int().refine(Number.isSafeInteger, 'must be a safe integer');
export const nonNegativeMinorAmount = minorAmount.refine(
  (value) => value >= 0,
  'must not be negative',
);
export const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code such as USD')
  .refine(isKnownCurrency, 'is not a currency the product knows; use an ISO 4217 code');
/** Decimal string, for rates and exchange rates that must not lose digits ("0.06", "1.0845"). */
export const decimalString = z
  .string()
  .regex(/^\d+(\.\d+)?$/, 'must be a decimal string such as 0.06');
export const isoTimestamp = z.iso.datetime({ offset: true });

export const customFieldSchema = z.object({
  name: z.string().min(1),
  value: z.string(),
});

export const addressSchema = z.object({
  name: z.string().optional(),
  company: z.string().optional(),
  line1: z.string().optional(),
  line2: z.string().optional(),
  city: z.string().optional(),
  region: z.string().optional(),
  regionCode: z.string().optional(),
  postalCode: z.string().optional(),
  country: z.string().optional(),
  countryCode: z.string().optional(),
  phone: z.string().optional(),
});

export const customerSchema = z.object({
  channelCustomerId: z.string().optional(),
  email: z.string().optional(),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  company: z.string().optional(),
  phone: z.string().optional(),
});

export const taxLineSchema = z.object({
  /** The channel's name for the tax, for example "State Tax" or "VAT". */
  name: z.string().min(1),
  rate: decimalString,
  amount: nonNegativeMinorAmount,
  jurisdiction: z.string().optional(),
});

export const discountSchema = z.object({
  code: z.string().optional(),
  title: z.string().optional(),
  amount: nonNegativeMinorAmount,
});

export const orderLineSchema = z.object({
  lineId: z.string().min(1),
  /** Stock-keeping unit; empty when the channel has none, which item matching reports. */
  sku: z.string(),
  name: z.string().min(1),
  variantTitle: z.string().optional(),
  productId: z.string().optional(),
  variantId: z.string().optional(),
  quantity: z.number().int().positive('must be a whole number greater than zero'),
  unitPrice: nonNegativeMinorAmount,
  /** Discounts the channel allocated to this line, already included in the order's discounts. */
  discounts: z.array(discountSchema),
  taxes: z.array(taxLineSchema),
  taxable: z.boolean(),
  requiresShipping: z.boolean(),
  giftCard: z.boolean(),
  customFields: z.array(customFieldSchema),
});

export const shippingLineSchema = z.object({
  code: z.string().optional(),
  title: z.string().min(1),
  price: nonNegativeMinorAmount,
  discounts: z.array(discountSchema),
  taxes: z.array(taxLineSchema),
});

export const paymentSchema = z.object({
  gateway: z.string().min(1),
  amount: nonNegativeMinorAmount,
  kind: z.enum(['sale', 'capture', 'authorization', 'gift_card', 'other']),
  status: z.enum(['success', 'pending', 'failure']),
  transactionId: z.string().optional(),
  processedAt: isoTimestamp.optional(),
});

/**
 * The channel's own totals, in minor units. A posted document must reproduce `total` to the cent.
 * `discounts` includes both line allocations and order-level discounts.
 */
export const orderTotalsSchema = z.object({
  subtotal: minorAmount,
  discounts: nonNegativeMinorAmount,
  shipping: nonNegativeMinorAmount,
  tax: nonNegativeMinorAmount,
  total: minorAmount,
});

/** A tip the buyer added; part of `totals.total`, never taxed. */
export const tipSchema = z.object({
  title: z.string().min(1),
  amount: nonNegativeMinorAmount,
});

/**
 * A merchant or processor fee the channel charged for the order (Shopify Payments, PayPal). Fees
 * are not part of `totals.total`: the buyer paid the total, and the fee comes out of the payout.
 */
export const orderFeeSchema = z.object({
  title: z.string().min(1),
  /** The gateway or processor that charged it, for example `shopify_payments` or `paypal`. */
  gateway: z.string().optional(),
  amount: nonNegativeMinorAmount,
});

export const orderSourceSchema = z.object({
  kind: z.enum(['webhook', 'poll', 'push', 'upload', 'resync']),
  topic: z.string().optional(),
  deliveryId: z.string().optional(),
  receivedAt: isoTimestamp,
  /** Where the raw channel payload can be found again, for example "shopify:order:450789469". */
  rawRef: z.string().min(1),
});

export const ORDER_SCHEMA_VERSION = 1;

export const orderSchema = z.object({
  schemaVersion: z.literal(ORDER_SCHEMA_VERSION),
  accountId: z.string().min(1),
  connectionId: z.string().min(1),
  channel: z.enum(CHANNELS),
  channelOrderId: z.string().min(1),
  orderNumber: z.string().min(1),
  createdAt: isoTimestamp,
  updatedAt: isoTimestamp,
  processedAt: isoTimestamp.optional(),
  cancelledAt: isoTimestamp.optional(),
  financialStatus: z.string().optional(),
  currency: currencyCode,
  presentmentCurrency: currencyCode,
  /** Home-currency units per unit of `currency`, when the channel reports it. */
  exchangeRate: decimalString.optional(),
  taxesIncluded: z.boolean(),
  customer: customerSchema,
  billingAddress: addressSchema.optional(),
  shippingAddress: addressSchema.optional(),
  lines: z.array(orderLineSchema).min(1, 'an order needs at least one line'),
  shippingLines: z.array(shippingLineSchema),
  /** Discounts not allocated to any line. */
  orderDiscounts: z.array(discountSchema),
  /** The order's tax summary by jurisdiction and rate, as the channel computed it. */
  taxLines: z.array(taxLineSchema),
  payments: z.array(paymentSchema),
  /** Tips, included in `totals.total`; absent when the channel reports none. */
  tips: z.array(tipSchema).optional(),
  /** Merchant and processor fees, not included in `totals.total`; absent when unknown. */
  fees: z.array(orderFeeSchema).optional(),
  totals: orderTotalsSchema,
  tags: z.array(z.string()),
  customFields: z.array(customFieldSchema),
  source: orderSourceSchema,
});

export type Order = z.infer<typeof orderSchema>;
export type OrderLine = z.infer<typeof orderLineSchema>;
export type ShippingLine = z.infer<typeof shippingLineSchema>;
export type TaxLine = z.infer<typeof taxLineSchema>;
export type Discount = z.infer<typeof discountSchema>;
export type Payment = z.infer<typeof paymentSchema>;
export type Address = z.infer<typeof addressSchema>;
export type Customer = z.infer<typeof customerSchema>;
export type CustomField = z.infer<typeof customFieldSchema>;
export type OrderTotals = z.infer<typeof orderTotalsSchema>;
export type Tip = z.infer<typeof tipSchema>;
export type OrderFee = z.infer<typeof orderFeeSchema>;
