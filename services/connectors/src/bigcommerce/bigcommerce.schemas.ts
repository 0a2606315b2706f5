import { z } from 'zod';

import { expected } from '../channel-support';

/**
 * The fields of BigCommerce's Orders v2 and v3 resources that the connector reads. Orders v2
 * sends amounts as strings with four decimals ("62.6793") and dates in RFC 2822 form
 * ("Tue, 05 Mar 2019 21:40:11 +0000"); the v3 refunds API sends JSON numbers.
 */

const id = z
  .number({ error: expected('a BigCommerce id, a whole number') })
  .int()
  .positive();
const money = z
  .string({ error: expected('a decimal string such as "12.5000"') })
  .regex(/^-?\d+(\.\d+)?$/, { error: expected('a decimal string such as "12.5000"') });
const optionalMoney = money.nullish();
const text = z.string().nullish();
const rfc2822 = z
  .string({ error: expected('a date such as "Tue, 05 Mar 2019 21:40:11 +0000"') })
  .refine((value) => !Number.isNaN(Date.parse(value)), {
    error: 'must be a date such as "Tue, 05 Mar 2019 21:40:11 +0000"',
  });

const addressFields = {
  first_name: text,
  last_name: text,
  company: text,
  street_1: text,
  street_2: text,
  city: text,
  state: text,
  zip: text,
  country: text,
  country_iso2: text,
  phone: text,
  email: text,
};

export const bcAddressSchema = z.object(addressFields);

export const bcOrderSchema = z.object({
  id,
  customer_id: z.number().int().nonnegative().nullish(),
  date_created: rfc2822,
  date_modified: rfc2822.nullish(),
  status_id: z.number().int().nullish(),
  status: z.string({ error: expected('the order status such as "Awaiting Fulfillment"') }),
  subtotal_ex_tax: money,
  subtotal_inc_tax: money,
  subtotal_tax: optionalMoney,
  shipping_cost_ex_tax: money,
  shipping_cost_inc_tax: money,
  shipping_cost_tax: optionalMoney,
  handling_cost_ex_tax: optionalMoney,
  handling_cost_inc_tax: optionalMoney,
  handling_cost_tax: optionalMoney,
  wrapping_cost_ex_tax: optionalMoney,
  wrapping_cost_inc_tax: optionalMoney,
  wrapping_cost_tax: optionalMoney,
  total_ex_tax: money,
  total_inc_tax: money,
  total_tax: optionalMoney,
  discount_amount: optionalMoney,
  coupon_discount: optionalMoney,
  gift_certificate_amount: optionalMoney,
  store_credit_amount: optionalMoney,
  refunded_amount: optionalMoney,
  payment_method: text,
  payment_provider_id: z.union([z.string(), z.number()]).nullish(),
  payment_status: text,
  currency_code: z.string({ error: expected('an ISO 4217 currency code such as "USD"') }),
  default_currency_code: text,
  currency_exchange_rate: text,
  staff_notes: text,
  customer_message: text,
  order_source: text,
  channel_id: z.number().nullish(),
  external_source: text,
  external_id: z.union([z.string(), z.number()]).nullish(),
  ebay_order_id: text,
  is_deleted: z.boolean().nullish(),
  billing_address: bcAddressSchema.nullish(),
});

export const bcAppliedDiscountSchema = z.object({
  id: z.union([z.string(), z.number()]).nullish(),
  amount: money,
  name: text,
  code: text,
  target: text,
});

export const bcOrderProductSchema = z.object({
  id,
  product_id: z.number().int().nonnegative().nullish(),
  variant_id: z.number().int().nonnegative().nullish(),
  name: z.string({ error: expected('the product name') }),
  sku: text,
  type: text,
  quantity: z
    .number({ error: expected('a whole number greater than zero') })
    .int({ error: expected('a whole number greater than zero') })
    .positive({ error: expected('a whole number greater than zero') }),
  total_ex_tax: money,
  total_inc_tax: money,
  total_tax: optionalMoney,
  applied_discounts: z.array(bcAppliedDiscountSchema).default([]),
  product_options: z.array(z.object({ display_name: text, display_value: text })).default([]),
});

export const bcShippingAddressSchema = z.object({
  ...addressFields,
  id,
  shipping_method: text,
});

export const bcTaxSchema = z.object({
  id,
  name: text,
  rate: text,
  line_amount: money,
});

export const bcOrderBundleSchema = z.object({
  order: bcOrderSchema,
  products: z.array(bcOrderProductSchema).min(1, { error: 'an order needs at least one product' }),
  shipping_addresses: z.array(bcShippingAddressSchema).default([]),
  taxes: z.array(bcTaxSchema).default([]),
});

export const bcRefundSchema = z.object({
  id,
  order_id: id,
  created: z.iso.datetime({ offset: true, error: expected('an ISO 8601 timestamp') }),
  reason: text,
  total_amount: z.number({ error: expected('the refunded amount as a number') }),
  total_tax: z.number().nullish(),
  items: z
    .array(
      z.object({
        item_type: z.string(),
        item_id: z.number().int(),
        quantity: z.number().int().nullish(),
        requested_amount: z.union([z.number(), z.string()]).nullish(),
        reason: text,
      }),
    )
    .default([]),
  payments: z
    .array(
      z.object({
        id: z.union([z.number(), z.string()]).nullish(),
        provider_id: text,
        amount: z.number(),
        offline: z.boolean().nullish(),
        is_declined: z.boolean().nullish(),
      }),
    )
    .default([]),
});

/** A lightweight BigCommerce webhook: it names the record, and the receiver fetches it. */
export const bcWebhookSchema = z.object({
  scope: z.string({ error: expected('the webhook scope such as "store/order/created"') }),
  store_id: z.union([z.string(), z.number()]).nullish(),
  producer: z.string({ error: expected('the producer such as "stores/abc123"') }),
  hash: text,
  created_at: z.number().nullish(),
  data: z.object({
    type: z.string(),
    id: z
      .number({ error: expected('the id of the changed record') })
      .int()
      .positive(),
  }),
});

export type BcOrder = z.infer<typeof bcOrderSchema>;
export type BcOrderBundle = z.infer<typeof bcOrderBundleSchema>;
export type BcOrderProduct = z.infer<typeof bcOrderProductSchema>;
export type BcRefund = z.infer<typeof bcRefundSchema>;
