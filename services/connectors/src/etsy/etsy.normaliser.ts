import {
  minorUnitExponent,
  ORDER_SCHEMA_VERSION,
  PAYOUT_SCHEMA_VERSION,
  REFUND_SCHEMA_VERSION,
  type Order,
  type OrderLine,
  type Payment,
  type Payout,
  type PayoutTransaction,
  type Refund,
  type TaxLine,
} from '@qbsync/contracts';

import { ChannelPayloadError } from '../channel/channel-adapter';
import {
  assignDefined,
  buildSource,
  epochToIso,
  firstText,
  parseChannelPayload,
  readCurrency,
  validateOrder,
  validatePayout,
  validateRefund,
  type ChannelNormaliseContext,
} from '../channel-support';
import {
  etsyDepositSchema,
  etsyReceiptSchema,
  type EtsyLedgerEntry,
  type EtsyMoney,
  type EtsyReceipt,
} from './etsy.schemas';

/**
 * Reads Etsy money as minor units of the receipt's currency: `amount × 10^exponent / divisor`,
 * which must come out whole. Throws `ChannelPayloadError` naming the field otherwise.
 */
class EtsyMoneyReader {
  private readonly exponent: number;

  constructor(
    readonly currency: string,
    private readonly recordId: string,
  ) {
    this.exponent = minorUnitExponent(currency);
  }

  read(money: EtsyMoney | null | undefined, field: string): number {
    if (!money) {
      return 0;
    }

    if (money.currency_code !== this.currency) {
      throw new ChannelPayloadError(
        `${field}.currency_code: "${money.currency_code}" differs from the receipt's ${this.currency}`,
        `${field}.currency_code`,
        this.recordId,
      );
    }

    const scaled = money.amount * 10 ** this.exponent;

    if (scaled % money.divisor !== 0 || !Number.isSafeInteger(scaled / money.divisor)) {
      throw new ChannelPayloadError(
        `${field}: ${money.amount}/${money.divisor} is not a whole number of ${this.currency} minor units`,
        field,
        this.recordId,
      );
    }

    return scaled / money.divisor;
  }
}

function readerFor(receipt: EtsyReceipt): EtsyMoneyReader {
  const id = String(receipt.receipt_id);

  return new EtsyMoneyReader(
    readCurrency(receipt.grandtotal.currency_code, 'grandtotal.currency_code', id),
    id,
  );
}

/**
 * Converts an Etsy receipt (`getShopReceipt`, `getShopReceipts`) into the canonical order. Each
 * transaction is a line. The coupon discount (`discount_amt`) is an order discount because Etsy
 * does not allocate it to transactions, and sales tax and VAT are the order's tax. The totals follow
 * Etsy's: `grandtotal = total_price − discount_amt + total_shipping_cost + total_tax_cost +
 * total_vat_cost + gift_wrap_price`.
 * Throws `ChannelPayloadError` naming the Etsy field that is missing or invalid.
 */
