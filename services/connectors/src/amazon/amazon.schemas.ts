import { z } from 'zod';

import { expected } from '../channel-support';

/**
 * The fields of Selling Partner API Orders v0 and Finances v0 objects that the connector reads.
 * Orders v0 sends `Money` as `{CurrencyCode, Amount: "10.00"}`; Finances v0 sends `Currency` as
 * `{CurrencyCode, CurrencyAmount: 10.0}`, a JSON number.
 */

export const amazonMoneySchema = z.object({
  CurrencyCode: z.string({ error: expected('an ISO 4217 currency code such as "USD"') }),
  Amount: z.string({ error: expected('a decimal string such as "10.00"') }),
});

const money = amazonMoneySchema.nullish();
const text = z.string().nullish();
const timestamp = z.iso.datetime({ offset: true, error: expected('an ISO 8601 timestamp') });

export const amazonOrderSchema = z.object({
  AmazonOrderId: z.string({ error: expected('the Amazon order id') }).min(1),
  SellerOrderId: text,
  PurchaseDate: timestamp,
  LastUpdateDate: timestamp,
  OrderStatus: z.string({ error: expected('the order status such as "Shipped"') }),
  FulfillmentChannel: text,
  SalesChannel: text,
  OrderTotal: money,
  MarketplaceId: text,
  PaymentMethod: text,
  PaymentMethodDetails: z.array(z.string()).nullish(),
  OrderType: text,
  IsBusinessOrder: z.boolean().nullish(),
  IsPrime: z.boolean().nullish(),
  IsReplacementOrder: z.union([z.boolean(), z.string()]).nullish(),
  BuyerInfo: z.object({ BuyerEmail: text, BuyerName: text, PurchaseOrderNumber: text }).nullish(),
  ShippingAddress: z
    .object({
      Name: text,
      AddressLine1: text,
      AddressLine2: text,
      City: text,
      StateOrRegion: text,
      PostalCode: text,
      CountryCode: text,
      Phone: text,
    })
    .nullish(),
});

export const amazonOrderItemSchema = z.object({
  ASIN: text,
  OrderItemId: z.string({ error: expected('the order item id') }).min(1),
  SellerSKU: text,
  Title: text,
  QuantityOrdered: z
    .number({ error: expected('a whole number') })
    .int({ error: expected('a whole number') })
    .nonnegative({ error: expected('a whole number, 0 for a cancelled item') }),
  ItemPrice: money,
  ItemTax: money,
  ShippingPrice: money,
  ShippingTax: money,
  ShippingDiscount: money,
  ShippingDiscountTax: money,
  PromotionDiscount: money,
  PromotionDiscountTax: money,
  CODFee: money,
  CODFeeDiscount: money,
  PromotionIds: z.array(z.string()).nullish(),
  IsGift: z.union([z.boolean(), z.string()]).nullish(),
  BuyerInfo: z.object({ GiftWrapPrice: money, GiftWrapTax: money }).nullish(),
});

export const amazonOrderBundleSchema = z.object({
  order: amazonOrderSchema,
  items: z.array(amazonOrderItemSchema).min(1, { error: 'an order needs at least one item' }),
});

/** Finances v0 `Currency`: the amount is a JSON number. */
export const amazonCurrencySchema = z.object({
  CurrencyCode: z.string({ error: expected('an ISO 4217 currency code such as "USD"') }),
  CurrencyAmount: z.number({ error: expected('an amount such as 10.5') }),
});

const currency = amazonCurrencySchema.nullish();
const chargeList = z.array(z.object({ ChargeType: text, ChargeAmount: currency })).nullish();
const feeList = z.array(z.object({ FeeType: text, FeeAmount: currency })).nullish();
const taxWithheldList = z
  .array(z.object({ TaxCollectionModel: text, TaxesWithheld: chargeList }))
  .nullish();
const promotionList = z
  .array(z.object({ PromotionType: text, PromotionId: text, PromotionAmount: currency }))
  .nullish();

const shipmentItemSchema = z.object({
  SellerSKU: text,
  OrderItemId: text,
  OrderAdjustmentItemId: text,
  QuantityShipped: z.number().int().nullish(),
  ItemChargeList: chargeList,
  ItemChargeAdjustmentList: chargeList,
  ItemFeeList: feeList,
  ItemFeeAdjustmentList: feeList,
  ItemTaxWithheldList: taxWithheldList,
  PromotionList: promotionList,
  PromotionAdjustmentList: promotionList,
});

export const amazonShipmentEventSchema = z.object({
  AmazonOrderId: text,
  SellerOrderId: text,
  MarketplaceName: text,
  PostedDate: timestamp.nullish(),
  OrderChargeList: chargeList,
  OrderChargeAdjustmentList: chargeList,
  ShipmentFeeList: feeList,
  ShipmentFeeAdjustmentList: feeList,
  OrderFeeList: feeList,
  OrderFeeAdjustmentList: feeList,
  ShipmentItemList: z.array(shipmentItemSchema).nullish(),
  ShipmentItemAdjustmentList: z.array(shipmentItemSchema).nullish(),
});

export const amazonFinancialEventsSchema = z.object({
  ShipmentEventList: z.array(amazonShipmentEventSchema).nullish(),
  RefundEventList: z.array(amazonShipmentEventSchema).nullish(),
  GuaranteeClaimEventList: z.array(amazonShipmentEventSchema).nullish(),
  ChargebackEventList: z.array(amazonShipmentEventSchema).nullish(),
  ServiceFeeEventList: z
    .array(
      z.object({
        AmazonOrderId: text,
        FeeReason: text,
        FeeDescription: text,
        FeeList: feeList,
        SellerSKU: text,
      }),
    )
    .nullish(),
  AdjustmentEventList: z
    .array(
      z.object({
        AdjustmentType: text,
        PostedDate: timestamp.nullish(),
        AdjustmentAmount: currency,
      }),
    )
    .nullish(),
  ProductAdsPaymentEventList: z
    .array(
      z.object({
        postedDate: timestamp.nullish(),
        transactionType: text,
        invoiceId: text,
        transactionValue: currency,
      }),
    )
    .nullish(),
});

export const amazonEventGroupSchema = z.object({
  FinancialEventGroupId: z.string({ error: expected('the financial event group id') }).min(1),
  ProcessingStatus: text,
  FundTransferStatus: text,
  OriginalTotal: amazonCurrencySchema,
  FundTransferDate: timestamp.nullish(),
  TraceId: text,
  BeginningBalance: currency,
  FinancialEventGroupStart: timestamp.nullish(),
  FinancialEventGroupEnd: timestamp.nullish(),
});

export type AmazonMoney = z.infer<typeof amazonMoneySchema>;
export type AmazonCurrency = z.infer<typeof amazonCurrencySchema>;
export type AmazonOrderBundle = z.infer<typeof amazonOrderBundleSchema>;
export type AmazonOrderItem = z.infer<typeof amazonOrderItemSchema>;
export type AmazonShipmentEvent = z.infer<typeof amazonShipmentEventSchema>;
export type AmazonFinancialEvents = z.infer<typeof amazonFinancialEventsSchema>;
export type AmazonEventGroup = z.infer<typeof amazonEventGroupSchema>;
