import {
  PAYOUT_SCHEMA_VERSION,
  REFUND_SCHEMA_VERSION,
  type Payout,
  type PayoutTransaction,
  type Refund,
  type RefundLine,
} from '@qbsync/contracts';
import { z } from 'zod';

import { ChannelPayloadError } from '../channel/channel-adapter';
import {
  assignDefined,
  buildSource,
  parseChannelPayload,
  readCurrency,
  readDecimal,
  validatePayout,
  validateRefund,
  type ChannelNormaliseContext,
} from '../channel-support';
import {
  amazonEventGroupSchema,
  amazonFinancialEventsSchema,
  amazonShipmentEventSchema,
  type AmazonCurrency,
  type AmazonFinancialEvents,
  type AmazonShipmentEvent,
} from './amazon.schemas';

/** Charge types that the buyer paid for or got back; the rest (fees, withheld tax) are Amazon's. */
const TAX_CHARGES = new Set(['Tax', 'ShippingTax', 'GiftWrapTax']);
const SHIPPING_CHARGES = new Set(['ShippingCharge', 'ShippingTax']);

/** Reads Finances v0 amounts (JSON numbers) in one currency as minor units. */
class AmazonCurrencyReader {
  currency: string | undefined;

  constructor(private readonly recordId: string) {}

  read(value: AmazonCurrency | null | undefined, field: string): number {
    if (!value) {
      return 0;
    }

    const currency = readCurrency(value.CurrencyCode, `${field}.CurrencyCode`, this.recordId);

    this.currency ??= currency;

    if (currency !== this.currency) {
      throw new ChannelPayloadError(
        `${field}.CurrencyCode: "${currency}" differs from ${this.currency}; a settlement is in one currency`,
        `${field}.CurrencyCode`,
        this.recordId,
      );
    }

    return readDecimal(value.CurrencyAmount, currency, `${field}.CurrencyAmount`, this.recordId);
  }

  sum(
    list:
      | readonly (
          | { ChargeAmount?: AmazonCurrency | null }
          | { FeeAmount?: AmazonCurrency | null }
          | { PromotionAmount?: AmazonCurrency | null }
        )[]
      | null
      | undefined,
    field: string,
  ): number {
    return (list ?? []).reduce((total, entry, index) => {
      const value =
        'ChargeAmount' in entry
          ? entry.ChargeAmount
          : 'FeeAmount' in entry
            ? entry.FeeAmount
            : (entry as { PromotionAmount?: AmazonCurrency | null }).PromotionAmount;

      return total + this.read(value, `${field}[${index}]`);
    }, 0);
  }
}

/**
 * Returns one payout transaction per order event: `gross` is what the buyer paid (charges less
 * promotions), `fee` Amazon's fees as a positive charge, and the marketplace facilitator tax that
 * Amazon withheld a separate `tax_withheld` transaction, so `net = gross - fee` is true for each.
 */
