import { isKnownCurrency } from '@qbsync/contracts';
import { z } from 'zod';

/**
 * The fields of a Shopify Admin REST order (webhook body or `order` of orders/{id}.json) that the
 * normaliser reads. Unknown fields are dropped. Fields the mapping needs are strict, and fields it
 * only copies through are nullable or optional because Shopify sends null for unset values.
 */

type IssueInput = { input?: unknown };

/** Builds a zod error message: "is missing; expected X" for an absent field, else "must be X". */
function expected(description: string): (issue: IssueInput) => string {
  return (issue) =>
    issue.input === undefined ? `is missing; expected ${description}` : `must be ${description}`;
}

const DECIMAL_PATTERN = /^\d+(\.\d+)?$/;

/** Amounts arrive as decimal strings ("199.00"); the normaliser converts them to minor units. */
const moneyString = z
  .string({ error: expected('a decimal string such as "12.50"') })
  .trim()
  .regex(DECIMAL_PATTERN, { error: expected('a non-negative decimal string such as "12.50"') });

const nullableText = z.string().nullish();

const shopifyId = z.union(
  [z.number().int().positive().refine(Number.isSafeInteger), z.string().regex(/^\d+$/)],
  { error: expected('a Shopify id, a positive whole number') },
);

const timestamp = z.iso.datetime({
  offset: true,
  error: expected('an ISO 8601 timestamp with offset such as "2008-01-10T11:00:00-05:00"'),
});

const currencyCode = z
  .string({ error: expected('an ISO 4217 currency code such as "USD"') })
  .refine(isKnownCurrency, {
    error: (issue) =>
      `"${String(issue.input)}" is not a supported ISO 4217 currency code; expected one such as "USD" or "EUR"`,
  });

const moneyBag = z.object({
  amount: moneyString,
  currency_code: z.string().nullish(),
});

/** Shopify's `*_set` objects: one amount in the shop currency, one in the buyer's. */
export const shopifyMoneySetSchema = z
  .object({ shop_money: moneyBag, presentment_money: moneyBag })
  .nullish();

export const shopifyTaxLineSchema = z.object({
  title: z.string({ error: expected('the tax name') }),
  rate: z.union([z.number().nonnegative(), z.string().regex(DECIMAL_PATTERN)], {
    error: expected('a non-negative tax rate such as 0.06'),
  }),
  price: moneyString,
  price_set: shopifyMoneySetSchema,
});

export const shopifyDiscountAllocationSchema = z.object({
  amount: moneyString,
  amount_set: shopifyMoneySetSchema,
  discount_application_index: z.number().int().nonnegative().nullish(),
});

export const shopifyDiscountApplicationSchema = z.object({
  target_type: z.string().nullish(),
  type: z.string().nullish(),
  code: nullableText,
  title: nullableText,
  description: nullableText,
});

const nameValuePair = z.object({
  name: z.string().nullish(),
  value: z.union([z.string(), z.number(), z.boolean()]).nullish(),
});

export const shopifyLineItemSchema = z.object({
  id: shopifyId,
  sku: nullableText,
  title: z.string({ error: expected('the product title') }),
  name: nullableText,
  variant_title: nullableText,
  product_id: z.union([z.number(), z.string()]).nullish(),
  variant_id: z.union([z.number(), z.string()]).nullish(),
  quantity: z
    .number({ error: expected('a whole number greater than zero') })
    .int({ error: 'must be a whole number greater than zero' })
    .positive({ error: 'must be a whole number greater than zero' }),
  price: moneyString,
  price_set: shopifyMoneySetSchema,
  taxable: z.boolean({ error: expected('true or false') }),
  requires_shipping: z.boolean({ error: expected('true or false') }),
  gift_card: z.boolean({ error: expected('true or false') }),
  tax_lines: z.array(shopifyTaxLineSchema).nullish(),
  discount_allocations: z.array(shopifyDiscountAllocationSchema).nullish(),
  properties: z.array(nameValuePair).nullish(),
});

export const shopifyShippingLineSchema = z.object({
  title: nullableText,
  code: nullableText,
  price: moneyString,
  price_set: shopifyMoneySetSchema,
  is_removed: z.boolean().nullish(),
  tax_lines: z.array(shopifyTaxLineSchema).nullish(),
  discount_allocations: z.array(shopifyDiscountAllocationSchema).nullish(),
});

