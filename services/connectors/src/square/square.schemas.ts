import { z } from 'zod';

import { expected } from '../channel-support';

/**
 * The fields of Square's Orders, Refunds and Payouts API objects that the connector reads. Square
 * sends every amount as a Money object, `{amount, currency}`, with `amount` already in the
 * currency's smallest unit; quantities are decimal strings ("2").
 */

export const squareMoneySchema = z.object({
  amount: z
    .number({ error: expected('a whole number of the smallest currency unit') })
    .int({ error: expected('a whole number of the smallest currency unit') })
    .refine(Number.isSafeInteger, { error: 'must be a safe integer' }),
  currency: z.string({ error: expected('an ISO 4217 currency code such as "USD"') }),
});

const money = squareMoneySchema.nullish();
const text = z.string().nullish();
const timestamp = z.iso.datetime({ offset: true, error: expected('an RFC 3339 timestamp') });

const appliedSchema = z.object({
  uid: text,
  tax_uid: text,
  discount_uid: text,
  applied_money: squareMoneySchema,
});

export const squareLineItemSchema = z.object({
  uid: z.string({ error: expected('the line item uid') }).min(1),
  name: text,
  quantity: z
    .string({ error: expected('a quantity string such as "2"') })
    .regex(/^\d+(\.\d+)?$/, { error: expected('a quantity string such as "2"') }),
  catalog_object_id: text,
  variation_name: text,
  item_type: text,
  note: text,
  base_price_money: squareMoneySchema,
  gross_sales_money: money,
  total_tax_money: money,
  total_discount_money: money,
  total_money: squareMoneySchema,
  applied_taxes: z.array(appliedSchema).default([]),
  applied_discounts: z.array(appliedSchema).default([]),
});

export const squareOrderSchema = z.object({
  id: z.string({ error: expected('the Square order id') }).min(1),
  location_id: z.string({ error: expected('the location id') }),
  reference_id: text,
  source: z.object({ name: text }).nullish(),
  customer_id: text,
  line_items: z
    .array(squareLineItemSchema)
    .min(1, { error: 'an order needs at least one line item' }),
  taxes: z
    .array(
      z.object({
        uid: z.string(),
        name: text,
        percentage: text,
        type: text,
        scope: text,
        applied_money: money,
      }),
    )
    .default([]),
  discounts: z
    .array(
      z.object({
        uid: z.string(),
        name: text,
        type: text,
        scope: text,
        applied_money: money,
      }),
    )
    .default([]),
  service_charges: z
    .array(
      z.object({
        uid: z.string(),
        name: text,
        total_money: squareMoneySchema,
        total_tax_money: money,
        applied_taxes: z.array(appliedSchema).default([]),
        taxable: z.boolean().nullish(),
      }),
    )
    .default([]),
  fulfillments: z
    .array(
      z.object({
        type: text,
        state: text,
        shipment_details: z
          .object({
            recipient: z
              .object({
                display_name: text,
                email_address: text,
                phone_number: text,
                address: z
                  .object({
                    address_line_1: text,
                    address_line_2: text,
                    locality: text,
                    administrative_district_level_1: text,
                    postal_code: text,
                    country: text,
                  })
                  .nullish(),
              })
              .nullish(),
          })
          .nullish(),
      }),
    )
    .default([]),
  tenders: z
    .array(
      z.object({
        id: z.string(),
        type: z.string(),
        amount_money: squareMoneySchema,
        tip_money: money,
        /** Square's processing fee on the tender; absent until Square computes it. */
        processing_fee_money: money,
        payment_id: text,
        created_at: timestamp.nullish(),
        card_details: z.object({ status: text }).nullish(),
      }),
    )
    .default([]),
  created_at: timestamp,
  updated_at: timestamp,
  closed_at: timestamp.nullish(),
  state: z.string({ error: expected('the order state such as "COMPLETED"') }),
  version: z.number().int().nullish(),
  total_money: squareMoneySchema,
  total_tax_money: money,
  total_discount_money: money,
  total_tip_money: money,
  total_service_charge_money: money,
});

export const squareRefundSchema = z.object({
  id: z.string({ error: expected('the refund id') }).min(1),
  status: z.enum(['PENDING', 'COMPLETED', 'REJECTED', 'FAILED'], {
    error: expected('PENDING, COMPLETED, REJECTED or FAILED'),
  }),
  amount_money: squareMoneySchema,
  payment_id: text,
  order_id: z.string({ error: expected('the id of the refunded order') }).min(1),
  location_id: text,
  reason: text,
  created_at: timestamp,
  updated_at: timestamp.nullish(),
});

export const squareReturnOrderSchema = z.object({
  id: z.string(),
  returns: z
    .array(
      z.object({
        source_order_id: text,
        return_line_items: z
          .array(
            z.object({
              uid: text,
              source_line_item_uid: text,
              name: text,
              quantity: z.string().regex(/^\d+(\.\d+)?$/),
              catalog_object_id: text,
              total_money: squareMoneySchema,
              total_tax_money: money,
            }),
          )
          .default([]),
      }),
    )
    .default([]),
});

export const squarePayoutSchema = z.object({
  id: z.string({ error: expected('the payout id') }).min(1),
  status: z.enum(['SENT', 'FAILED', 'PAID'], { error: expected('SENT, FAILED or PAID') }),
  location_id: text,
  created_at: timestamp,
  updated_at: timestamp.nullish(),
  amount_money: squareMoneySchema,
  arrival_date: z.iso.date().nullish(),
  type: text,
  end_to_end_id: text,
});

export const squarePayoutEntrySchema = z.object({
  id: z.string({ error: expected('the payout entry id') }).min(1),
  payout_id: text,
  effective_at: timestamp.nullish(),
  type: z.string({ error: expected('the entry type such as "CHARGE"') }),
  gross_amount_money: squareMoneySchema,
  fee_amount_money: money,
  net_amount_money: squareMoneySchema,
  type_charge_details: z.object({ payment_id: text }).nullish(),
  type_refund_details: z.object({ payment_id: text, refund_id: text }).nullish(),
});

export const squarePayoutBundleSchema = z.object({
  payout: squarePayoutSchema,
  entries: z.array(squarePayoutEntrySchema).default([]),
});

export const squareEventSchema = z.object({
  merchant_id: z.string({ error: expected('the merchant id') }).min(1),
  type: z.string({ error: expected('the event type such as "order.updated"') }),
  event_id: z.string({ error: expected('the event id') }).min(1),
  created_at: timestamp.nullish(),
  data: z.object({
    type: z.string(),
    id: z.string({ error: expected('the id of the record the event is about') }),
    object: z.record(z.string(), z.unknown()).nullish(),
  }),
});

export type SquareMoney = z.infer<typeof squareMoneySchema>;
export type SquareOrder = z.infer<typeof squareOrderSchema>;
export type SquareLineItem = z.infer<typeof squareLineItemSchema>;
export type SquareRefund = z.infer<typeof squareRefundSchema>;
export type SquarePayoutBundle = z.infer<typeof squarePayoutBundleSchema>;
