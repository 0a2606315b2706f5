import { z } from 'zod';

/**
 * Transaction modes of a QuickBooks Online connection. Under `summary_payout` no order posts on
 * its own, because the payout posts one sales receipt later.
 */
export const QBO_TRANSACTION_MODES = [
  'sales_receipt',
  'invoice',
  'invoice_with_payment',
  'estimate',
  'summary_sales_receipt',
  'summary_payout',
  'do_not_sync',
] as const;

export type QboTransactionMode = (typeof QBO_TRANSACTION_MODES)[number];

/** Customer matching modes: the name pattern each builds from the order, such as `Smith, John`. */
export const CUSTOMER_MATCH_MODES = [
  'last_first',
  'first_last',
  'single_customer',
  'billing_company_else_first_last',
  'billing_company_else_last_first',
  'billing_company_else_single',
  'last_first_email',
  'first_last_email',
  'channel',
  'store_and_currency',
  'order_number',
  'last_first_middle_initial',
  'shipping_company_else_first_last',
  'shipping_company_else_last_first',
  'shipping_last_first',
  'shipping_first_last',
  'shipping_full_name',
  'billing_full_name',
  'billing_address_first_last',
  'billing_email',
  'email_field',
] as const;

export type CustomerMatchMode = (typeof CUSTOMER_MATCH_MODES)[number];

const accountName = z.string().trim().min(1, 'must name a QuickBooks account');
const itemName = z.string().trim().min(1, 'must name a QuickBooks item');

/** A deposit account for one payment method; matched on the channel gateway name, case-insensitive. */
export const depositAccountRuleSchema = z.object({
  paymentMethod: z.string().trim().min(1, 'must name the channel payment method, e.g. paypal'),
  account: accountName,
});

/** A QuickBooks payment method for one gateway; matched on the gateway name, case-insensitive. */
export const paymentMethodRuleSchema = z.object({
  gateway: z.string().trim().min(1, 'must name the channel gateway, e.g. shopify_payments'),
  paymentMethod: z.string().trim().min(1, 'must name a QuickBooks payment method'),
});

/** One row of the jurisdiction table: the QuickBooks tax code for the most specific match. */
export const taxJurisdictionSchema = z.object({
  taxCode: z.string().trim().min(1, 'must name a QuickBooks tax code'),
  /** ISO 3166-1 alpha-2 country code. */
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as US'),
  state: z.string().trim().min(1).optional(),
  county: z.string().trim().min(1).optional(),
  city: z.string().trim().min(1).optional(),
});

export const qboPostingSettingsSchema = z.object({
  transactionMode: z.enum(QBO_TRANSACTION_MODES).default('sales_receipt'),
  /**
   * Document kind of a refund of a sales receipt or a paid invoice; `none` posts no refunds. A
   * refund of an unpaid invoice is always a credit memo, which lowers what is due.
   */
  refundMode: z.enum(['refund_receipt', 'credit_memo', 'none']).default('refund_receipt'),
  defaultDepositAccount: accountName.default('Undeposited Funds'),
  depositAccounts: z.array(depositAccountRuleSchema).default([]),
  /** QuickBooks payment method per channel gateway (`paypal` → `PayPal`); unmapped: none. */
  paymentMethods: z.array(paymentMethodRuleSchema).default([]),
  refundDepositAccount: accountName.default('Undeposited Funds'),
  /** A/R account of invoices and payments; QuickBooks' default A/R when absent. */
  arAccount: accountName.optional(),
  docNumberPrefix: z.string().max(20).default(''),
  /** Let QuickBooks number every document instead of using the channel order number. */
  useNextQuickBooksNumber: z.boolean().default(false),
  customerMatching: z
    .object({
      mode: z.enum(CUSTOMER_MATCH_MODES).default('first_last'),
      singleCustomerName: z.string().trim().min(1).default('Web Store'),
      missingCustomerAction: z.enum(['create', 'fail', 'map_to_single']).default('create'),
      /**
       * Suffix appended when a vendor or employee already has the name (QuickBooks error 6240);
       * absent: the order fails naming the clash.
       */
      nameClashSuffix: z.string().min(1).max(20).optional(),
      /** Use or create `<name> <ISO code>` for a currency the matched customer does not use. */
      currencyCustomers: z.boolean().default(true),
    })
    .prefault({}),
  itemMatching: z
    .object({
      field: z.enum(['name', 'sku']).default('name'),
      missingProductAction: z
        .enum(['create_inventory', 'create_non_inventory', 'fail', 'map_to_fallback'])
        .default('create_non_inventory'),
      fallbackItemName: itemName.default('Sales'),
      blankSkuItemName: itemName.default('unknown_do_not_delete'),
      incomeAccount: accountName.default('Sales of Product Income'),
      inventoryAssetAccount: accountName.default('Inventory Asset'),
      cogsAccount: accountName.default('Cost of Goods Sold'),
    })
    .prefault({}),
  className: z.string().trim().min(1).optional(),
  location: z.string().trim().min(1).optional(),
  shippingItem: itemName.default('Shipping'),
  /** Item of a fixed discount posted as an item line; absent: a QuickBooks discount line. */
  discountItem: itemName.optional(),
  /** `spread`: order-level discounts lower the lines' amounts instead of a discount line. */
  discountPosting: z.enum(['discount_line', 'spread']).default('discount_line'),
  adjustmentItem: itemName.default('Rounding Adjustment'),
  giftCardItem: itemName.default('Gift Card Liability'),
  tax: z
    .object({
      /**
       * override: the channel's tax goes in TxnTaxDetail.TotalTax. line_item: one `Sales Tax`
       * line and every other line non-taxable. vat: non-US codes on every line.
       */
      mode: z.enum(['override', 'line_item', 'vat']).default('override'),
      taxItem: itemName.default('Sales Tax'),
      taxableCode: z.string().min(1).default('TAX'),
      nonTaxableCode: z.string().min(1).default('NON'),
      jurisdictions: z.array(taxJurisdictionSchema).default([]),
      /** VAT/GST companies: code for zero-rated and exempt lines (no tax charged). */
      zeroRatedCode: z.string().min(1).optional(),
    })
    .prefault({}),
  /** IANA time zone whose calendar date is the document date and whose midnight ends a summary day. */
  timeZone: z.string().min(1).default('UTC'),
  /** Summary cut-off as HH:MM in `timeZone`: a summary day runs from this time to the next. */
  summaryCutOff: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:MM')
    .default('00:00'),
});

export type QboPostingSettings = z.infer<typeof qboPostingSettingsSchema>;
export type QboPostingSettingsInput = z.input<typeof qboPostingSettingsSchema>;

/** Request: replace a connection's posting settings; absent fields take their defaults. */
export const qboPostingSettingsPutSchema = z.object({
  accountId: z.string().min(1),
  settings: qboPostingSettingsSchema,
});

export type QboPostingSettingsPut = z.infer<typeof qboPostingSettingsPutSchema>;

export const qboPostingSettingsGetSchema = z.object({
  accountId: z.string().min(1),
});

export type QboPostingSettingsGet = z.infer<typeof qboPostingSettingsGetSchema>;

/** Reply of both requests: the settings in force and when they were saved (absent: defaults). */
export interface QboPostingSettingsReply {
  accountId: string;
  settings: QboPostingSettings;
  updatedAt?: string;
}
