import {
  REFUND_SCHEMA_VERSION,
  type Payment,
  type Refund,
  type RefundLine,
} from '@qbsync/contracts';

import { ChannelPayloadError } from '../channel/channel-adapter';
import {
  assignDefined,
  buildSource,
  firstText,
  parseChannelPayload,
  readCurrency,
  readRoundedDecimal,
  validateRefund,
  type ChannelNormaliseContext,
} from '../channel-support';
import { bcRefundSchema, type BcOrderProduct } from './bigcommerce.schemas';

/** Order details a refund needs: the currency and the products the items point at. */
export interface BcRefundParent {
  currency: string;
  products: readonly Pick<BcOrderProduct, 'id' | 'name' | 'sku' | 'quantity' | 'total_ex_tax'>[];
}

/**
 * Converts a BigCommerce refund (`GET /v3/orders/payment_actions/refunds`) into the canonical
 * refund. `PRODUCT` items become lines of the order product they name, `SHIPPING` and `HANDLING`
 * the refunded shipping, and `ORDER` items or anything the items do not explain an adjustment,
 * so the totals reproduce `total_amount`. A product item without `requested_amount` (a refund by
 * quantity) is valued at the product's before-tax unit price.
 */
export function normaliseBigCommerceRefund(
  payload: unknown,
  parent: BcRefundParent,
  context: ChannelNormaliseContext,
): Refund {
  const refund = parseChannelPayload(
    bcRefundSchema,
    payload,
    'BigCommerce refund',
    (raw) => raw.id,
  );
  const orderId = String(refund.order_id);
  const currency = readCurrency(parent.currency, 'currency', orderId);
  const money = (value: number | string | null | undefined, field: string): number =>
    value === null || value === undefined
      ? 0
      : Math.abs(readRoundedDecimal(value, currency, field, orderId));
  const lines: RefundLine[] = [];
  let shipping = 0;

  for (const [index, item] of refund.items.entries()) {
    const path = `items[${index}]`;
    const type = item.item_type.toUpperCase();

    if (type === 'PRODUCT') {
      lines.push(productLine(item, parent, path, orderId, money));
    } else if (type === 'SHIPPING' || type === 'HANDLING') {
      shipping += money(item.requested_amount, `${path}.requested_amount`);
    }
  }

  const total = money(refund.total_amount, 'total_amount');
  const tax = money(refund.total_tax, 'total_tax');
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const unexplained = total - subtotal - shipping - tax;
  const transactions: Payment[] = refund.payments
    .filter((payment) => !payment.is_declined)
    .map((payment, index) =>
      assignDefined<Payment>(
        {
          gateway: firstText(payment.provider_id) ?? (payment.offline ? 'offline' : 'unknown'),
          amount: money(payment.amount, `payments[${index}].amount`),
          kind: 'other',
          status: 'success',
        },
        {
          transactionId:
            payment.id !== null && payment.id !== undefined ? String(payment.id) : undefined,
        },
      ),
    );

  const normalised: Refund = {
    schemaVersion: REFUND_SCHEMA_VERSION,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'bigcommerce',
    channelOrderId: orderId,
    orderNumber: orderId,
    channelRefundId: String(refund.id),
    createdAt: new Date(refund.created).toISOString(),
    status: 'completed',
    kind: 'refund',
    currency,
    lines,
    shipping: { amount: shipping, tax: 0 },
    adjustments:
      unexplained === 0
        ? []
        : [
            {
              reason: firstText(refund.reason) ?? 'Refund not allocated to products',
              amount: unexplained,
            },
          ],
    taxLines: tax > 0 ? [{ name: 'Tax', rate: '0', amount: tax }] : [],
    transactions,
    totals: { subtotal, shipping, tax, adjustments: unexplained, total },
    customFields: [],
    source: buildSource(context, `bigcommerce:refund:${orderId}:${refund.id}`),
  };

  assignDefined(normalised, { reason: firstText(refund.reason) });

  return validateRefund(normalised, 'BigCommerce');
}

function productLine(
  item: { item_id: number; quantity?: number | null; requested_amount?: number | string | null },
  parent: BcRefundParent,
  path: string,
  orderId: string,
  money: (value: number | string | null | undefined, field: string) => number,
): RefundLine {
  const product = parent.products.find((candidate) => candidate.id === item.item_id);

  if (!product) {
    throw new ChannelPayloadError(
      `${path}.item_id: ${item.item_id} is not a product of order ${orderId}; the refund must ` +
        'name an order product id from GET /v2/orders/{id}/products',
      `${path}.item_id`,
      orderId,
    );
  }

  const quantity = item.quantity ?? 1;

  if (quantity <= 0) {
    throw new ChannelPayloadError(
      `${path}.quantity: ${quantity} must be a whole number greater than zero`,
      `${path}.quantity`,
      orderId,
    );
  }

  const amount =
    item.requested_amount !== null && item.requested_amount !== undefined
      ? money(item.requested_amount, `${path}.requested_amount`)
      : Math.round(
          (money(product.total_ex_tax, `products.total_ex_tax`) * quantity) / product.quantity,
        );

  return {
    lineId: String(product.id),
    sku: product.sku?.trim() ?? '',
    name: firstText(product.name) ?? `Product ${product.id}`,
    quantity,
    amount,
    tax: 0,
    restock: false,
  };
}
