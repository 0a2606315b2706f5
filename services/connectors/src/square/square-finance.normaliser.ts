import {
  PAYOUT_SCHEMA_VERSION,
  REFUND_SCHEMA_VERSION,
  type Payment,
  type Payout,
  type PayoutTransaction,
  type Refund,
  type RefundLine,
} from '@qbsync/contracts';

import { ChannelPayloadError } from '../channel/channel-adapter';
import {
  assignDefined,
  buildSource,
  firstText,
  parseChannelPayload,
  validatePayout,
  validateRefund,
  type ChannelNormaliseContext,
} from '../channel-support';
import { SquareMoneyReader, readWholeQuantity } from './square-money';
import {
  squarePayoutBundleSchema,
  squareRefundSchema,
  squareReturnOrderSchema,
} from './square.schemas';

const REFUND_STATUSES: Record<string, Refund['status']> = {
  PENDING: 'pending',
  COMPLETED: 'completed',
  REJECTED: 'failed',
  FAILED: 'failed',
};

/** Square payout entry types in deposit-matching terms; unlisted types are `other`. */
const ENTRY_TYPES: Record<string, PayoutTransaction['type']> = {
  CHARGE: 'charge',
  REFUND: 'refund',
  FEE: 'fee',
  DEPOSIT_FEE: 'fee',
  DEPOSIT_FEE_REVERSED: 'fee',
  TAX_ON_FEE: 'fee',
  THIRD_PARTY_FEE: 'fee',
  THIRD_PARTY_FEE_REFUND: 'fee',
  ADJUSTMENT: 'adjustment',
  HOLD_ADJUSTMENT: 'reserve',
  RELEASE_ADJUSTMENT: 'reserve',
  RESERVE_HOLD: 'reserve',
  RESERVE_RELEASE: 'reserve',
  DISPUTE: 'chargeback',
  AUTOMATIC_SAVINGS: 'transfer',
  AUTOMATIC_SAVINGS_REVERSED: 'transfer',
  BALANCE_FOLDERS_TRANSFER: 'transfer',
  BALANCE_FOLDERS_TRANSFER_REVERSED: 'transfer',
  SQUARE_CAPITAL_PAYMENT: 'transfer',
};

const PAYMENT_STATUSES: Record<string, Payment['status']> = {
  PENDING: 'pending',
  COMPLETED: 'success',
  REJECTED: 'failure',
  FAILED: 'failure',
};

const PAYOUT_STATUSES: Record<string, Payout['status']> = {
  SENT: 'in_transit',
  PAID: 'paid',
  FAILED: 'failed',
};

export interface SquareRefundOptions {
  /** Order number of the refunded order, when the fetcher read the order. */
  orderNumber?: string;
  /** The return order Square created for the refund (its `returns` name the returned lines). */
  returnOrder?: unknown;
}

/**
 * Converts a Square `PaymentRefund` (ListPaymentRefunds, GetPaymentRefund or a `refund.*`
 * webhook) into the canonical refund. With the return order, its return line items become lines
 * of the original order's line uids; whatever they do not explain becomes an adjustment.
 */
