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

/**
 * Returns an object schema that rejects keys it does not know, naming the valid ones. Settings are
 * replaced as a whole, so a misspelt key must fail instead of silently taking its default.
 */
function settingsObject<Shape extends z.core.$ZodLooseShape>(shape: Shape) {
  const known = Object.keys(shape).join(', ');

  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown setting ${issue.keys.map((key) => `"${key}"`).join(', ')}; the settings here are ${known}`
        : undefined,
  });
}

/** Returns true when `value` is an IANA time zone name that this runtime supports. */
function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });

    return true;
  } catch {
    return false;
  }
}

const accountName = z.string().trim().min(1, 'must name a QuickBooks account');
const itemName = z.string().trim().min(1, 'must name a QuickBooks item');

/** A deposit account for one payment method; matched on the channel gateway name, case-insensitive. */
export const depositAccountRuleSchema = settingsObject({
  paymentMethod: z.string().trim().min(1, 'must name the channel payment method, e.g. paypal'),
  account: accountName,
});

/** A QuickBooks payment method for one gateway; matched on the gateway name, case-insensitive. */
export const paymentMethodRuleSchema = settingsObject({
  gateway: z.string().trim().min(1, 'must name the channel gateway, e.g. shopify_payments'),
  paymentMethod: z.string().trim().min(1, 'must name a QuickBooks payment method'),
});

/** One row of the jurisdiction table: the QuickBooks tax code for the most specific match. */
export const taxJurisdictionSchema = settingsObject({
  taxCode: z.string().trim().min(1, 'must name a QuickBooks tax code'),
  /** ISO 3166-1 alpha-2 country code. */
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as US'),
  state: z.string().trim().min(1).optional(),
  county: z.string().trim().min(1).optional(),
  city: z.string().trim().min(1).optional(),
});

export const qboPostingSettingsSchema = settingsObject({
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
  customerMatching: settingsObject({
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
  }).prefault({}),
  itemMatching: settingsObject({
    field: z.enum(['name', 'sku']).default('name'),
    missingProductAction: z
      .enum(['create_inventory', 'create_non_inventory', 'fail', 'map_to_fallback'])
      .default('create_non_inventory'),
    fallbackItemName: itemName.default('Sales'),
    blankSkuItemName: itemName.default('unknown_do_not_delete'),
    incomeAccount: accountName.default('Sales of Product Income'),
    inventoryAssetAccount: accountName.default('Inventory Asset'),
    cogsAccount: accountName.default('Cost of Goods Sold'),
  }).prefault({}),
  className: z.string().trim().min(1).optional(),
  location: z.string().trim().min(1).optional(),
  shippingItem: itemName.default('Shipping'),
  /** Item of a fixed discount posted as an item line; absent: a QuickBooks discount line. */
  discountItem: itemName.optional(),
  /** `spread`: order-level discounts lower the lines' amounts instead of a discount line. */
  discountPosting: z.enum(['discount_line', 'spread']).default('discount_line'),
  adjustmentItem: itemName.default('Rounding Adjustment'),
  giftCardItem: itemName.default('Gift Card Liability'),
  /** Non-taxable item of tip lines. */
  tipItem: itemName.default('Tips'),
  /**
   * Post an order's merchant fees as a negative line on `feeItem` in sales receipts. Off by
   * default: fees on sales distort taxable sales, so deposit matching or a payout summary usually
   * posts them instead. Invoices and estimates never carry fees.
   */
  postMerchantFees: z.boolean().default(false),
  /** Item of merchant fee lines and of a payout's processor fees. */
  feeItem: itemName.default('Merchant Fees'),
  /** Items of a Summary Payout sales receipt's lines that do not come from an order's own lines. */
  payouts: settingsObject({
    /** A charge whose order was not received, or whose amount differs from the order's total. */
    salesItem: itemName.default('Payout Sales'),
    /** Refunds inside the payout, posted as negative lines. */
    refundItem: itemName.default('Refunds'),
    /** Reserves, chargebacks, adjustments and other transactions, one line per type. */
    adjustmentItem: itemName.default('Payout Adjustments'),
  }).prefault({}),
  /**
   * Deposit match: each paid processor payout posts one bank Deposit that takes its orders' sales
   * receipts, payments and refund receipts out of Undeposited Funds, with the fees on one negative
   * line. Transaction mode Summary Payout posts payouts as sales receipts instead.
   */
  depositMatch: settingsObject({
    enabled: z.boolean().default(false),
    /** `Deposit Account To`: the Bank account the payout reaches. */
    bankAccount: accountName.default('Checking'),
    /** `Fee Deposit Account To`: the Expense account of the negative fee line. */
    feeAccount: accountName.default('Merchant Fees'),
    /** `Received From for Fees`: a customer display name on the fee line; none when absent. */
    feesReceivedFrom: z.string().trim().min(1).optional(),
    /** Days before the payout date in which its orders' documents are looked for. */
    windowDays: z
      .number()
      .int()
      .min(1, 'must be 1 to 30 days')
      .max(30, 'must be 1 to 30 days')
      .default(7),
    /**
     * Account of reserves, chargebacks and adjustments, of the positive line that balances a
     * negative payout, and of unmatched amounts in a forced deposit.
     */
    clearingAccount: accountName.default('Payout Clearing'),
    /** Post every payout even when some transactions match no document, the rest to clearing. */
    forceUnmatched: z.boolean().default(false),
  }).prefault({}),
  tax: settingsObject({
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
  }).prefault({}),
  /** IANA time zone whose calendar date is the document date and whose midnight ends a summary day. */
  timeZone: z
    .string()
    .min(1)
    .refine(isTimeZone, 'must be an IANA time zone such as America/New_York')
    .default('UTC'),
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
