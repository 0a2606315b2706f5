import { z } from 'zod';

import { expected } from '../channel-support';

/**
 * The fields of Walmart Marketplace orders (`GET /v3/orders`) that the connector reads. Amounts
 * are JSON numbers (`{currency: "USD", amount: 10.00}`), dates epoch milliseconds, and each order
 * line carries its own charges (product, shipping, discount, fee) with their tax.
 */

export const walmartMoneySchema = z.object({
  currency: z.string({ error: expected('an ISO 4217 currency code such as "USD"') }),
  amount: z.number({ error: expected('an amount such as 10.00') }),
});

const text = z.string().nullish();
const epochMs = z
  .number({ error: expected('an epoch time in milliseconds') })
  .int({ error: expected('an epoch time in milliseconds') })
  .min(0)
  .max(32503680000000, { error: 'must be an epoch time in milliseconds before the year 3000' });

export const walmartChargeSchema = z.object({
  chargeType: z.string({ error: expected('the charge type such as "PRODUCT"') }),
  chargeName: text,
  chargeAmount: walmartMoneySchema,
  tax: z.object({ taxName: text, taxAmount: walmartMoneySchema }).nullish(),
});

export const walmartOrderLineSchema = z.object({
  lineNumber: z.string({ error: expected('the line number') }).min(1),
  item: z.object({ productName: text, sku: text }),
  charges: z.object({ charge: z.array(walmartChargeSchema).default([]) }),
  orderLineQuantity: z.object({
    unitOfMeasurement: text,
    amount: z
      .string({ error: expected('a quantity string such as "1"') })
      .regex(/^\d+$/, { error: expected('a whole-number quantity string such as "1"') }),
  }),
  statusDate: epochMs.nullish(),
  orderLineStatuses: z
    .object({ orderLineStatus: z.array(z.object({ status: z.string() })).default([]) })
    .nullish(),
  refund: z
    .object({
      refundId: text,
      refundComments: text,
      refundCharges: z.object({
        refundCharge: z
          .array(z.object({ refundReason: text, charge: walmartChargeSchema }))
          .default([]),
      }),
    })
    .nullish(),
});

export const walmartOrderSchema = z.object({
  purchaseOrderId: z.string({ error: expected('the purchase order id') }).min(1),
  customerOrderId: z.string({ error: expected('the customer order id') }).min(1),
  customerEmailId: text,
  orderType: text,
  orderDate: epochMs,
  shippingInfo: z
    .object({
      phone: text,
      methodCode: text,
      postalAddress: z
        .object({
          name: text,
          address1: text,
          address2: text,
          city: text,
          state: text,
          postalCode: text,
          country: text,
        })
        .nullish(),
    })
    .nullish(),
  orderLines: z.object({
    orderLine: z
      .array(walmartOrderLineSchema)
      .min(1, { error: 'an order needs at least one order line' }),
  }),
  shipNode: z.object({ type: text }).nullish(),
});

export type WalmartMoney = z.infer<typeof walmartMoneySchema>;
export type WalmartOrder = z.infer<typeof walmartOrderSchema>;
export type WalmartCharge = z.infer<typeof walmartChargeSchema>;