export function normaliseEtsyReceipt(payload: unknown, context: ChannelNormaliseContext): Order {
  const receipt = parseChannelPayload(
    etsyReceiptSchema,
    payload,
    'Etsy receipt',
    (raw) => raw.receipt_id,
  );
  const money = readerFor(receipt);
  const orderId = String(receipt.receipt_id);
  const lines: OrderLine[] = receipt.transactions.map((transaction, index) => ({
    lineId: String(transaction.transaction_id),
    sku: transaction.sku?.trim() ?? '',
    name: firstText(transaction.title) ?? `Transaction ${transaction.transaction_id}`,
    ...assignDefined<Partial<OrderLine>>(
      {},
      {
        productId: transaction.listing_id ? String(transaction.listing_id) : undefined,
        variantId: transaction.product_id ? String(transaction.product_id) : undefined,
        variantTitle: transaction.variations
          .flatMap((variation) =>
            variation.formatted_name && variation.formatted_value
              ? [`${variation.formatted_name}: ${variation.formatted_value}`]
              : [],
          )
          .join(', '),
      },
    ),
    quantity: transaction.quantity,
    unitPrice: money.read(transaction.price, `transactions[${index}].price`),
    discounts: [],
    taxes: [],
    taxable: true,
    requiresShipping: transaction.is_digital !== true,
    giftCard: false,
    customFields: [],
  }));
  const giftWrap = money.read(receipt.gift_wrap_price, 'gift_wrap_price');

  if (giftWrap > 0) {
    lines.push({
      lineId: 'gift-wrap',
      sku: '',
      name: 'Gift wrap',
      quantity: 1,
      unitPrice: giftWrap,
      discounts: [],
      taxes: [],
      taxable: false,
      requiresShipping: false,
      giftCard: false,
      customFields: [],
    });
  }

  const salesTax = money.read(receipt.total_tax_cost, 'total_tax_cost');
  const vat = money.read(receipt.total_vat_cost, 'total_vat_cost');
  const taxLines: TaxLine[] = [
    ...(salesTax > 0 ? [{ name: 'Sales tax', rate: '0', amount: salesTax }] : []),
    ...(vat > 0 ? [{ name: 'VAT', rate: '0', amount: vat }] : []),
  ];
  const discount = money.read(receipt.discount_amt, 'discount_amt');
  const shipping = money.read(receipt.total_shipping_cost, 'total_shipping_cost');

  const order: Order = {
    schemaVersion: ORDER_SCHEMA_VERSION,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'etsy',
    channelOrderId: orderId,
    orderNumber: orderId,
    createdAt: epochToIso(receipt.created_timestamp, 'seconds'),
    updatedAt: epochToIso(receipt.updated_timestamp, 'seconds'),
    financialStatus: receipt.status,
    currency: money.currency,
    presentmentCurrency: money.currency,
    taxesIncluded: false,
    customer: assignDefined(
      {},
      {
        channelCustomerId: receipt.buyer_user_id ? String(receipt.buyer_user_id) : undefined,
        email: firstText(receipt.buyer_email),
        ...splitName(receipt.name),
      },
    ),
    lines,
    shippingLines:
      shipping > 0 ? [{ title: 'Shipping', price: shipping, discounts: [], taxes: [] }] : [],
    orderDiscounts: discount > 0 ? [{ title: 'Coupon', amount: discount }] : [],
    taxLines,
    payments: receipt.is_paid
      ? [
          {
            gateway: firstText(receipt.payment_method) ?? 'etsy',
            amount: money.read(receipt.grandtotal, 'grandtotal'),
            kind: 'sale',
            status: 'success',
          },
        ]
      : [],
    totals: {
      subtotal: money.read(receipt.total_price, 'total_price') + giftWrap,
      discounts: discount,
      shipping,
      tax: salesTax + vat,
      total: money.read(receipt.grandtotal, 'grandtotal'),
    },
    tags: [],
    customFields: [
      ['status', receipt.status],
      ['message_from_buyer', receipt.message_from_buyer],
      ['is_gift', receipt.is_gift ? 'true' : undefined],
      [
        'is_shipped',
        receipt.is_shipped === null || receipt.is_shipped === undefined
          ? undefined
          : String(receipt.is_shipped),
      ],
    ].flatMap(([name, value]) => (name && value ? [{ name, value }] : [])),
    source: buildSource(context, `etsy:receipt:${orderId}`),
  };

  assignDefined(order, {
    cancelledAt: /^cancel/i.test(receipt.status) ? order.updatedAt : undefined,
    shippingAddress: assignDefined(
      {},
      {
        name: firstText(receipt.name),
        line1: firstText(receipt.first_line),
        line2: firstText(receipt.second_line),
        city: firstText(receipt.city),
        regionCode: firstText(receipt.state),
        postalCode: firstText(receipt.zip),
        countryCode: firstText(receipt.country_iso),
      },
    ),
  });

  return validateOrder(order, 'Etsy');
}

/**
 * Returns the canonical refunds of a receipt, one per entry of `refunds`. Etsy refunds name no
 * transactions, so each is an adjustment of its amount. Its id is the receipt id with the refund
 * time, which is the same on every read.
 */
export function normaliseEtsyRefunds(payload: unknown, context: ChannelNormaliseContext): Refund[] {
  const receipt = parseChannelPayload(
    etsyReceiptSchema,
    payload,
    'Etsy receipt',
    (raw) => raw.receipt_id,
  );
  const money = readerFor(receipt);
  const orderId = String(receipt.receipt_id);

  return receipt.refunds.map((refund, index) => {
    const total = money.read(refund.amount, `refunds[${index}].amount`);
    const status = refundStatus(refund.status);
    const normalised: Refund = {
      schemaVersion: REFUND_SCHEMA_VERSION,
      accountId: context.accountId,
      connectionId: context.connectionId,
      channel: 'etsy',
      channelOrderId: orderId,
      orderNumber: orderId,
      channelRefundId: `${orderId}@${refund.created_timestamp}`,
      createdAt: epochToIso(refund.created_timestamp, 'seconds'),
      status,
      kind: 'refund',
      currency: money.currency,
      lines: [],
      shipping: { amount: 0, tax: 0 },
      adjustments: [{ reason: firstText(refund.reason) ?? 'Etsy refund', amount: total }],
      taxLines: [],
      transactions: [
        {
          gateway: 'etsy',
          amount: total,
          kind: 'other',
          status: TRANSACTION_STATUSES[status],
        },
      ],
      totals: { subtotal: 0, shipping: 0, tax: 0, adjustments: total, total },
      customFields: refund.note_from_issuer
        ? [{ name: 'note_from_issuer', value: refund.note_from_issuer }]
        : [],
      source: buildSource(context, `etsy:refund:${orderId}:${refund.created_timestamp}`),
    };

    assignDefined(normalised, { reason: firstText(refund.reason) });

    return validateRefund(normalised, 'Etsy');
  });
}

