import { z } from 'zod';

import { expected } from '../channel-support';

/**
 * The fields of WooCommerce REST API v3 (`/wp-json/wc/v3`) resources that the connector reads.
 * Unknown fields are dropped. Amounts are decimal strings; `price` on line items is a JSON number
 * that the normaliser does not use, because it is rounded.
 */

const id = z
  .number({ error: expected('a WooCommerce id, a whole number') })
  .int()
  .nonnegative();
const positiveId = z
  .number({ error: expected('a WooCommerce id, a whole number') })
  .int()
  .positive();
const money = z
  .string({ error: expected('a decimal string such as "12.50"') })
  .regex(/^-?\d+(\.\d+)?$/, { error: expected('a decimal string such as "12.50"') });
const text = z.string().nullish();
/** WooCommerce GMT dates carry no offset ("2017-03-22T19:28:02"); the normaliser appends Z. */
const gmtDate = z
  .string({ error: expected('a date such as "2017-03-22T19:28:02"') })
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?$/, {
    error: expected('a date such as "2017-03-22T19:28:02"'),
  })
  .refine((value) => !Number.isNaN(Date.parse(value.endsWith('Z') ? value : `${value}Z`)), {
    error: 'must be a real calendar date and time such as "2017-03-22T19:28:02"',
  });

export const wooMetaDataSchema = z.object({
  id: z.number().nullish(),
  key: z.string(),
  value: z.unknown(),
});

const wooTaxAmountSchema = z.object({
  id: positiveId,
  total: z.union([money, z.literal('')]).nullish(),
  subtotal: z.union([money, z.literal('')]).nullish(),
});

export const wooLineItemSchema = z.object({
  id: positiveId,
  name: z.string({ error: expected('the product name') }),
  product_id: id.nullish(),
  variation_id: id.nullish(),
  quantity: z
    .number({ error: expected('a whole number greater than zero') })
    .int({ error: expected('a whole number greater than zero') })
    .positive({ error: expected('a whole number greater than zero') }),
  subtotal: money,
  subtotal_tax: money,
  total: money,
  total_tax: money,
  taxes: z.array(wooTaxAmountSchema).default([]),
  meta_data: z.array(wooMetaDataSchema).default([]),
  sku: text,
});

export const wooTaxLineSchema = z.object({
  id: positiveId,
  rate_code: text,
  rate_id: positiveId,
  label: text,
  compound: z.boolean().nullish(),
  tax_total: money,
  shipping_tax_total: money,
  rate_percent: z.number().nonnegative().nullish(),
});

export const wooShippingLineSchema = z.object({
  id: positiveId,
  method_title: text,
  method_id: text,
  total: money,
  total_tax: money,
  taxes: z.array(wooTaxAmountSchema).default([]),
});

export const wooFeeLineSchema = z.object({
  id: positiveId,
  name: text,
  total: money,
  total_tax: money,
  taxes: z.array(wooTaxAmountSchema).default([]),
});

export const wooCouponLineSchema = z.object({
  id: positiveId,
  code: z.string(),
  discount: money,
  discount_tax: money,
});

const wooAddressSchema = z
  .object({
    first_name: text,
    last_name: text,
    company: text,
    address_1: text,
    address_2: text,
    city: text,
    state: text,
    postcode: text,
    country: text,
    email: text,
    phone: text,
  })
  .nullish();

export const wooOrderSchema = z.object({
  id: positiveId,
  parent_id: id.nullish(),
  number: z.string({ error: expected('the order number') }).min(1),
  order_key: text,
  created_via: text,
  status: z.string({ error: expected('the order status such as "processing"') }),
  currency: z.string({ error: expected('an ISO 4217 currency code such as "USD"') }),
  date_created_gmt: gmtDate,
  date_modified_gmt: gmtDate.nullish(),
  date_paid_gmt: gmtDate.nullish(),
  date_completed_gmt: gmtDate.nullish(),
  discount_total: money,
  discount_tax: money,
  shipping_total: money,
  shipping_tax: money,
  cart_tax: money,
  total: money,
  total_tax: money,
  prices_include_tax: z.boolean().default(false),
  customer_id: id.nullish(),
  customer_note: text,
  billing: wooAddressSchema,
  shipping: wooAddressSchema,
  payment_method: text,
  payment_method_title: text,
  transaction_id: text,
  meta_data: z.array(wooMetaDataSchema).default([]),
  line_items: z.array(wooLineItemSchema).min(1, { error: 'an order needs at least one line item' }),
  tax_lines: z.array(wooTaxLineSchema).default([]),
  shipping_lines: z.array(wooShippingLineSchema).default([]),
  fee_lines: z.array(wooFeeLineSchema).default([]),
  coupon_lines: z.array(wooCouponLineSchema).default([]),
  refunds: z.array(z.object({ id: positiveId, reason: text, total: money })).default([]),
});

const wooRefundItemSchema = z.object({
  id: positiveId,
  name: z.string(),
  product_id: id.nullish(),
  variation_id: id.nullish(),
  /** Negative: the quantity taken back. */
  quantity: z.number().int(),
  subtotal: money,
  subtotal_tax: money,
  total: money,
  total_tax: money,
  meta_data: z.array(wooMetaDataSchema).default([]),
  sku: text,
});

export const wooRefundSchema = z.object({
  id: positiveId,
  date_created_gmt: gmtDate,
  amount: money,
  reason: text,
  refunded_by: id.nullish(),
  refunded_payment: z.boolean().nullish(),
  meta_data: z.array(wooMetaDataSchema).default([]),
  line_items: z.array(wooRefundItemSchema).default([]),
  shipping_lines: z
    .array(
      z.object({
        id: positiveId,
        total: money,
        total_tax: money,
        meta_data: z.array(wooMetaDataSchema).default([]),
      }),
    )
    .default([]),
});

export const wooProductSchema = z.object({
  id: positiveId,
  name: z.string(),
  sku: text,
  type: z.string(),
  manage_stock: z.union([z.boolean(), z.literal('parent')]).nullish(),
  stock_quantity: z.number().int().nullish(),
  variations: z.array(z.number()).default([]),
});

export type WooOrder = z.infer<typeof wooOrderSchema>;
export type WooLineItem = z.infer<typeof wooLineItemSchema>;
export type WooFeeLine = z.infer<typeof wooFeeLineSchema>;
export type WooRefund = z.infer<typeof wooRefundSchema>;
export type WooProduct = z.infer<typeof wooProductSchema>;
export type WooMetaData = z.infer<typeof wooMetaDataSchema>;
