import { type Address, type PayoutTransactionType } from '@qbsync/contracts';

/** A product line; `amount` is always `quantity × unitPrice`, as QuickBooks requires. */
export interface ItemPlanLine {
  kind: 'item';
  sku: string;
  name: string;
  description: string;
  quantity: number;
  unitPrice: number;
  amount: number;
  taxable: boolean;
  /** The channel's id of the order line it came from. */
  lineId: string;
}

/** A shipping charge before its discounts, which are part of the plan's `discountTotal`. */
export interface ShippingPlanLine {
  kind: 'shipping';
  itemName: string;
  description: string;
  amount: number;
  taxable: boolean;
}

/** A non-taxable line that absorbs a rounding difference; `amount` may be negative. */
export interface AdjustmentPlanLine {
  kind: 'adjustment';
  itemName: string;
  description: string;
  amount: number;
}

/** A tip the buyer added: a non-taxable line on the tip item. */
export interface TipPlanLine {
  kind: 'tip';
  itemName: string;
  description: string;
  taxable: false;
  amount: number;
}

/** Merchant or processor fees, posted as a negative non-taxable line on the fee item. */
export interface FeePlanLine {
  kind: 'fee';
  itemName: string;
  description: string;
  taxable: false;
  /** Negative: the fees reduce the money received. */
  amount: number;
}

/**
 * A payout transaction that is not an order's own line: a charge of an order never received, a
 * refund, a reserve, a chargeback or an adjustment. `amount` is signed as the payout moved it.
 */
export interface PayoutPlanLine {
  kind: 'payout';
  itemName: string;
  description: string;
  taxable: false;
  amount: number;
  transactionType: PayoutTransactionType;
}

export type PlanLine =
  ItemPlanLine | ShippingPlanLine | AdjustmentPlanLine | TipPlanLine | FeePlanLine | PayoutPlanLine;

export interface PlanCustomer {
  /** Name shown in QuickBooks, with whitespace trimmed and runs of whitespace collapsed. */
  displayName: string;
  givenName?: string;
  familyName?: string;
  companyName?: string;
  email?: string;
  phone?: string;
  billingAddress?: Address;
  shippingAddress?: Address;
}

/** One tax in the channel's own summary, in minor units. */
export interface PlanTaxLine {
  name: string;
  /** Decimal rate as a string, for example "0.06" for 6%. */
  rate: string;
  amount: number;
  jurisdiction?: string;
}

/**
 * Content of a QuickBooks sales receipt (Online or Desktop) for one order, independent of either
 * API's JSON. Every amount is in integer minor units of `currency`.
 */
export interface PostingPlan {
  documentKind: 'sales_receipt';
  currency: string;
  /** Prefix plus channel order number, cut to its last `docNumberMaxLength` characters. */
  docNumber: string;
  /** True when `docNumber` was cut to fit, so a caller may let QuickBooks number it instead. */
  docNumberTruncated: boolean;
  /** Transaction date as YYYY-MM-DD. */
  txnDate: string;
  /** Memo that records the channel and the channel's order id and number. */
  privateNote: string;
  customer: PlanCustomer;
  /**
   * Item lines, then shipping lines, then tip lines, then the adjustment line if there is one,
   * then the fee line when merchant fees are posted.
   */
  lines: PlanLine[];
  /** Line, order-level and shipping discounts, posted as one amount-based discount line. */
  discountTotal: number;
  /** The part of `discountTotal` that reduces taxable lines, and the part that reduces the rest. */
  discountByTaxability: { taxable: number; nonTaxable: number };
  taxTreatment: 'exclusive' | 'inclusive';
  /** The channel's own tax, posted as an override because channels may tax before discounts. */
  taxTotal: number;
  taxLines: PlanTaxLine[];
  /** Sum of the amounts of `lines`, the adjustment, tip and fee lines included. */
  subtotal: number;
  /**
   * Exclusive: subtotal − discountTotal + taxTotal. Inclusive: subtotal − discountTotal. With a
   * fee line this is `channelTotal − feeTotal`, because the fees are not part of the channel total.
   */
  total: number;
  /** The channel's total for the order (`order.totals.total`). */
  channelTotal: number;
  /**
   * Successful gift-card payments. A gift-card redemption is a tender, so a sales receipt posts
   * it as a negative line on the gift-card liability item and deposits `total − giftCardTotal`.
   */
  giftCardTotal: number;
  /** Tips included in `channelTotal`, posted as tip lines. */
  tipTotal?: number;
  /** Merchant fees posted as a negative fee line; absent when fees are left to the payout. */
  feeTotal?: number;
  /** Set when a rounding difference was posted as an adjustment line. */
  adjustment?: { amount: number; reason: string };
}

export interface SalesReceiptPlanOptions {
  /** Text put before the channel order number in `docNumber`, for example "SS-". */
  docNumberPrefix?: string;
  /** Maximum length of `docNumber`: 21 for QuickBooks Online (default), 11 for Desktop. */
  docNumberMaxLength?: number;
  /** QuickBooks item for every shipping line; default "Shipping". */
  shippingItemName?: string;
  /** QuickBooks item for tip lines; default "Tips". */
  tipItemName?: string;
  /**
   * Post the order's merchant fees as one negative line on this item. Absent: the fees are left
   * to the payout, for documents that cannot hold a negative line or companies that match deposits.
   */
  merchantFeeItemName?: string;
  /** QuickBooks item for the rounding adjustment line; default "Rounding Adjustment". */
  adjustmentItemName?: string;
  /**
   * Largest difference, in minor units, that is posted as an adjustment line instead of failing.
   * Default: one per posted line plus one, at most five.
   */
  maxAdjustment?: number;
  /**
   * `spread`: line and order-level discounts lower the item lines' amounts (shipping discounts
   * stay a discount), for companies that want net prices per item. Default `discount_line`.
   */
  discountPosting?: 'discount_line' | 'spread';
  /**
   * IANA time zone (for example "America/New_York") whose calendar date becomes `txnDate`.
   * Without it the date is read in the UTC offset the order's timestamp carries.
   */
  timeZone?: string;
}
