import {
  ORDER_SCHEMA_VERSION,
  PAYOUT_SCHEMA_VERSION,
  REFUND_SCHEMA_VERSION,
  type Discount,
  type Order,
  type OrderFee,
  type OrderLine,
  type Payment,
  type Payout,
  type PayoutTransaction,
  type Refund,
  type RefundLine,
  type ShippingLine,
} from '@qbsync/contracts';

import { ChannelPayloadError } from '../channel/channel-adapter';
import {
  assignDefined,
  buildSource,
  firstText,
  parseChannelPayload,
  readCurrency,
  readDecimal,
  splitLineTotal,
  validateOrder,
  validatePayout,
  validateRefund,
  type ChannelNormaliseContext,
} from '../channel-support';
import {
  ebayOrderSchema,
  ebayPayoutBundleSchema,
  type EbayAmount,
  type EbayOrder,
} from './ebay.schemas';

/** Reads eBay amounts of one record in its currency, naming the field on failure. */
class EbayAmountReader {
  constructor(
    readonly currency: string,
    private readonly recordId: string,
  ) {}

  read(amount: EbayAmount | null | undefined, field: string): number {
    if (!amount) {
      return 0;
    }

    if (amount.currency !== this.currency) {
      throw new ChannelPayloadError(
        `${field}.currency: "${amount.currency}" differs from ${this.currency}; eBay reports a ` +
          "record's amounts in one currency",
        `${field}.currency`,
        this.recordId,
      );
    }

    return readDecimal(amount.value, this.currency, `${field}.value`, this.recordId);
  }

  /** Reads an amount eBay may send signed ("-1.50" for a discount) as its magnitude. */
  magnitude(amount: EbayAmount | null | undefined, field: string): number {
    return Math.abs(this.read(amount, field));
  }
}

function readerFor(order: EbayOrder): EbayAmountReader {
  return new EbayAmountReader(
    readCurrency(
      order.pricingSummary.total.currency,
      'pricingSummary.total.currency',
      order.orderId,
    ),
    order.orderId,
  );
}

const PAYMENT_STATUSES: Record<string, Payment['status']> = {
  PAID: 'success',
  PENDING: 'pending',
  FAILED: 'failure',
};

/**
 * Converts an eBay Fulfillment API order (`getOrder`, or an element of `getOrders`) into the
 * canonical order. `lineItemCost` is the price of the whole quantity. Taxes that eBay collects
 * and remits itself (`ebayCollectAndRemitTaxes`) are not part of `pricingSummary.total` and not
 * the seller's, so they are kept as custom fields; only `taxes` (seller-collected) are order tax.
 * `totalMarketplaceFee` becomes the order's `fees`, outside the total because the buyer does not
 * pay it. `pricingSummary.fee` is a charge to the buyer and stays a line.
 * Throws `ChannelPayloadError` naming the eBay field that is missing or invalid.
 */