function orderEventTransactions(
  reader: AmazonCurrencyReader,
  events: readonly AmazonShipmentEvent[] | null | undefined,
  type: PayoutTransaction['type'],
  listName: string,
): PayoutTransaction[] {
  return (events ?? []).flatMap((event, eventIndex) => {
    const path = `${listName}[${eventIndex}]`;
    const items = event.ShipmentItemList ?? event.ShipmentItemAdjustmentList ?? [];
    const itemsKey = event.ShipmentItemList ? 'ShipmentItemList' : 'ShipmentItemAdjustmentList';
    let gross =
      reader.sum(event.OrderChargeList, `${path}.OrderChargeList`) +
      reader.sum(event.OrderChargeAdjustmentList, `${path}.OrderChargeAdjustmentList`);
    let fees =
      reader.sum(event.ShipmentFeeList, `${path}.ShipmentFeeList`) +
      reader.sum(event.ShipmentFeeAdjustmentList, `${path}.ShipmentFeeAdjustmentList`) +
      reader.sum(event.OrderFeeList, `${path}.OrderFeeList`) +
      reader.sum(event.OrderFeeAdjustmentList, `${path}.OrderFeeAdjustmentList`);
    let withheld = 0;

    for (const [itemIndex, item] of items.entries()) {
      const itemPath = `${path}.${itemsKey}[${itemIndex}]`;

      gross +=
        reader.sum(item.ItemChargeList, `${itemPath}.ItemChargeList`) +
        reader.sum(item.ItemChargeAdjustmentList, `${itemPath}.ItemChargeAdjustmentList`) +
        reader.sum(item.PromotionList, `${itemPath}.PromotionList`) +
        reader.sum(item.PromotionAdjustmentList, `${itemPath}.PromotionAdjustmentList`);
      fees +=
        reader.sum(item.ItemFeeList, `${itemPath}.ItemFeeList`) +
        reader.sum(item.ItemFeeAdjustmentList, `${itemPath}.ItemFeeAdjustmentList`);

      for (const [groupIndex, group] of (item.ItemTaxWithheldList ?? []).entries()) {
        withheld += reader.sum(
          group.TaxesWithheld,
          `${itemPath}.ItemTaxWithheldList[${groupIndex}].TaxesWithheld`,
        );
      }
    }

    const orderId = event.AmazonOrderId ?? undefined;
    const base = assignDefined<Partial<PayoutTransaction>>(
      {},
      {
        channelOrderId: orderId,
        orderNumber: orderId,
        processedAt: event.PostedDate ? new Date(event.PostedDate).toISOString() : undefined,
      },
    );
    const id = `${listName}:${orderId ?? eventIndex}:${event.PostedDate ?? eventIndex}`;
    // Amazon reports fees as negative amounts; the contract counts a charged fee as positive.
    const fee = 0 - fees;
    const transactions: PayoutTransaction[] = [
      { ...base, transactionId: id, type, gross, fee, net: gross - fee } as PayoutTransaction,
    ];

    if (withheld !== 0) {
      transactions.push({
        ...base,
        transactionId: `${id}:withheld`,
        type: 'tax_withheld',
        description: 'Marketplace facilitator tax withheld by Amazon',
        gross: withheld,
        fee: 0,
        net: withheld,
      } as PayoutTransaction);
    }

    return transactions;
  });
}

export interface AmazonEventGroupInput {
  /** A `FinancialEventGroup` from `listFinancialEventGroups`. */
  group: unknown;
  /** The `FinancialEvents` of every page of `listFinancialEventsByGroupId`, merged. */
  events: unknown;
}

/**
 * Converts an Amazon financial event group (one settlement) with its events into the canonical
 * payout. Shipments, refunds, A-to-z guarantee claims and chargebacks become per-order
 * transactions with their fees; service fees, adjustments and advertising charges their own.
 *
 * NOTE: event lists other than those (retrocharges, rentals, loan servicing, debt recovery...)
 * are not mapped, so a group containing them does not sum to `OriginalTotal`. Deposit matching
 * then reports the gap instead of posting.
 */
