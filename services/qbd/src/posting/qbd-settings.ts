import { z } from 'zod';

/**
 * Posting settings of a company file: accounts, items and tax handling. Stored with the pairing;
 * every field has the default a new company file gets. Names are QuickBooks full names.
 */
export const qbdSettingsSchema = z.object({
  /** Account sales receipts and payments deposit to. */
  depositAccount: z.string().min(1).default('Undeposited Funds'),
  /** A/R account of invoices, payments and credit memos; QuickBooks' default when absent. */
  arAccount: z.string().min(1).optional(),
  /** A/R account a refund check debits back; also the account credit memos credit. */
  refundArAccount: z.string().min(1).default('Accounts Receivable'),
  incomeAccount: z.string().min(1).default('Sales'),
  cogsAccount: z.string().min(1).default('Cost of Goods Sold'),
  assetAccount: z.string().min(1).default('Inventory Asset'),
  /** Action for an order line whose SKU matches no QuickBooks item. */
  missingItemAction: z
    .enum(['create_inventory', 'create_non_inventory', 'fail'])
    .default('create_non_inventory'),
  /** Item for order lines without a SKU, created if absent, so the books stay whole. */
  blankSkuItem: z.string().min(1).default('unknown_do_not_delete'),
  shippingItem: z.string().min(1).default('Shipping'),
  discountItem: z.string().min(1).default('Discount'),
  /** Item of the one tax line in `line_item` tax mode. */
  salesTaxLineItem: z.string().min(1).default('Sales Tax'),
  adjustmentItem: z.string().min(1).default('Rounding Adjustment'),
  giftCardItem: z.string().min(1).default('Gift Card'),
  /**
   * `line_item`: the channel's tax is one line and every other line is non-taxable, so the
   * document reproduces the channel total exactly. `tax_codes`: lines carry codes and QuickBooks
   * computes the tax from `itemSalesTax`.
   */
  taxMode: z.enum(['line_item', 'tax_codes']).default('line_item'),
  taxableCode: z.string().min(1).default('Tax'),
  nonTaxableCode: z.string().min(1).default('Non'),
  itemSalesTax: z.string().min(1).optional(),
  defaultClass: z.string().min(1).optional(),
  /** Default inventory site of product lines (QuickBooks Enterprise with Advanced Inventory). */
  defaultSite: z.string().min(1).optional(),
  /** Text put before the channel order number in RefNumber, for example "SS-". */
  docNumberPrefix: z.string().default(''),
  /** Leave RefNumber out so QuickBooks assigns its next number. */
  useNextQuickBooksNumber: z.boolean().default(false),
  /** Refund method for a paid order: a card refund or a check. */
  refundMethod: z.enum(['credit_card', 'check']).default('credit_card'),
  checkBankAccount: z.string().min(1).default('Checking'),
  /** Orders in another currency post to `<customer name> <ISO code>`. */
  currencyCustomers: z.boolean().default(true),
  /** Overwrite an existing customer's phone, email and addresses from the order (CustomerMod). */
  updateCustomerContact: z.boolean().default(false),
  /** Bank account a payout's deposit goes to (`Deposit Account To`). */
  payoutDepositAccount: z.string().min(1).default('Checking'),
  /** Expense account of a payout's one negative fee line (`Fee Deposit Account To`). */
  payoutFeeAccount: z.string().min(1).default('Merchant Fees'),
  /** Customer or vendor named on the fee line (`Received From for Fees`); none when absent. */
  payoutFeesReceivedFrom: z.string().min(1).optional(),
  /**
   * Account of a payout's reserves, chargebacks and adjustments, and of the positive balancing
   * line a negative payout gets, because QuickBooks rejects a negative deposit.
   */
  payoutClearingAccount: z.string().min(1).default('Payout Clearing'),
  /**
   * Account of a store's inventory adjustments (the InventoryAdjustmentAdd AccountRef), unless
   * the adjustment names its own. QuickBooks posts the value of the quantity change to it.
   */
  inventoryAdjustmentAccount: z.string().min(1).default('Inventory Adjustments'),
  /** Delete and repost a posted order's document when the order is edited on the channel. */
  autoReplaceEditedOrders: z.boolean().default(false),
  /** IANA time zone whose calendar day is a summary's period and its document date. */
  timeZone: z
    .string()
    .min(1)
    .default('UTC')
    .refine(isTimeZone, 'must be an IANA time zone such as America/New_York'),
  /** Local time (HH:MM) at which a summary day ends and the next begins. */
  summaryCutOff: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM, for example 00:00')
    .default('00:00'),
  /**
   * Summary mode of the company file: orders of the day post as one sales receipt, invoice or
   * sales order per store and group. A rule's `summary_sales_receipt`, `summary_invoice` or
   * `summary_sales_order` transaction type selects a summary for its orders even when this is `off`.
   */
  summaryMode: z
    .enum(['off', 'summary_sales_receipt', 'summary_invoice', 'summary_sales_order'])
    .default('off'),
  /** Customer of every summary sales receipt, invoice and sales order. */
  summaryCustomer: z.string().min(1).default('Online Sales Summary'),
  /** Grouping that splits a store's summary day into several documents, besides the store. */
  summaryGroup: z.enum(['store', 'payment_method', 'order_month']).default('store'),
  /** Switch for COGS journal entries of lines on non-inventory and service items with a cost. */
  cogsJournalEntries: z.boolean().default(false),
  /** Customer of a credit memo whose order never reached QuickBooks Desktop. */
  standaloneRefundCustomer: z.string().min(1).default('Channel Refunds'),
});

export type QbdSettings = z.infer<typeof qbdSettingsSchema>;

export const DEFAULT_QBD_SETTINGS: QbdSettings = qbdSettingsSchema.parse({});

/**
 * Returns stored settings with the defaults of fields added after the company file was paired,
 * because pairing stores the settings as they were then.
 */
export function withSettingDefaults(stored: Partial<QbdSettings>): QbdSettings {
  return { ...DEFAULT_QBD_SETTINGS, ...stored };
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });

    return true;
  } catch {
    return false;
  }
}
