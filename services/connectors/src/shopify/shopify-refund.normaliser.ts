import {
  decimalToMinor,
  describeIssues,
  isKnownCurrency,
  minorUnitExponent,
  parseMessage,
  type Payment,
  REFUND_SCHEMA_VERSION,
  type Refund,
  type RefundAdjustment,
  type RefundLine,
  refundSchema,
  type TaxLine,
} from '@qbsync/contracts';
import { z } from 'zod';

import { formatRate } from './shopify-money';
import { ShopifyPayloadError } from './shopify.errors';

const amountText = z.union([z.string(), z.number()]).transform(String);
const moneySet = z
  .object({
    shop_money: z.object({ amount: amountText, currency_code: z.string().nullish() }),
  })
  .nullish();
const id = z.union([z.number().int().positive(), z.string().regex(/^\d+$/)]).transform(String);

/** The fields of a Shopify refund (refunds/create webhook, `order.refunds[]`) the mapping reads. */
export const shopifyRefundSchema = z.object({
  id,
  order_id: id,
  created_at: z.iso.datetime({ offset: true }),
  processed_at: z.iso.datetime({ offset: true }).nullish(),
  note: z.string().nullish(),
  refund_line_items: z
    .array(
      z.object({
        id,
        line_item_id: id,
        quantity: z
          .number({ error: 'must be a whole number greater than zero' })
          .int({ error: 'must be a whole number greater than zero' })
          .positive({ error: 'must be a whole number greater than zero' }),
        restock_type: z.string().nullish(),
        subtotal: amountText,
        subtotal_set: moneySet,
        total_tax: amountText,
        line_item: z
          .object({
            sku: z.string().nullish(),
            title: z.string().nullish(),
            name: z.string().nullish(),
            tax_lines: z
              .array(z.object({ title: z.string(), rate: z.union([z.number(), z.string()]) }))
              .nullish(),
          })
          .nullish(),
      }),
    )
    .default([]),
  refund_shipping_lines: z
    .array(
      z.object({
        subtotal_amount_set: moneySet,
        tax_amount_set: moneySet,
      }),
    )
    .nullish(),
  order_adjustments: z
    .array(
      z.object({
        kind: z.string().nullish(),
        reason: z.string().nullish(),
        amount: amountText,
        tax_amount: amountText.nullish(),
      }),
    )
    .nullish(),
  transactions: z
    .array(
      z.object({
        id: id.nullish(),
        kind: z.string(),
        status: z.string(),
        amount: amountText,
        currency: z.string().nullish(),
        gateway: z.string().nullish(),
        processed_at: z.iso.datetime({ offset: true }).nullish(),
      }),
    )
    .default([]),
});

export type ShopifyRefund = z.infer<typeof shopifyRefundSchema>;

export interface ShopifyRefundContext {
  accountId: string;
  connectionId: string;
  receivedAt: string;
  sourceKind: 'webhook' | 'poll' | 'resync';
  /** The order's name ("#1001"); refunds/create carries only the order id, which is used without it. */
  orderNumber?: string;
  /** The order's currency; without it the refund's own amounts must name one. */
  currency?: string;
  topic?: string;
  deliveryId?: string;
}

/**
 * Converts a Shopify refund into the refund contract. Its total is the money that went back to
 * the buyer (the successful `refund` transactions). Whatever that total does not cover by the
 * refunded lines, shipping and tax (a refund discrepancy, a restocking fee) becomes an
 * adjustment, so the credit reproduces Shopify's refunded amount to the cent.
 */
