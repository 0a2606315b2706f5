import { type AdjustmentPlanLine, type PlanCustomer, type PlanTaxLine } from './posting-plan.types';

/**
 * A refunded product line, whose `amount` is always `quantity × unitPrice`. A refunded amount that
 * does not divide evenly by its quantity becomes two lines of the same item whose unit prices
 * differ by one minor unit, so the quantities still add up to what went back.
 */
export interface RefundItemPlanLine {
  kind: 'item';
  /** The original line's SKU, so a restocked line credits the item that was sold. */
  sku: string;
  name: string;
  description: string;
  quantity: number;
  unitPrice: number;
  amount: number;
  taxable: boolean;
  /** True when the goods went back to stock. */
  restock: boolean;
  /**
   * Set for goods refunded without restock when the options name a no-restock item: the line
   * posts to that non-inventory item, so QuickBooks does not take stock back that never returned.
   */
  noRestockItemName?: string;
  /** The channel's id of the refunded order line. */
  lineId: string;
}

/** Refunded shipping, before its tax. */
export interface RefundShippingPlanLine {
  kind: 'shipping';
  itemName: string;
  description: string;
  amount: number;
  taxable: boolean;
}

export type RefundPlanLine = RefundItemPlanLine | RefundShippingPlanLine | AdjustmentPlanLine;

/**
 * Content of a QuickBooks refund document (a QBO RefundReceipt or CreditMemo, a QBD CreditMemo)
 * for one channel refund, independent of either API's JSON. Every amount is in minor units of
 * `currency`, and every amount is positive where money goes back to the customer.
 */
export interface RefundPlan {
  documentKind: 'refund_receipt' | 'credit_memo';
  currency: string;
  channelRefundId: string;
  channelOrderId: string;
  /**
   * The original sale's number, then `-1`, `-2`... for later refunds of the same order. Undefined
   * when it is longer than `docNumberMaxLength`: the caller lets QuickBooks number the document
   * and logs `requestedDocNumber`, because a cut number could name another order's refund.
   */
  docNumber?: string;
  requestedDocNumber: string;
  /** Transaction date as YYYY-MM-DD. */
  txnDate: string;
  /** Memo that records the channel, the order and the refund id. */
  privateNote: string;
  /** The original order's customer, when the original order was given. */
  customer?: PlanCustomer;
  /** Refunded item lines, then shipping, then adjustments (the channel's, then rounding). */
  lines: RefundPlanLine[];
  taxTreatment: 'exclusive' | 'inclusive';
  /** The channel's refunded tax, posted as an override so QuickBooks does not recompute it. */
  taxTotal: number;
  taxLines: PlanTaxLine[];
  /** Sum of the amounts of `lines`. */
  subtotal: number;
  /** Exclusive: subtotal + taxTotal. Inclusive: subtotal. */
  total: number;
  /** The channel's total for the refund (`refund.totals.total`). */
  channelTotal: number;
  /** Set when a rounding difference was posted as an adjustment line. */
  adjustment?: { amount: number; reason: string };
}

export interface RefundPlanOptions {
  documentKind?: 'refund_receipt' | 'credit_memo';
  /** Position of the refund among the order's refunds, from 0; the posting ledger assigns it. */
  sequence?: number;
  /** Text put before the channel order number, for example "SS-". */
  docNumberPrefix?: string;
  /** Maximum length of `docNumber`: 21 for QuickBooks Online (default), 11 for Desktop. */
  docNumberMaxLength?: number;
  /** QuickBooks item for refunded shipping; default "Shipping". */
  shippingItemName?: string;
  /** QuickBooks item for the channel's refund adjustments and rounding; default "Refund Adjustment". */
  adjustmentItemName?: string;
  /**
   * Non-inventory item for lines refunded without restock. Default: "ShopifyNoRestock" for
   * Shopify, none elsewhere (the line reuses the original item).
   */
  noRestockItemName?: string | null;
  /** Largest rounding difference, in minor units, posted as an adjustment line; default 5. */
  maxAdjustment?: number;
  /** IANA time zone whose calendar date becomes `txnDate`. */
  timeZone?: string;
}
