import {
  REFUND_SCHEMA_VERSION,
  type Refund,
  type RefundAdjustment,
  type RefundLine,
} from '@qbsync/contracts';

import { ChannelPayloadError } from '../channel/channel-adapter';
import {
  assignDefined,
  buildSource,
  firstText,
  parseChannelPayload,
  readCurrency,
  readDecimal,
  validateRefund,
  type ChannelNormaliseContext,
} from '../channel-support';
import { gmtToIso, sum } from './woocommerce-order.normaliser';
import { wooRefundSchema, type WooMetaData } from './woocommerce.schemas';

/** The order a refund belongs to; a WooCommerce refund body does not carry it. */
export interface WooRefundParent {
  id: number | string;
  number: string;
  currency: string;
}

/**
 * Converts a WooCommerce order refund (`GET /orders/{id}/refunds/{refund_id}`) into the canonical
 * refund. WooCommerce sends refunded quantities and amounts as negative numbers; they become
 * positive here. The refunded order line is found through the `_refunded_item_id` meta entry.
 * Whatever the lines, shipping and their taxes do not explain (an amount-only refund) becomes an
 * adjustment, so the totals reproduce `amount`.
 *
 * NOTE: the REST response does not say whether items were restocked (the `api_restock` flag is
 * write-only), so every line has `restock: false`.
 */
export function normaliseWooRefund(
  payload: unknown,
  parent: WooRefundParent,
  context: ChannelNormaliseContext,
): Refund {
  const refund = parseChannelPayload(
    wooRefundSchema,
    payload,
    'WooCommerce refund',
    (raw) => raw.id,
  );
  const orderId = String(parent.id);
  const currency = readCurrency(parent.currency, 'currency', orderId);
  const amount = (value: string, field: string): number =>
    Math.abs(readDecimal(value, currency, field, orderId));

  const lines: RefundLine[] = refund.line_items.map((item, index) => {
    const path = `line_items[${index}]`;

    if (item.quantity === 0) {
      throw new ChannelPayloadError(
        `${path}.quantity: must not be zero; a refunded line takes back at least one unit`,
        `${path}.quantity`,
        orderId,
      );
    }

    return {
      lineId: refundedItemId(item.meta_data) ?? String(item.id),
      sku: item.sku?.trim() ?? '',
      name: firstText(item.name) ?? `Line item ${item.id}`,
      quantity: Math.abs(item.quantity),
      amount: amount(item.total, `${path}.total`),
      tax: amount(item.total_tax, `${path}.total_tax`),
      restock: false,
    };
  });
  const shippingAmount = sum(
    refund.shipping_lines.map((line, index) =>
      amount(line.total, `shipping_lines[${index}].total`),
    ),
  );
  const shippingTax = sum(
    refund.shipping_lines.map((line, index) =>
      amount(line.total_tax, `shipping_lines[${index}].total_tax`),
    ),
  );
  const total = amount(refund.amount, 'amount');
  const subtotal = sum(lines.map((line) => line.amount));
  const tax = sum(lines.map((line) => line.tax)) + shippingTax;
  const unexplained = total - subtotal - shippingAmount - tax;
  const adjustments: RefundAdjustment[] =
    unexplained === 0
      ? []
      : [
          {
            reason: firstText(refund.reason) ?? 'Refund not allocated to lines',
            amount: unexplained,
          },
        ];

  const normalised: Refund = {
    schemaVersion: REFUND_SCHEMA_VERSION,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'woocommerce',
    channelOrderId: orderId,
    orderNumber: parent.number,
    channelRefundId: String(refund.id),
    createdAt: gmtToIso(refund.date_created_gmt),
    status: 'completed',
    kind: 'refund',
    currency,
    lines,
    shipping: { amount: shippingAmount, tax: shippingTax },
    adjustments,
    taxLines: [],
    transactions: refund.refunded_payment
      ? [{ gateway: 'woocommerce', amount: total, kind: 'other', status: 'success' }]
      : [],
    totals: { subtotal, shipping: shippingAmount, tax, adjustments: unexplained, total },
    customFields: [
      { name: 'refunded_payment', value: String(refund.refunded_payment ?? false) },
      ...(refund.refunded_by ? [{ name: 'refunded_by', value: String(refund.refunded_by) }] : []),
    ],
    source: buildSource(context, `woocommerce:refund:${orderId}:${refund.id}`),
  };

  assignDefined(normalised, { reason: firstText(refund.reason) });

  return validateRefund(normalised, 'WooCommerce');
}

function refundedItemId(meta: readonly WooMetaData[]): string | undefined {
  const entry = meta.find((item) => item.key === '_refunded_item_id');

  return entry && (typeof entry.value === 'string' || typeof entry.value === 'number')
    ? String(entry.value)
    : undefined;
}