export function normaliseShopifyRefund(payload: unknown, context: ShopifyRefundContext): Refund {
  const parsed = shopifyRefundSchema.safeParse(payload);

  if (!parsed.success) {
    const refundId = (payload as { order_id?: unknown } | null)?.order_id;

    throw new ShopifyPayloadError(
      `refund: ${describeIssues(parsed.error.issues)}`,
      typeof refundId === 'number' || typeof refundId === 'string' ? String(refundId) : undefined,
    );
  }

  const refund = parsed.data;
  const currency = refundCurrency(refund, context.currency);
  const toMinor = (value: string, path: string): number =>
    readAmount(value, currency, path, refund);

  const lines: RefundLine[] = refund.refund_line_items.map((item, index) => ({
    lineId: item.line_item_id,
    sku: item.line_item?.sku?.trim() ?? '',
    name:
      item.line_item?.name?.trim() ||
      item.line_item?.title?.trim() ||
      `Line item ${item.line_item_id}`,
    quantity: item.quantity,
    amount: nonNegative(
      toMinor(item.subtotal, `refund_line_items[${index}].subtotal`),
      `refund_line_items[${index}].subtotal`,
      refund,
    ),
    tax: nonNegative(
      toMinor(item.total_tax, `refund_line_items[${index}].total_tax`),
      `refund_line_items[${index}].total_tax`,
      refund,
    ),
    restock: item.restock_type !== 'no_restock',
  }));
  const shipping = mapShipping(refund, toMinor);
  const transactions = mapTransactions(refund, currency, toMinor);
  const subtotal = sum(lines.map((line) => line.amount));
  const lineTax = sum(lines.map((line) => line.tax));
  const tax = lineTax + shipping.tax;
  const total = sum(
    transactions.filter((transaction) => transaction.status === 'success').map((t) => t.amount),
  );
  const adjustments = mapAdjustments(refund, toMinor, total - (subtotal + shipping.amount + tax));
  const status: Refund['status'] = transactions.some((t) => t.status === 'pending')
    ? 'pending'
    : transactions.length > 0 && transactions.every((t) => t.status === 'failure')
      ? 'failed'
      : 'completed';

  const result: Refund = {
    schemaVersion: REFUND_SCHEMA_VERSION,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'shopify',
    channelOrderId: refund.order_id,
    orderNumber: context.orderNumber ?? refund.order_id,
    channelRefundId: refund.id,
    createdAt: refund.created_at,
    status,
    kind: 'refund',
    currency,
    lines,
    shipping,
    adjustments,
    taxLines: mapTaxLines(refund, lineTax, currency),
    transactions,
    totals: {
      subtotal,
      shipping: shipping.amount,
      tax,
      adjustments: sum(adjustments.map((adjustment) => adjustment.amount)),
      total,
    },
    customFields: refund.note?.trim() ? [{ name: 'Refund note', value: refund.note.trim() }] : [],
    source: {
      kind: context.sourceKind,
      receivedAt: context.receivedAt,
      rawRef: `shopify:refund:${refund.order_id}:${refund.id}`,
      ...(context.topic ? { topic: context.topic } : {}),
      ...(context.deliveryId ? { deliveryId: context.deliveryId } : {}),
    },
  };

  if (refund.processed_at) {
    result.processedAt = refund.processed_at;
  }

  if (refund.note?.trim()) {
    result.reason = refund.note.trim();
  }

  const checked = parseMessage(refundSchema, result);

  if (!checked.ok) {
    throw new ShopifyPayloadError(
      `the normalised refund ${refund.id} does not match the refund contract (${checked.error})`,
      refund.order_id,
    );
  }

  return checked.value;
}

function refundCurrency(refund: ShopifyRefund, orderCurrency: string | undefined): string {
  const candidates = [
    orderCurrency,
    ...refund.transactions.map((transaction) => transaction.currency),
    ...refund.refund_line_items.map((item) => item.subtotal_set?.shop_money.currency_code),
  ].filter((value): value is string => typeof value === 'string' && value.length > 0);
  const currency = candidates[0];

  if (!currency) {
    throw new ShopifyPayloadError(
      `refund ${refund.id}: the currency is unknown; expected transactions[].currency or subtotal_set.shop_money.currency_code`,
      refund.order_id,
    );
  }

  if (!isKnownCurrency(currency)) {
    throw new ShopifyPayloadError(
      `refund ${refund.id}: currency "${currency}" is not a supported ISO 4217 currency code; expected one such as "USD"`,
      refund.order_id,
    );
  }

  return currency;
}

function readAmount(value: string, currency: string, path: string, refund: ShopifyRefund): number {
  try {
    return decimalToMinor(value.trim(), currency);
  } catch (error) {
    throw new ShopifyPayloadError(
      `refund ${refund.id} ${path}: "${value}" must be an amount in ${currency} with at most ${minorUnitExponent(currency)} decimal places`,
      refund.order_id,
      { cause: error },
    );
  }
}