export function normaliseSquareRefund(
  payload: unknown,
  context: ChannelNormaliseContext,
  options: SquareRefundOptions = {},
): Refund {
  const refund = parseChannelPayload(squareRefundSchema, payload, 'Square refund', (raw) => raw.id);
  const money = new SquareMoneyReader(
    refund.amount_money.currency,
    refund.id,
    'amount_money.currency',
  );
  const total = money.readNonNegative(refund.amount_money, 'amount_money');
  const lines: RefundLine[] = [];
  let tax = 0;

  if (options.returnOrder !== undefined) {
    const returnOrder = parseChannelPayload(
      squareReturnOrderSchema,
      options.returnOrder,
      'Square return order',
    );

    for (const [returnIndex, itemReturn] of returnOrder.returns.entries()) {
      for (const [index, item] of itemReturn.return_line_items.entries()) {
        const path = `returns[${returnIndex}].return_line_items[${index}]`;
        const itemTax = money.readNonNegative(item.total_tax_money, `${path}.total_tax_money`);

        tax += itemTax;
        lines.push({
          lineId: firstText(item.source_line_item_uid, item.uid) ?? `${path}`,
          sku: '',
          name: firstText(item.name) ?? 'Returned item',
          quantity: readWholeQuantity(item.quantity, `${path}.quantity`, refund.id),
          amount: money.readNonNegative(item.total_money, `${path}.total_money`) - itemTax,
          tax: itemTax,
          restock: false,
        });
      }
    }
  }

  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const unexplained = total - subtotal - tax;

  const normalised: Refund = {
    schemaVersion: REFUND_SCHEMA_VERSION,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'square',
    channelOrderId: refund.order_id,
    orderNumber: options.orderNumber ?? refund.order_id,
    channelRefundId: refund.id,
    createdAt: new Date(refund.created_at).toISOString(),
    status: REFUND_STATUSES[refund.status],
    kind: 'refund',
    currency: money.currency,
    lines,
    shipping: { amount: 0, tax: 0 },
    adjustments:
      unexplained === 0
        ? []
        : [
            {
              reason: firstText(refund.reason) ?? 'Refund not allocated to lines',
              amount: unexplained,
            },
          ],
    taxLines: [],
    transactions: [
      {
        gateway: 'square',
        amount: total,
        kind: 'other',
        status: PAYMENT_STATUSES[refund.status],
        transactionId: refund.id,
      },
    ],
    totals: { subtotal, shipping: 0, tax, adjustments: unexplained, total },
    customFields: refund.payment_id ? [{ name: 'payment_id', value: refund.payment_id }] : [],
    source: buildSource(context, `square:refund:${refund.id}`),
  };

  assignDefined(normalised, {
    reason: firstText(refund.reason),
    processedAt: refund.updated_at ? new Date(refund.updated_at).toISOString() : undefined,
  });

  return validateRefund(normalised, 'Square');
}

export interface SquarePayoutOptions {
  /** Order ids by payment id, for entries whose payment the fetcher looked up. */
  orderIdByPaymentId?: ReadonlyMap<string, string>;
}

/**
 * Converts a Square payout with its entries (`GetPayout` plus `ListPayoutEntries`) into the
 * canonical payout. Square reports `fee_amount_money` as a negative amount when a fee was
 * charged, so the canonical fee is its negation and `net = gross - fee` holds; an entry where it
 * does not is rejected naming the entry.
 */
export function normaliseSquarePayout(
  payload: unknown,
  context: ChannelNormaliseContext,
  options: SquarePayoutOptions = {},
): Payout {
  const { payout, entries } = parseChannelPayload(
    squarePayoutBundleSchema,
    payload,
    'Square payout',
    (raw) => (raw.payout as { id?: unknown } | undefined)?.id,
  );
  const money = new SquareMoneyReader(
    payout.amount_money.currency,
    payout.id,
    'payout.amount_money.currency',
  );

  const transactions = entries.map((entry, index): PayoutTransaction => {
    const path = `entries[${index}]`;
    const gross = money.read(entry.gross_amount_money, `${path}.gross_amount_money`);
    // Written as 0 - x so a zero fee stays 0 rather than -0.
    const fee = 0 - money.read(entry.fee_amount_money, `${path}.fee_amount_money`);
    const net = money.read(entry.net_amount_money, `${path}.net_amount_money`);

    if (gross - fee !== net) {
      throw new ChannelPayloadError(
        `${path}.net_amount_money: ${net} is not gross ${gross} plus fee ${-fee}; the entry ` +
          'was altered or truncated, so read the payout entries again',
        `${path}.net_amount_money`,
      );
    }

    const paymentId = firstText(
      entry.type_charge_details?.payment_id,
      entry.type_refund_details?.payment_id,
    );

    return assignDefined<PayoutTransaction>(
      {
        transactionId: entry.id,
        type: ENTRY_TYPES[entry.type] ?? 'other',
        gross,
        fee,
        net,
      },
      {
        sourceId: firstText(entry.type_refund_details?.refund_id, paymentId),
        channelOrderId: paymentId ? options.orderIdByPaymentId?.get(paymentId) : undefined,
        description: entry.type,
        processedAt: entry.effective_at ? new Date(entry.effective_at).toISOString() : undefined,
      },
    );
  });

  const normalised: Payout = {
    schemaVersion: PAYOUT_SCHEMA_VERSION,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'square',
    payoutId: payout.id,
    status: PAYOUT_STATUSES[payout.status],
    date: payout.arrival_date ?? payout.created_at.slice(0, 10),
    currency: money.currency,
    amount: money.read(payout.amount_money, 'payout.amount_money'),
    transactions,
    source: buildSource(context, `square:payout:${payout.id}`),
  };

  return validatePayout(normalised, 'Square');
}
