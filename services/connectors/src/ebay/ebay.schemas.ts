import { z } from 'zod';

import { expected } from '../channel-support';

/**
 * The fields of eBay's Fulfillment API (`getOrders`) and Finances API (`getPayouts`,
 * `getTransactions`) that the connector reads. Amounts are `{value: "12.50", currency: "USD"}`.
 */

export const ebayAmountSchema = z.object({
  value: z.string({ error: expected('a decimal string such as "12.50"') }),
  currency: z.string({ error: expected('an ISO 4217 currency code such as "USD"') }),
});

const amount = ebayAmountSchema.nullish();
const text = z.string().nullish();
const timestamp = z.iso.datetime({ offset: true, error: expected('an ISO 8601 timestamp') });
const address = z
  .object({
    addressLine1: text,
    addressLine2: text,
    city: text,
    stateOrProvince: text,
    postalCode: text,
    countryCode: text,
  })
  .nullish();

const refundSchema = z.object({
  refundId: text,
  refundStatus: text,
  amount: ebayAmountSchema,
  refundDate: timestamp.nullish(),
  refundReferenceId: text,
});

export const ebayLineItemSchema = z.object({
  lineItemId: z.string({ error: expected('the line item id') }).min(1),
  legacyItemId: text,
  legacyVariationId: text,
  sku: text,
  title: text,
  lineItemCost: ebayAmountSchema,
  quantity: z
    .number({ error: expected('a whole number greater than zero') })
    .int({ error: expected('a whole number greater than zero') })
    .positive({ error: expected('a whole number greater than zero') }),
  total: amount,
  deliveryCost: z.object({ shippingCost: amount, discountedShippingCost: amount }).nullish(),
  appliedPromotions: z
    .array(z.object({ description: text, discountAmount: amount, promotionId: text }))
    .default([]),
  taxes: z.array(z.object({ amount: ebayAmountSchema, taxType: text })).default([]),
  ebayCollectAndRemitTaxes: z
    .array(z.object({ amount: ebayAmountSchema, taxType: text, collectionMethod: text }))
    .default([]),
  listingMarketplaceId: text,
  refunds: z
    .array(
      z.object({
        amount: ebayAmountSchema,
        refundDate: timestamp.nullish(),
        refundId: text,
        refundReferenceId: text,
      }),
    )
    .default([]),
});

export const ebayOrderSchema = z.object({
  orderId: z.string({ error: expected('the eBay order id') }).min(1),
  legacyOrderId: text,
  creationDate: timestamp,
  lastModifiedDate: timestamp,
  orderFulfillmentStatus: text,
  orderPaymentStatus: text,
  sellerId: text,
  buyer: z
    .object({
      username: text,
      buyerRegistrationAddress: z
        .object({
          fullName: text,
          email: text,
          contactAddress: address,
          primaryPhone: z.object({ phoneNumber: text }).nullish(),
          companyName: text,
        })
        .nullish(),
    })
    .nullish(),
  pricingSummary: z.object({
    priceSubtotal: ebayAmountSchema,
    deliveryCost: amount,
    deliveryDiscount: amount,
    priceDiscount: amount,
    adjustment: amount,
    fee: amount,
    tax: amount,
    total: ebayAmountSchema,
  }),
  cancelStatus: z.object({ cancelState: text, cancelledDate: timestamp.nullish() }).nullish(),
  paymentSummary: z
    .object({
      payments: z
        .array(
          z.object({
            paymentMethod: text,
            paymentReferenceId: text,
            paymentDate: timestamp.nullish(),
            amount: ebayAmountSchema,
            paymentStatus: text,
          }),
        )
        .default([]),
      refunds: z.array(refundSchema).default([]),
    })
    .nullish(),
  fulfillmentStartInstructions: z
    .array(
      z.object({
        shippingStep: z
          .object({
            shipTo: z
              .object({
                fullName: text,
                companyName: text,
                contactAddress: address,
                primaryPhone: z.object({ phoneNumber: text }).nullish(),
                email: text,
              })
              .nullish(),
            shippingServiceCode: text,
          })
          .nullish(),
      }),
    )
    .default([]),
  lineItems: z.array(ebayLineItemSchema).min(1, { error: 'an order needs at least one line item' }),
  salesRecordReference: text,
  ebayCollectAndRemitTax: z.boolean().nullish(),
  /** The sum of the marketplace fees eBay charged the seller for this order. */
  totalMarketplaceFee: amount,
});

export const ebayPayoutSchema = z.object({
  payoutId: z.string({ error: expected('the payout id') }).min(1),
  payoutStatus: z.string({ error: expected('the payout status such as "SUCCEEDED"') }),
  amount: ebayAmountSchema,
  payoutDate: timestamp,
  lastAttemptedPayoutDate: timestamp.nullish(),
  transactionCount: z.number().int().nullish(),
});

export const ebayTransactionSchema = z.object({
  transactionId: z.string({ error: expected('the transaction id') }).min(1),
  orderId: text,
  salesRecordReference: text,
  transactionType: z.string({ error: expected('the transaction type such as "SALE"') }),
  amount: ebayAmountSchema,
  totalFeeAmount: amount,
  bookingEntry: z.enum(['CREDIT', 'DEBIT'], { error: expected('CREDIT or DEBIT') }),
  transactionDate: timestamp.nullish(),
  transactionMemo: text,
  feeType: text,
  references: z.array(z.object({ referenceId: text, referenceType: text })).default([]),
});

export const ebayPayoutBundleSchema = z.object({
  payout: ebayPayoutSchema,
  transactions: z.array(ebayTransactionSchema).default([]),
});

export type EbayAmount = z.infer<typeof ebayAmountSchema>;
export type EbayOrder = z.infer<typeof ebayOrderSchema>;
