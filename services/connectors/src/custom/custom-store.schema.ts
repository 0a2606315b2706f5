import { z } from 'zod';

/**
 * The custom store order format, as the merchant's pull API, push API and CSV upload send it.
 * Field names are PascalCase as published in docs/custom-store.md. Amounts are JSON numbers or
 * decimal strings in the order's currency; times are ISO 8601 in UTC with `Z`.
 */

const amount = z.union([
  z.number(),
  z
    .string()
    .trim()
    .regex(/^-?\d+(\.\d+)?$/, 'must be a decimal number such as 12.50'),
]);
const optionalAmount = amount.nullish();
const text = z.string().nullish();
const utcTime = z.iso.datetime({
  error: 'must be an ISO 8601 time in UTC such as 2026-07-01T12:00:00Z',
});
const flag = z
  .union([z.boolean(), z.enum(['true', 'false', 'TRUE', 'FALSE', '1', '0', 'yes', 'no', ''])])
  .nullish();

export const customAddressSchema = z
  .object({
    FirstName: text,
    LastName: text,
    FullName: text,
    Company: text,
    Address1: text,
    Address2: text,
    City: text,
    RegionName: text,
    PostalCode: text,
    Country: text,
    CountryCode: text,
    Email: text,
    PhoneNumber: text,
  })
  .nullish();

export const customLineSchema = z.looseObject({
  Sku: z
    .string()
    .trim()
    .min(1, 'is missing; every line needs the SKU that matches a QuickBooks item'),
  Name: z.string().trim().min(1, 'is missing; expected the product name'),
  Quantity: z.coerce
    .number({ error: 'must be a whole number greater than zero' })
    .int('must be a whole number greater than zero')
    .positive('must be a whole number greater than zero'),
  PriceExclTax: optionalAmount,
  PriceInclTax: optionalAmount,
  DiscountExclTax: optionalAmount,
  DiscountInclTax: optionalAmount,
  HasTax: flag,
  TaxCode: text,
  IsShipping: flag,
});

export const customOrderSchema = z.looseObject({
  OrderNumber: z.union([z.string().trim().min(1), z.number().transform(String)], {
    error: 'is missing; expected the order number the store shows the buyer',
  }),
  CreationDate: utcTime,
  ModifiedDate: utcTime.nullish(),
  OrderStatus: text,
  StoreName: text,
  StoreType: text,
  BillingAddress: customAddressSchema,
  ShippingAddress: customAddressSchema,
  Total: amount,
  TotalTax: optionalAmount,
  TaxRate: optionalAmount,
  IsTaxInclusive: flag,
  SalesTaxName: text,
  ShippingExclTax: optionalAmount,
  ShippingInclTax: optionalAmount,
  ShippingMethod: text,
  Discounts: text,
  DiscountExclTax: optionalAmount,
  DiscountInclTax: optionalAmount,
  AmountPaid: optionalAmount,
  PaidDate: utcTime.nullish(),
  PaymentGatewayNames: text,
  ReferenceNumber: text,
  CurrencyCode: z.string({ error: 'is missing; expected an ISO 4217 code such as USD' }).trim(),
  ExchangeRate: optionalAmount,
  Tags: text,
  CustomFields: z
    .union([
      z.record(z.string(), z.unknown()),
      z.array(z.object({ Name: z.string(), Value: z.unknown() })),
    ])
    .nullish(),
  ParentOrderNumber: text,
  DoNotImport: flag,
  Lines: z
    .array(customLineSchema, { error: 'is missing; expected an array of order lines' })
    .min(1, 'must contain at least one line'),
});

/** One batch of the pull API or the push API, or the orders of a CSV upload. */
export const customBatchSchema = z.looseObject({
  Orders: z.array(z.unknown()).default([]),
  CancelledOrders: z.array(z.unknown()).default([]),
  /** Stock corrections recorded in the store (counts, damage, shrinkage) for QuickBooks. */
  InventoryAdjustments: z.array(z.unknown()).default([]),
  /** The next page's number, absent on the last page. */
  NextPage: z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).nullish(),
});

export type CustomOrder = z.infer<typeof customOrderSchema>;
export type CustomLine = z.infer<typeof customLineSchema>;
export type CustomBatch = z.infer<typeof customBatchSchema>;

/** Reads the custom store's boolean flags, which CSV files send as text. */
export function isTrue(value: unknown): boolean {
  return (
    value === true ||
    (typeof value === 'string' && ['true', '1', 'yes'].includes(value.toLowerCase()))
  );
}