export function normaliseAmazonEventGroup(
  payload: unknown,
  context: ChannelNormaliseContext,
): Payout {
  const input = parseChannelPayload(
    z.object({ group: z.unknown(), events: z.unknown() }),
    payload,
    'Amazon settlement',
  ) as AmazonEventGroupInput;
  const group = parseChannelPayload(
    amazonEventGroupSchema,
    input.group,
    'Amazon financial event group',
    (raw) => raw.FinancialEventGroupId,
  );
  const events: AmazonFinancialEvents = parseChannelPayload(
    amazonFinancialEventsSchema,
    input.events,
    'Amazon financial events',
  );
  const reader = new AmazonCurrencyReader(group.FinancialEventGroupId);
  const amount = reader.read(group.OriginalTotal, 'OriginalTotal');
  const transactions = [
    ...orderEventTransactions(reader, events.ShipmentEventList, 'charge', 'ShipmentEventList'),
    ...orderEventTransactions(reader, events.RefundEventList, 'refund', 'RefundEventList'),
    ...orderEventTransactions(
      reader,
      events.GuaranteeClaimEventList,
      'chargeback',
      'GuaranteeClaimEventList',
    ),
    ...orderEventTransactions(
      reader,
      events.ChargebackEventList,
      'chargeback',
      'ChargebackEventList',
    ),
    ...(events.ServiceFeeEventList ?? []).map((event, index): PayoutTransaction => {
      const fee = 0 - reader.sum(event.FeeList, `ServiceFeeEventList[${index}].FeeList`);

      return assignDefined<PayoutTransaction>(
        { transactionId: `ServiceFeeEventList:${index}`, type: 'fee', gross: 0, fee, net: -fee },
        {
          description: event.FeeDescription ?? event.FeeReason ?? undefined,
          channelOrderId: event.AmazonOrderId ?? undefined,
        },
      );
    }),
    ...(events.AdjustmentEventList ?? []).map((event, index): PayoutTransaction => {
      const gross = reader.read(
        event.AdjustmentAmount,
        `AdjustmentEventList[${index}].AdjustmentAmount`,
      );

      return assignDefined<PayoutTransaction>(
        {
          transactionId: `AdjustmentEventList:${index}:${event.PostedDate ?? ''}`,
          type: 'adjustment',
          gross,
          fee: 0,
          net: gross,
        },
        {
          description: event.AdjustmentType ?? undefined,
          processedAt: event.PostedDate ? new Date(event.PostedDate).toISOString() : undefined,
        },
      );
    }),
    ...(events.ProductAdsPaymentEventList ?? []).map((event, index): PayoutTransaction => {
      const value = reader.read(
        event.transactionValue,
        `ProductAdsPaymentEventList[${index}].transactionValue`,
      );
      // A "Charge" is paid by the seller; a refund of advertising comes back.
      const gross = event.transactionType === 'Charge' ? -Math.abs(value) : Math.abs(value);

      return assignDefined<PayoutTransaction>(
        {
          transactionId: `ProductAdsPaymentEventList:${event.invoiceId ?? index}`,
          type: 'advertising',
          gross,
          fee: 0,
          net: gross,
        },
        {
          description: event.transactionType ?? undefined,
          processedAt: event.postedDate ? new Date(event.postedDate).toISOString() : undefined,
        },
      );
    }),
  ];
  const beginning = reader.read(group.BeginningBalance, 'BeginningBalance');

  if (beginning !== 0) {
    transactions.push({
      transactionId: `${group.FinancialEventGroupId}:beginning-balance`,
      type: 'reserve',
      description: 'Beginning balance carried into the settlement',
      gross: beginning,
      fee: 0,
      net: beginning,
    });
  }

  const status: Payout['status'] =
    group.ProcessingStatus === 'Open'
      ? 'scheduled'
      : /^(Succeeded|TRANSFERED|TRANSFERRED)$/i.test(group.FundTransferStatus ?? '')
        ? 'paid'
        : /fail/i.test(group.FundTransferStatus ?? '')
          ? 'failed'
          : 'in_transit';
  const dated =
    group.FundTransferDate ?? group.FinancialEventGroupEnd ?? group.FinancialEventGroupStart;

  if (!dated) {
    throw new ChannelPayloadError(
      'FundTransferDate: is missing, and so are FinancialEventGroupEnd and FinancialEventGroupStart',
      'FundTransferDate',
    );
  }

  const payout: Payout = {
    schemaVersion: PAYOUT_SCHEMA_VERSION,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'amazon',
    payoutId: group.FinancialEventGroupId,
    status,
    date: new Date(dated).toISOString().slice(0, 10),
    currency:
      reader.currency ??
      readCurrency(group.OriginalTotal.CurrencyCode, 'OriginalTotal.CurrencyCode'),
    amount,
    transactions,
    source: buildSource(context, `amazon:financial-event-group:${group.FinancialEventGroupId}`),
  };

  assignDefined(payout, {
    periodStart: group.FinancialEventGroupStart
      ? new Date(group.FinancialEventGroupStart).toISOString()
      : undefined,
    periodEnd: group.FinancialEventGroupEnd
      ? new Date(group.FinancialEventGroupEnd).toISOString()
      : undefined,
  });

  return validatePayout(payout, 'Amazon');
}