function nonNegative(value: number, path: string, refund: ShopifyRefund): number {
  if (value < 0) {
    throw new ShopifyPayloadError(
      `refund ${refund.id} ${path}: must not be negative; Shopify reports refunded amounts as positive`,
      refund.order_id,
    );
  }

  return value;
}

function mapShipping(
  refund: ShopifyRefund,
  toMinor: (value: string, path: string) => number,
): Refund['shipping'] {
  let amount = 0;
  let tax = 0;

  (refund.refund_shipping_lines ?? []).forEach((line, index) => {
    const path = `refund_shipping_lines[${index}]`;

    amount += line.subtotal_amount_set
      ? toMinor(line.subtotal_amount_set.shop_money.amount, `${path}.subtotal_amount_set`)
      : 0;
    tax += line.tax_amount_set
      ? toMinor(line.tax_amount_set.shop_money.amount, `${path}.tax_amount_set`)
      : 0;
  });

  // Older refunds record refunded shipping as an order adjustment of kind shipping_refund, with
  // the amount negative.
  (refund.order_adjustments ?? []).forEach((adjustment, index) => {
    if (adjustment.kind === 'shipping_refund') {
      amount += Math.abs(toMinor(adjustment.amount, `order_adjustments[${index}].amount`));
      tax += Math.abs(
        toMinor(adjustment.tax_amount ?? '0', `order_adjustments[${index}].tax_amount`),
      );
    }
  });

  return { amount, tax };
}

const TRANSACTION_STATUS: Record<string, Payment['status']> = {
  success: 'success',
  pending: 'pending',
  failure: 'failure',
  error: 'failure',
};

function mapTransactions(
  refund: ShopifyRefund,
  currency: string,
  toMinor: (value: string, path: string) => number,
): Payment[] {
  return refund.transactions.flatMap((transaction, index) => {
    if (
      transaction.kind !== 'refund' ||
      (transaction.currency && transaction.currency !== currency)
    ) {
      return [];
    }

    const payment: Payment = {
      gateway: transaction.gateway?.trim() || 'unknown',
      amount: Math.abs(toMinor(transaction.amount, `transactions[${index}].amount`)),
      kind: transaction.gateway === 'gift_card' ? 'gift_card' : 'other',
      status: TRANSACTION_STATUS[transaction.status] ?? 'pending',
    };

    if (transaction.id) {
      payment.transactionId = transaction.id;
    }

    if (transaction.processed_at) {
      payment.processedAt = transaction.processed_at;
    }

    return [payment];
  });
}

/**
 * Lists Shopify's refund discrepancies, then one more adjustment for whatever part of `gap`
 * (refunded money less lines, shipping and tax) they leave unexplained.
 */
function mapAdjustments(
  refund: ShopifyRefund,
  toMinor: (value: string, path: string) => number,
  gap: number,
): RefundAdjustment[] {
  const adjustments: RefundAdjustment[] = [];

  (refund.order_adjustments ?? []).forEach((adjustment, index) => {
    if (adjustment.kind === 'shipping_refund') {
      return;
    }

    const path = `order_adjustments[${index}]`;
    const amount =
      toMinor(adjustment.amount, `${path}.amount`) +
      toMinor(adjustment.tax_amount ?? '0', `${path}.tax_amount`);

    if (amount !== 0) {
      adjustments.push({
        reason: adjustment.reason?.trim() || adjustment.kind || 'adjustment',
        amount,
      });
    }
  });

  const rest = gap - sum(adjustments.map((adjustment) => adjustment.amount));

  if (rest !== 0) {
    adjustments.push({
      reason: 'Refunded amount differs from the refunded lines, shipping and tax',
      amount: rest,
    });
  }

  return adjustments;
}

function mapTaxLines(refund: ShopifyRefund, lineTax: number, currency: string): TaxLine[] {
  const first = refund.refund_line_items.find((item) => item.line_item?.tax_lines?.length);
  const taxLine = first?.line_item?.tax_lines?.[0];

  if (!taxLine || lineTax === 0) {
    return [];
  }

  // NOTE: refunded tax is summed under the first line's tax name and rate; Shopify's refund
  // line items give each line's total tax but not its split between several taxes.
  void currency;

  return [{ name: taxLine.title, rate: formatRate(taxLine.rate), amount: lineTax }];
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
