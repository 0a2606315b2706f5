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
});

export type QbdSettings = z.infer<typeof qbdSettingsSchema>;

export const DEFAULT_QBD_SETTINGS: QbdSettings = qbdSettingsSchema.parse({});