export function normaliseEbayOrder(payload: unknown, context: ChannelNormaliseContext): Order {
  const order = parseChannelPayload(ebayOrderSchema, payload, 'eBay order', (raw) => raw.orderId);
  const money = readerFor(order);
  const summary = order.pricingSummary;
  const lines: OrderLine[] = order.lineItems.map((item, index) => {
    const path = `lineItems[${index}]`;
    const { unitPrice, remainder } = splitLineTotal(
      money.read(item.lineItemCost, `${path}.lineItemCost`),
      item.quantity,
    );
    const discounts: Discount[] = item.appliedPromotions.flatMap((promotion, promotionIndex) => {
      const amount = money.magnitude(
        promotion.discountAmount,
        `${path}.appliedPromotions[${promotionIndex}].discountAmount`,
      );

      return amount > 0
        ? [
            assignDefined<Discount>(
              { amount },
              { code: firstText(promotion.promotionId), title: firstText(promotion.description) },
            ),
          ]
        : [];
    });

    if (remainder > 0) {
      discounts.push({ title: 'Rounding', amount: remainder });
    }

    const taxes = item.taxes.flatMap((tax, taxIndex) => {
      const amount = money.read(tax.amount, `${path}.taxes[${taxIndex}].amount`);

      return amount > 0 ? [{ name: firstText(tax.taxType) ?? 'Tax', rate: '0', amount }] : [];
    });

    return {
      lineId: item.lineItemId,
      sku: item.sku?.trim() ?? '',
      name: firstText(item.title) ?? `Line item ${item.lineItemId}`,
      ...assignDefined<Partial<OrderLine>>(
        {},
        { productId: firstText(item.legacyItemId), variantId: firstText(item.legacyVariationId) },
      ),
      quantity: item.quantity,
      unitPrice,
      discounts,
      taxes,
      taxable: taxes.length > 0,
      requiresShipping: true,
      giftCard: false,
      customFields: item.ebayCollectAndRemitTaxes.map((tax, taxIndex) => ({
        name: `ebay_collect_and_remit_${(tax.taxType ?? 'tax').toLowerCase()}`,
        value: String(
          money.read(tax.amount, `${path}.ebayCollectAndRemitTaxes[${taxIndex}].amount`),
        ),
      })),
    };
  });
  const orderDiscounts: Discount[] = [];
  const adjustment = money.read(summary.adjustment, 'pricingSummary.adjustment');
  const fee = money.read(summary.fee, 'pricingSummary.fee');

  if (adjustment < 0) {
    orderDiscounts.push({ title: 'Seller adjustment', amount: -adjustment });
  } else if (adjustment > 0) {
    lines.push(chargeLine('adjustment', 'Seller adjustment', adjustment));
  }

  if (fee > 0) {
    lines.push(chargeLine('fee', 'Buyer fee', fee));
  }

  const shippingLines = mapShipping(order, money);
  const shipTo = order.fulfillmentStartInstructions[0]?.shippingStep?.shipTo;
  const registration = order.buyer?.buyerRegistrationAddress;
  const [firstName, ...rest] = (registration?.fullName ?? '').trim().split(/\s+/);

  const normalised: Order = {
    schemaVersion: ORDER_SCHEMA_VERSION,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'ebay',
    channelOrderId: order.orderId,
    orderNumber: firstText(order.salesRecordReference) ?? order.orderId,
    createdAt: new Date(order.creationDate).toISOString(),
    updatedAt: new Date(order.lastModifiedDate).toISOString(),
    financialStatus: order.orderPaymentStatus ?? undefined,
    currency: money.currency,
    presentmentCurrency: money.currency,
    taxesIncluded: false,
    customer: assignDefined(
      {},
      {
        channelCustomerId: firstText(order.buyer?.username),
        email: firstText(registration?.email, shipTo?.email),
        firstName: firstText(firstName),
        lastName: firstText(rest.join(' ')),
        company: firstText(registration?.companyName),
        phone: firstText(registration?.primaryPhone?.phoneNumber),
      },
    ),
    lines,
    shippingLines,
    orderDiscounts,
    taxLines: [],
    payments: (order.paymentSummary?.payments ?? []).map((payment, index) =>
      assignDefined<Payment>(
        {
          gateway: (firstText(payment.paymentMethod) ?? 'ebay').toLowerCase(),
          amount: money.read(payment.amount, `paymentSummary.payments[${index}].amount`),
          kind: 'sale',
          status: PAYMENT_STATUSES[payment.paymentStatus ?? ''] ?? 'pending',
        },
        {
          transactionId: firstText(payment.paymentReferenceId),
          processedAt: payment.paymentDate
            ? new Date(payment.paymentDate).toISOString()
            : undefined,
        },
      ),
    ),
    totals: {
      subtotal: lines.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0),
      discounts:
        [...lines, ...shippingLines]
          .flatMap((line) => line.discounts)
          .reduce((sum, d) => sum + d.amount, 0) +
        orderDiscounts.reduce((sum, discount) => sum + discount.amount, 0),
      shipping: shippingLines.reduce((sum, line) => sum + line.price, 0),
      tax: money.read(summary.tax, 'pricingSummary.tax'),
      total: money.read(summary.total, 'pricingSummary.total'),
    },
    tags: [],
    customFields: [
      ['orderFulfillmentStatus', order.orderFulfillmentStatus],
      ['legacyOrderId', order.legacyOrderId],
      ['sellerId', order.sellerId],
      [
        'ebayCollectAndRemitTax',
        order.ebayCollectAndRemitTax === null || order.ebayCollectAndRemitTax === undefined
          ? undefined
          : String(order.ebayCollectAndRemitTax),
      ],
      ['listingMarketplaceId', order.lineItems[0].listingMarketplaceId],
    ].flatMap(([name, value]) => (name && value ? [{ name, value }] : [])),
    source: buildSource(context, `ebay:order:${order.orderId}`),
  };

  assignDefined(normalised, {
    cancelledAt:
      order.cancelStatus?.cancelState === 'CANCELED'
        ? new Date(order.cancelStatus.cancelledDate ?? order.lastModifiedDate).toISOString()
        : undefined,
    shippingAddress: shipTo
      ? assignDefined(
          {},
          {
            name: firstText(shipTo.fullName),
            company: firstText(shipTo.companyName),
            line1: firstText(shipTo.contactAddress?.addressLine1),
            line2: firstText(shipTo.contactAddress?.addressLine2),
            city: firstText(shipTo.contactAddress?.city),
            regionCode: firstText(shipTo.contactAddress?.stateOrProvince),
            postalCode: firstText(shipTo.contactAddress?.postalCode),
            countryCode: firstText(shipTo.contactAddress?.countryCode),
            phone: firstText(shipTo.primaryPhone?.phoneNumber),
          },
        )
      : undefined,
    fees: mapMarketplaceFees(order, money),
  });

  return validateOrder(normalised, 'eBay');
}