export const shopifyAddressSchema = z
  .object({
    name: nullableText,
    first_name: nullableText,
    last_name: nullableText,
    company: nullableText,
    address1: nullableText,
    address2: nullableText,
    city: nullableText,
    province: nullableText,
    province_code: nullableText,
    zip: nullableText,
    country: nullableText,
    country_code: nullableText,
    phone: nullableText,
  })
  .nullish();

export const shopifyCustomerSchema = z
  .object({
    id: z.union([z.number(), z.string()]).nullish(),
    email: nullableText,
    first_name: nullableText,
    last_name: nullableText,
    phone: nullableText,
    default_address: z.object({ company: nullableText }).nullish(),
  })
  .nullish();

/** An order transaction, from orders/{id}/transactions.json, attached by the fetcher. */
export const shopifyTransactionSchema = z.object({
  id: z.union([z.number(), z.string()]).nullish(),
  kind: z.string({ error: expected('the transaction kind, such as "sale"') }),
  status: z.string({ error: expected('the transaction status, such as "success"') }),
  amount: moneyString,
  currency: nullableText,
  gateway: nullableText,
  processed_at: timestamp.nullish(),
});

export const shopifyOrderSchema = z.object({
  id: shopifyId,
  name: nullableText,
  order_number: z.number().int().nullish(),
  created_at: timestamp,
  updated_at: timestamp.nullish(),
  processed_at: timestamp.nullish(),
  cancelled_at: timestamp.nullish(),
  cancel_reason: nullableText,
  financial_status: nullableText,
  currency: currencyCode,
  presentment_currency: currencyCode.nullish(),
  taxes_included: z.boolean({ error: expected('true or false') }),
  email: nullableText,
  contact_email: nullableText,
  phone: nullableText,
  customer: shopifyCustomerSchema,
  billing_address: shopifyAddressSchema,
  shipping_address: shopifyAddressSchema,
  line_items: z
    .array(shopifyLineItemSchema, { error: expected('an array of line items') })
    .min(1, { error: 'must contain at least one line item' }),
  shipping_lines: z.array(shopifyShippingLineSchema).nullish(),
  discount_applications: z.array(shopifyDiscountApplicationSchema).nullish(),
  discount_codes: z.array(z.object({ code: nullableText })).nullish(),
  tax_lines: z.array(shopifyTaxLineSchema).nullish(),
  payment_gateway_names: z.array(z.string()).nullish(),
  transactions: z.array(shopifyTransactionSchema).nullish(),
  total_line_items_price: moneyString,
  total_line_items_price_set: shopifyMoneySetSchema,
  total_discounts: moneyString,
  total_discounts_set: shopifyMoneySetSchema,
  total_shipping_price_set: shopifyMoneySetSchema,
  total_tax: moneyString,
  total_tax_set: shopifyMoneySetSchema,
  total_price: moneyString,
  total_price_set: shopifyMoneySetSchema,
  total_outstanding: moneyString.nullish(),
  /** The sum of the order's tips, in the shop currency; Shopify sends no `_set` twin. */
  total_tip_received: moneyString.nullish(),
  tags: nullableText,
  note: nullableText,
  note_attributes: z.array(nameValuePair).nullish(),
  source_name: nullableText,
  po_number: nullableText,
  location_id: z.union([z.number(), z.string()]).nullish(),
});

export type ShopifyOrder = z.infer<typeof shopifyOrderSchema>;
export type ShopifyLineItem = z.infer<typeof shopifyLineItemSchema>;
export type ShopifyShippingLine = z.infer<typeof shopifyShippingLineSchema>;
export type ShopifyTaxLine = z.infer<typeof shopifyTaxLineSchema>;
export type ShopifyDiscountAllocation = z.infer<typeof shopifyDiscountAllocationSchema>;
export type ShopifyAddress = z.infer<typeof shopifyAddressSchema>;
export type ShopifyMoneySet = z.infer<typeof shopifyMoneySetSchema>;
export type ShopifyTransaction = z.infer<typeof shopifyTransactionSchema>;
