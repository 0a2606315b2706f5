import {
  ORDER_SCHEMA_VERSION,
  describeIssues,
  orderSchema,
  parseMessage,
  type Order,
} from '@qbsync/contracts';

import { ShopifyMoneyReader, type ShopifyCurrencyBasis } from './shopify-money';
import {
  mapAddress,
  mapCustomer,
  mapCustomFields,
  mapLines,
  mapOrderDiscounts,
  mapOrderTaxLines,
  mapShippingLines,
  mapTags,
  mapTotals,
  type ShopifyMappingContext,
} from './shopify-order.mappers';
import { shopifyOrderSchema, type ShopifyOrder } from './shopify-order.schema';
import { mapPayments } from './shopify-payments.mapper';
import { mapTips } from './shopify-tips.mapper';
import { ShopifyPayloadError } from './shopify.errors';

export interface ShopifyNormaliseContext {
  accountId: string;
  connectionId: string;
  /** When the connector received the payload, as an ISO 8601 timestamp. */
  receivedAt: string;
  sourceKind: 'webhook' | 'poll' | 'resync';
  /** Webhook topic, for example "orders/create". */
  topic?: string;
  /** Webhook delivery id (the X-Shopify-Webhook-Id header). */
  deliveryId?: string;
  /**
   * Currency of the normalised amounts: `shop` (default) uses the store currency and the plain
   * amount fields, `presentment` uses the currency the buyer paid in.
   */
  currencyBasis?: ShopifyCurrencyBasis;
}

/**
 * Converts a Shopify Admin REST order (a webhook body or the `order` of orders/{id}.json) into the
 * canonical order contract. The payload is validated first, and the result is validated against
 * the contract before it is returned.
 *
 * Throws `ShopifyPayloadError` naming the Shopify field path and what it must contain. Typical
 * faults are a body that is not an object, a missing id, an unknown currency, a quantity that is
 * not a whole number greater than zero and an amount with more decimals than its currency has.
 */
export function normaliseShopifyOrder(payload: unknown, context: ShopifyNormaliseContext): Order {
  const shopifyOrder = validatePayload(payload);
  const mapping = createMappingContext(shopifyOrder, context.currencyBasis ?? 'shop');
  const order = mapOrder(mapping, context);
  const result = parseMessage(orderSchema, order);

  if (!result.ok) {
    throw new ShopifyPayloadError(
      `the normalised order does not match the order contract (${result.error}); ` +
        `check the Shopify fields behind those order fields`,
      order.channelOrderId,
    );
  }

  return result.value;
}

function validatePayload(payload: unknown): ShopifyOrder {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    const received = Array.isArray(payload)
      ? 'an array'
      : payload === null
        ? 'null'
        : typeof payload;

    throw new ShopifyPayloadError(
      `(body): must be a JSON object with the Shopify order fields, but received ${received}`,
    );
  }

  const result = shopifyOrderSchema.safeParse(payload);

  if (!result.success) {
    const id = (payload as { id?: unknown }).id;
    const orderId = typeof id === 'number' || typeof id === 'string' ? String(id) : undefined;

    throw new ShopifyPayloadError(describeIssues(result.error.issues), orderId);
  }

  return result.data;
}

function createMappingContext(
  payload: ShopifyOrder,
  basis: ShopifyCurrencyBasis,
): ShopifyMappingContext {
  const presentmentCurrency = payload.presentment_currency ?? payload.currency;
  const currency = basis === 'shop' ? payload.currency : presentmentCurrency;
  const money = new ShopifyMoneyReader(
    currency,
    basis,
    presentmentCurrency === payload.currency,
    String(payload.id),
  );

  return { payload, money };
}

function mapOrder(mapping: ShopifyMappingContext, context: ShopifyNormaliseContext): Order {
  const { payload } = mapping;
  const channelOrderId = String(payload.id);
  const lines = mapLines(mapping);
  const shippingLines = mapShippingLines(mapping);

  const order: Order = {
    schemaVersion: ORDER_SCHEMA_VERSION,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'shopify',
    channelOrderId,
    orderNumber: mapOrderNumber(payload),
    createdAt: payload.created_at,
    updatedAt: payload.updated_at ?? payload.created_at,
    currency: mapping.money.currency,
    presentmentCurrency: payload.presentment_currency ?? payload.currency,
    taxesIncluded: payload.taxes_included,
    customer: mapCustomer(mapping),
    lines,
    shippingLines,
    orderDiscounts: mapOrderDiscounts(mapping, lines, shippingLines),
    taxLines: mapOrderTaxLines(mapping),
    payments: mapPayments(mapping),
    totals: mapTotals(mapping, shippingLines),
    tags: mapTags(payload.tags),
    customFields: mapCustomFields(mapping),
    source: mapSource(channelOrderId, context),
  };

  // NOTE: `fees` stays absent (unknown). The REST Transaction resource of API 2026-07 documents no
  // fee field, and its `receipt` is whatever the gateway stores. Shopify Payments fees are
  // documented on GraphQL `OrderTransaction.fees` and on the payout's balance transactions, which
  // the payout normaliser reads.
  assignOptional(order, {
    tips: mapTips(mapping),
    processedAt: payload.processed_at ?? undefined,
    cancelledAt: payload.cancelled_at ?? undefined,
    financialStatus: payload.financial_status?.trim() || undefined,
    billingAddress: mapAddress(payload.billing_address),
    shippingAddress: mapAddress(payload.shipping_address),
  });

  return order;
}

/** Returns the order name shown to the buyer ("#1001"), else the bare order number. */
function mapOrderNumber(payload: ShopifyOrder): string {
  const name = payload.name?.trim();

  if (name) {
    return name;
  }

  if (payload.order_number !== null && payload.order_number !== undefined) {
    return String(payload.order_number);
  }

  throw new ShopifyPayloadError(
    'name: is missing, and so is order_number; expected the order name such as "#1001"',
    String(payload.id),
  );
}

function mapSource(channelOrderId: string, context: ShopifyNormaliseContext): Order['source'] {
  const source: Order['source'] = {
    kind: context.sourceKind,
    receivedAt: context.receivedAt,
    rawRef: `shopify:order:${channelOrderId}`,
  };

  assignOptional(source, { topic: context.topic, deliveryId: context.deliveryId });

  return source;
}

/** Copies the defined values of `values` onto `target`, leaving undefined ones absent. */
function assignOptional<T extends object>(target: T, values: Partial<T>): void {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) {
      (target as Record<string, unknown>)[key] = value;
    }
  }
}