/**
 * Maps `totalMarketplaceFee` to one fee, or returns undefined (unknown) when the order lacks it.
 * The Fulfillment API reports one sum per order. The split by fee type is in the Finances API,
 * which the payout normaliser reads.
 */
function mapMarketplaceFees(order: EbayOrder, money: EbayAmountReader): OrderFee[] | undefined {
  if (!order.totalMarketplaceFee) {
    return undefined;
  }

  const amount = money.read(order.totalMarketplaceFee, 'totalMarketplaceFee');

  if (amount < 0) {
    throw new ChannelPayloadError(
      `totalMarketplaceFee.value: ${order.totalMarketplaceFee.value} must not be negative; ` +
        'eBay reports the fees it deducts as a positive amount',
      'totalMarketplaceFee.value',
      order.orderId,
    );
  }

  return amount > 0 ? [{ title: 'eBay marketplace fees', gateway: 'ebay', amount }] : [];
}

/**
 * Builds one shipping line from `pricingSummary.deliveryCost` less `deliveryDiscount`, titled by
 * the shipping service.
 */
function mapShipping(order: EbayOrder, money: EbayAmountReader): ShippingLine[] {
  const price = money.read(order.pricingSummary.deliveryCost, 'pricingSummary.deliveryCost');
  const discount = money.magnitude(
    order.pricingSummary.deliveryDiscount,
    'pricingSummary.deliveryDiscount',
  );

  if (price === 0 && discount === 0) {
    return [];
  }

  return [
    {
      title:
        firstText(order.fulfillmentStartInstructions[0]?.shippingStep?.shippingServiceCode) ??
        'Shipping',
      price,
      discounts: discount > 0 ? [{ title: 'Shipping discount', amount: discount }] : [],
      taxes: [],
    },
  ];
}

function chargeLine(lineId: string, name: string, price: number): OrderLine {
  return {
    lineId,
    sku: '',
    name,
    quantity: 1,
    unitPrice: price,
    discounts: [],
    taxes: [],
    taxable: false,
    requiresShipping: false,
    giftCard: false,
    customFields: [],
  };
}

const REFUND_STATUSES: Record<string, Refund['status']> = {
  REFUNDED: 'completed',
  PENDING: 'pending',
  FAILED: 'failed',
};

/**
 * Returns the canonical refunds of an eBay order, one per `paymentSummary.refunds` entry. Line
 * item refunds with the same `refundId` become the refund's lines; what they do not cover is an
 * adjustment.
 */
export function normaliseEbayRefunds(payload: unknown, context: ChannelNormaliseContext): Refund[] {
  const order = parseChannelPayload(ebayOrderSchema, payload, 'eBay order', (raw) => raw.orderId);
  const money = readerFor(order);

  return (order.paymentSummary?.refunds ?? []).map((refund, index) => {
    const path = `paymentSummary.refunds[${index}]`;
    const refundId = firstText(refund.refundId, refund.refundReferenceId);

    if (!refundId) {
      throw new ChannelPayloadError(
        `${path}.refundId: is missing; every eBay refund has an id`,
        `${path}.refundId`,
        order.orderId,
      );
    }

    const lines: RefundLine[] = order.lineItems.flatMap((item, itemIndex) =>
      item.refunds
        .filter(
          (lineRefund) =>
            firstText(lineRefund.refundId, lineRefund.refundReferenceId) === refundId ||
            lineRefund.refundReferenceId === refund.refundReferenceId,
        )
        .map((lineRefund, refundIndex) => ({
          lineId: item.lineItemId,
          sku: item.sku?.trim() ?? '',
          name: firstText(item.title) ?? `Line item ${item.lineItemId}`,
          quantity: item.quantity,
          amount: money.read(
            lineRefund.amount,
            `lineItems[${itemIndex}].refunds[${refundIndex}].amount`,
          ),
          tax: 0,
          restock: false,
        })),
    );
    const total = money.read(refund.amount, `${path}.amount`);
    const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
    const unexplained = total - subtotal;
    const normalised: Refund = {
      schemaVersion: REFUND_SCHEMA_VERSION,
      accountId: context.accountId,
      connectionId: context.connectionId,
      channel: 'ebay',
      channelOrderId: order.orderId,
      orderNumber: firstText(order.salesRecordReference) ?? order.orderId,
      channelRefundId: refundId,
      createdAt: new Date(refund.refundDate ?? order.lastModifiedDate).toISOString(),
      status: REFUND_STATUSES[refund.refundStatus ?? ''] ?? 'pending',
      kind: order.cancelStatus?.cancelState === 'CANCELED' ? 'cancellation' : 'refund',
      currency: money.currency,
      lines,
      shipping: { amount: 0, tax: 0 },
      adjustments:
        unexplained === 0
          ? []
          : [{ reason: 'Refund not allocated to line items', amount: unexplained }],
      taxLines: [],
      transactions: [
        assignDefined<Payment>(
          {
            gateway: 'ebay',
            amount: total,
            kind: 'other',
            status: refund.refundStatus === 'REFUNDED' ? 'success' : 'pending',
          },
          { transactionId: firstText(refund.refundReferenceId) },
        ),
      ],
      totals: { subtotal, shipping: 0, tax: 0, adjustments: unexplained, total },
      customFields: [],
      source: buildSource(context, `ebay:refund:${order.orderId}:${refundId}`),
    };

    return validateRefund(normalised, 'eBay');
  });
}