const TRANSACTION_STATUSES: Record<Refund['status'], Payment['status']> = {
  completed: 'success',
  pending: 'pending',
  failed: 'failure',
};

/** Reads Etsy's free-text refund status; anything not failed or pending counts as completed. */
function refundStatus(text: string | null | undefined): Refund['status'] {
  if (/fail|declin/i.test(text ?? '')) {
    return 'failed';
  }

  if (/pend/i.test(text ?? '')) {
    return 'pending';
  }

  return 'completed';
}

/** Ledger types of disbursements, the entries that move the balance to the bank. */
export const ETSY_DISBURSEMENT_TYPES = new Set(['DISBURSE', 'DISBURSE2', 'DISBURSEMENT']);

/**
 * Etsy ledger types in deposit-matching terms. NOTE: Etsy documents `ledger_type` only by
 * example, so this lists the values seen in Etsy's payment account. Other types map to `fee`
 * when negative and `adjustment` when positive.
 */
const LEDGER_TYPES: Record<string, PayoutTransaction['type']> = {
  PAYMENT_GROSS: 'charge',
  PAYMENT_PROCESSING_FEE: 'fee',
  REFUND_GROSS: 'refund',
  REFUND_PROCESSING_FEE: 'fee',
  transaction: 'fee',
  shipping_transaction: 'fee',
  listing: 'fee',
  renew_sold: 'fee',
  renew_expired: 'fee',
  offsite_ads_fee: 'advertising',
  prolist: 'advertising',
  shipping_labels: 'shipping_label',
  shipping_label: 'shipping_label',
  RESERVE: 'reserve',
  RESERVE_RELEASE: 'reserve',
  CASE_REFUND: 'chargeback',
  CHARGEBACK: 'chargeback',
  VAT_TAX_ECOMM: 'tax_withheld',
  sales_tax: 'tax_withheld',
};

/**
 * Converts an Etsy disbursement ledger entry with the entries it paid out into the canonical
 * payout. Entries whose type is a fee become `fee` transactions (gross 0); the rest keep their
 * signed amount as gross. `amount` is the money that left the balance, positive.
 */
export function normaliseEtsyDeposit(payload: unknown, context: ChannelNormaliseContext): Payout {
  const { deposit, entries } = parseChannelPayload(
    etsyDepositSchema,
    payload,
    'Etsy deposit',
    (raw) => (raw.deposit as { entry_id?: unknown } | undefined)?.entry_id,
  );
  const currency = readCurrency(deposit.currency, 'deposit.currency', String(deposit.entry_id));

  if (!ETSY_DISBURSEMENT_TYPES.has(deposit.ledger_type)) {
    throw new ChannelPayloadError(
      `deposit.ledger_type: "${deposit.ledger_type}" is not a disbursement; expected one of ${[...ETSY_DISBURSEMENT_TYPES].join(', ')}`,
      'deposit.ledger_type',
    );
  }

  const transactions = entries.map((entry, index) => ledgerTransaction(entry, currency, index));

  return validatePayout(
    {
      schemaVersion: PAYOUT_SCHEMA_VERSION,
      accountId: context.accountId,
      connectionId: context.connectionId,
      channel: 'etsy',
      payoutId: String(deposit.entry_id),
      status: 'paid',
      date: epochToIso(deposit.created_timestamp, 'seconds').slice(0, 10),
      currency,
      amount: -deposit.amount,
      transactions,
      source: buildSource(context, `etsy:ledger-entry:${deposit.entry_id}`),
    },
    'Etsy',
  );
}

function ledgerTransaction(
  entry: EtsyLedgerEntry,
  currency: string,
  index: number,
): PayoutTransaction {
  if (entry.currency !== currency) {
    throw new ChannelPayloadError(
      `entries[${index}].currency: "${entry.currency}" differs from the deposit's ${currency}`,
      `entries[${index}].currency`,
    );
  }

  const type = LEDGER_TYPES[entry.ledger_type] ?? (entry.amount < 0 ? 'fee' : 'adjustment');
  const isFee = type === 'fee';
  const receiptId = entry.reference_type === 'receipt' ? firstText(entry.reference_id) : undefined;

  return assignDefined<PayoutTransaction>(
    {
      transactionId: String(entry.entry_id),
      type,
      gross: isFee ? 0 : entry.amount,
      // Subtracting from 0 keeps a zero fee 0 rather than -0.
      fee: isFee ? 0 - entry.amount : 0,
      net: entry.amount,
    },
    {
      channelOrderId: receiptId,
      orderNumber: receiptId,
      sourceId: firstText(entry.reference_id),
      description: firstText(entry.description, entry.ledger_type),
      processedAt: epochToIso(entry.created_timestamp, 'seconds'),
    },
  );
}

function splitName(name: string | null | undefined): { firstName?: string; lastName?: string } {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);

  return parts.length === 0
    ? {}
    : { firstName: parts[0], ...(parts.length > 1 ? { lastName: parts.slice(1).join(' ') } : {}) };
}