/**
 * Converts one `RefundEventList` entry into the canonical refund. Amazon keeps no refund id, so
 * the id is the order id with the posted date, which is the same on every read. Principal
 * adjustments become lines (of the refunded `OrderItemId`), shipping charges the shipping, and
 * promotion adjustments reduce the refunded line amounts.
 */
export function normaliseAmazonRefundEvent(
  payload: unknown,
  context: ChannelNormaliseContext,
): Refund {
  const event = parseChannelPayload(
    amazonShipmentEventSchema,
    payload,
    'Amazon refund event',
    (raw) => raw.AmazonOrderId,
  );
  const orderId = event.AmazonOrderId;

  if (!orderId || !event.PostedDate) {
    throw new ChannelPayloadError(
      `${orderId ? 'PostedDate' : 'AmazonOrderId'}: is missing; a refund event names its order and the date Amazon posted it`,
      orderId ? 'PostedDate' : 'AmazonOrderId',
      orderId ?? undefined,
    );
  }

  const reader = new AmazonCurrencyReader(orderId);
  const lines: RefundLine[] = [];
  let shipping = 0;
  let shippingTax = 0;

  for (const [index, item] of (event.ShipmentItemAdjustmentList ?? []).entries()) {
    const path = `ShipmentItemAdjustmentList[${index}]`;
    let amount = 0;
    let tax = 0;

    for (const [chargeIndex, charge] of (item.ItemChargeAdjustmentList ?? []).entries()) {
      const value = -reader.read(
        charge.ChargeAmount,
        `${path}.ItemChargeAdjustmentList[${chargeIndex}].ChargeAmount`,
      );
      const type = charge.ChargeType ?? '';

      if (SHIPPING_CHARGES.has(type)) {
        if (TAX_CHARGES.has(type)) {
          shippingTax += value;
        } else {
          shipping += value;
        }
      } else if (TAX_CHARGES.has(type)) {
        tax += value;
      } else {
        amount += value;
      }
    }

    // Promotion adjustments are signed like charges: a promotion taken back reduces the refund.
    amount -= reader.sum(item.PromotionAdjustmentList, `${path}.PromotionAdjustmentList`);

    lines.push({
      lineId: item.OrderItemId ?? `${orderId}-${index}`,
      sku: item.SellerSKU?.trim() ?? '',
      name: item.SellerSKU?.trim() || `Order item ${item.OrderItemId ?? index}`,
      quantity: Math.max(1, item.QuantityShipped ?? 1),
      amount: Math.max(0, amount),
      tax: Math.max(0, tax),
      restock: false,
    });
  }

  if (!reader.currency) {
    throw new ChannelPayloadError(
      'ShipmentItemAdjustmentList: is missing a charge adjustment, so the refund has no amount or currency',
      'ShipmentItemAdjustmentList',
      orderId,
    );
  }

  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const tax = lines.reduce((sum, line) => sum + line.tax, 0) + Math.max(0, shippingTax);
  const total = subtotal + Math.max(0, shipping) + tax;
  const refund: Refund = {
    schemaVersion: REFUND_SCHEMA_VERSION,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'amazon',
    channelOrderId: orderId,
    orderNumber: orderId,
    channelRefundId: `${orderId}@${new Date(event.PostedDate).toISOString()}`,
    createdAt: new Date(event.PostedDate).toISOString(),
    status: 'completed',
    kind: 'refund',
    currency: reader.currency,
    lines,
    shipping: { amount: Math.max(0, shipping), tax: Math.max(0, shippingTax) },
    adjustments: [],
    taxLines: [],
    transactions: [{ gateway: 'amazon', amount: total, kind: 'other', status: 'success' }],
    totals: { subtotal, shipping: Math.max(0, shipping), tax, adjustments: 0, total },
    customFields: event.MarketplaceName
      ? [{ name: 'MarketplaceName', value: event.MarketplaceName }]
      : [],
    source: buildSource(context, `amazon:refund:${orderId}:${event.PostedDate}`),
  };

  return validateRefund(refund, 'Amazon');
}