const TRANSACTION_TYPES: Record<string, PayoutTransaction['type']> = {
  SALE: 'charge',
  REFUND: 'refund',
  CREDIT: 'adjustment',
  ADJUSTMENT: 'adjustment',
  DISPUTE: 'chargeback',
  NON_SALE_CHARGE: 'fee',
  SHIPPING_LABEL: 'shipping_label',
  TRANSFER: 'transfer',
  WITHDRAWAL: 'transfer',
  LOAN_REPAYMENT: 'transfer',
  PURCHASE: 'other',
};

const PAYOUT_STATUSES: Record<string, Payout['status']> = {
  SUCCEEDED: 'paid',
  INITIATED: 'in_transit',
  RETRYABLE_FAILED: 'in_transit',
  TERMINAL_FAILED: 'failed',
  REVERSED: 'cancelled',
};

/**
 * Converts an eBay payout (`getPayout`) with its transactions (`getTransactions` filtered by
 * `payoutId`) into the canonical payout. eBay's `amount` is the net that reached the seller's
 * balance, signed by `bookingEntry`; the marketplace fees of a sale or refund are
 * `totalFeeAmount`, so `gross = net + fee`. A non-sale charge (an advertising or store fee) is a
 * fee with no gross.
 */
export function normaliseEbayPayout(payload: unknown, context: ChannelNormaliseContext): Payout {
  const { payout, transactions } = parseChannelPayload(
    ebayPayoutBundleSchema,
    payload,
    'eBay payout',
    (raw) => (raw.payout as { payoutId?: unknown } | undefined)?.payoutId,
  );
  const money = new EbayAmountReader(
    readCurrency(payout.amount.currency, 'payout.amount.currency', payout.payoutId),
    payout.payoutId,
  );

  const mapped = transactions.map((transaction, index): PayoutTransaction => {
    const path = `transactions[${index}]`;
    const sign = transaction.bookingEntry === 'CREDIT' ? 1 : -1;
    const net = sign * money.magnitude(transaction.amount, `${path}.amount`);
    const type = TRANSACTION_TYPES[transaction.transactionType] ?? 'other';
    const marketplaceFee = money.read(transaction.totalFeeAmount, `${path}.totalFeeAmount`);
    // A refund returns part of the fees, so its fee counts against the seller's charge.
    // Subtracting from 0 keeps a zero fee 0 rather than -0.
    const fee =
      type === 'fee'
        ? 0 - net
        : transaction.transactionType === 'REFUND'
          ? 0 - marketplaceFee
          : marketplaceFee;
    const gross = type === 'fee' ? 0 : net + fee;
    const orderId = firstText(
      transaction.orderId,
      transaction.references.find((reference) => reference.referenceType === 'ORDER_ID')
        ?.referenceId,
    );

    return assignDefined<PayoutTransaction>(
      { transactionId: transaction.transactionId, type, gross, fee, net },
      {
        channelOrderId: orderId,
        orderNumber: firstText(transaction.salesRecordReference, orderId),
        description: firstText(
          transaction.transactionMemo,
          transaction.feeType,
          transaction.transactionType,
        ),
        processedAt: transaction.transactionDate
          ? new Date(transaction.transactionDate).toISOString()
          : undefined,
      },
    );
  });

  return validatePayout(
    {
      schemaVersion: PAYOUT_SCHEMA_VERSION,
      accountId: context.accountId,
      connectionId: context.connectionId,
      channel: 'ebay',
      payoutId: payout.payoutId,
      status: PAYOUT_STATUSES[payout.payoutStatus] ?? 'in_transit',
      date: new Date(payout.payoutDate).toISOString().slice(0, 10),
      currency: money.currency,
      amount: money.read(payout.amount, 'payout.amount'),
      transactions: mapped,
      source: buildSource(context, `ebay:payout:${payout.payoutId}`),
    },
    'eBay',
  );
}
