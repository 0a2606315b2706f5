import {
  type InventoryLevel,
  type InventoryPushResult,
  type Order,
  type Payment,
} from '@qbsync/contracts';
import { z } from 'zod';

import {
  type ChannelAdapter,
  type ChannelCallContext,
  type ChannelConnection,
  type ChannelEvent,
  ChannelPayloadError,
  type ConnectionTestResult,
  type OrderNumberLookup,
  type ParseContext,
  type PollPage,
  type PollRequest,
  type WebhookDelivery,
} from '../channel/channel-adapter';
import { ShopifyApi, shopifyRateLimit } from './shopify-api';
import { pushShopifyInventory, readShopifyInventory } from './shopify-inventory';
import { ShopifyMoneyReader } from './shopify-money';
import { normaliseShopifyOrder } from './shopify-order.normaliser';
import { type ShopifyTransaction, shopifyTransactionSchema } from './shopify-order.schema';
import { mapPayments } from './shopify-payments.mapper';
import { normaliseShopifyPayout } from './shopify-payout.normaliser';
import { normaliseShopifyRefund } from './shopify-refund.normaliser';
import { isValidShopifySignature } from './shopify-signature';
import { deleteShopifyWebhooks, registerShopifyWebhooks } from './shopify-webhooks';
import { ShopifyPayloadError } from './shopify.errors';

export const shopifyCredentialsSchema = z.object({
  shopDomain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(
      /^[a-z0-9][a-z0-9-]*\.myshopify\.(com|io)$/,
      'must be a shop domain like my-shop.myshopify.com',
    ),
  /** The app's client secret, which Shopify uses to sign webhooks. */
  webhookSecret: z.string().min(8, 'must be the app client secret (at least 8 characters)'),
  /** Admin API access token (`shpat_...`); without it the connection receives webhooks only. */
  accessToken: z.string().min(1).optional(),
});

export type ShopifyCredentials = z.infer<typeof shopifyCredentialsSchema>;

/** Order topics normalised to orders; each carries the whole order, with its refunds. */
export const ORDER_TOPICS = new Set([
  'orders/create',
  'orders/updated',
  'orders/paid',
  'orders/cancelled',
  'orders/fulfilled',
  'orders/partially_fulfilled',
]);
const REFUND_TOPIC = 'refunds/create';

type ShopifyConnection = ChannelConnection<ShopifyCredentials>;

/** Shopify: REST and GraphQL Admin API 2026-07, webhooks signed with the app's client secret. */
export const shopifyAdapter: ChannelAdapter<ShopifyCredentials> = {
  channel: 'shopify',
  displayName: 'Shopify',
  authorization: 'oauth2',
  credentialSchema: shopifyCredentialsSchema,
  secretFields: ['webhookSecret', 'accessToken'],
  rateLimit: shopifyRateLimit,
  capabilities: {
    webhooks: true,
    pollOrders: true,
    // Shopify has no list of refunds across orders; refunds arrive inside the polled orders.
    pollRefunds: false,
    pollPayouts: true,
    inventoryRead: true,
    inventoryPush: true,
  },

  webhookKey: (credentials) => credentials.shopDomain,
  canCallApi: (credentials) => Boolean(credentials.accessToken),
  defaultBaseUrl: (credentials) => `https://${credentials.shopDomain}`,

  identifyWebhook(delivery) {
    const shopDomain = delivery.headers['x-shopify-shop-domain']?.trim().toLowerCase();

    if (!shopDomain) {
      return { error: 'missing X-Shopify-Shop-Domain header' };
    }

    if (!delivery.headers['x-shopify-hmac-sha256']) {
      return { error: 'missing X-Shopify-Hmac-Sha256 signature' };
    }

    return {
      webhookKey: shopDomain,
      deliveryId:
        delivery.headers['x-shopify-webhook-id'] ?? delivery.headers['x-shopify-event-id'],
      topic: delivery.headers['x-shopify-topic'],
      signatureHeader: 'X-Shopify-Hmac-Sha256',
    };
  },

  verifyWebhook(delivery, connection) {
    return isValidShopifySignature(
      delivery.rawBody,
      delivery.headers['x-shopify-hmac-sha256'],
      connection.credentials.webhookSecret,
    );
  },

  parseWebhook(delivery, context) {
    const topic = delivery.headers['x-shopify-topic'];

    if (!topic || (!ORDER_TOPICS.has(topic) && topic !== REFUND_TOPIC)) {
      return [{ kind: 'ignored', reason: `topic ${topic ?? '(none)'} is not an order topic` }];
    }

    const body = parseJsonBody(delivery);

    if (topic === REFUND_TOPIC) {
      return [refundEvent(body, context, 'webhook')];
    }

    return orderEvents(body, context, 'webhook');
  },

  async enrich(event, call) {
    if (event.kind !== 'order' && event.kind !== 'refund') {
      return event;
    }

    const api = apiFor(call);

    if (event.kind === 'refund') {
      // refunds/create carries the order id only; the order's name numbers the credit.
      const { body } = await api.get<{ order?: { name?: string } }>(
        `orders/${event.refund.channelOrderId}.json`,
        { fields: 'id,name' },
      );
      const name = body.order?.name?.trim();

      return name ? { ...event, refund: { ...event.refund, orderNumber: name } } : event;
    }

    const payments = await fetchPayments(api, event.order);

    return payments.length > 0 ? { ...event, order: { ...event.order, payments } } : event;
  },

  async pollOrders(call, request) {
    const api = apiFor(call);
    const query = request.page
      ? { limit: request.pageSize, page_info: request.page }
      : {
          limit: request.pageSize,
          status: 'any',
          updated_at_min: request.modifiedSince,
          updated_at_max: request.modifiedUntil,
          order: 'updated_at asc',
        };
    const { body, nextPage } = await api.get<{ orders?: unknown[] }>('orders.json', query);

    return {
      events: await ordersToEvents(
        api,
        call.connection as ShopifyConnection,
        body.orders ?? [],
        request,
        'poll',
      ),
      ...(nextPage ? { nextPage } : {}),
    } satisfies PollPage;
  },

  async pollPayouts(call, request) {
    const api = apiFor(call);
    const query = request.page
      ? { limit: request.pageSize, page_info: request.page }
      : {
          limit: request.pageSize,
          date_min: request.modifiedSince.slice(0, 10),
          date_max: request.modifiedUntil.slice(0, 10),
        };
    const { body, nextPage } = await api.get<{ payouts?: { id?: unknown; status?: unknown }[] }>(
      'shopify_payments/payouts.json',
      query,
    );
    const events: ChannelEvent[] = [];

    for (const payout of body.payouts ?? []) {
      events.push(await payoutEvent(api, call.connection as ShopifyConnection, payout, request));
    }

    return { events, ...(nextPage ? { nextPage } : {}) };
  },

  async fetchOrdersByNumber(call, orderNumbers) {
    const api = apiFor(call);
    const lookups: OrderNumberLookup[] = [];

    for (const orderNumber of orderNumbers) {
      const name = orderNumber.startsWith('#') ? orderNumber : `#${orderNumber}`;
      const { body } = await api.get<{ orders?: unknown[] }>('orders.json', {
        status: 'any',
        name,
        limit: 50,
      });
      const events = await ordersToEvents(
        api,
        call.connection as ShopifyConnection,
        body.orders ?? [],
        { receivedAt: new Date().toISOString() },
        'resync',
      );

      lookups.push({ orderNumber, events });
    }

    return lookups;
  },

  async testConnection(call) {
    return testShopifyConnection(apiFor(call));
  },

  async registerWebhooks(call, addresses) {
    return registerShopifyWebhooks(apiFor(call), addresses);
  },

  async deleteWebhooks(call) {
    return deleteShopifyWebhooks(apiFor(call));
  },

  async readInventory(call) {
    return readShopifyInventory(apiFor(call));
  },

  async pushInventory(call, levels): Promise<InventoryPushResult['results']> {
    return pushShopifyInventory(apiFor(call), levels as InventoryLevel[]);
  },
};

function apiFor(call: ChannelCallContext): ShopifyApi {
  const credentials = call.connection.credentials as ShopifyCredentials;

  if (!credentials.accessToken) {
    throw new ChannelPayloadError(
      'the connection has no Admin API access token; add one to poll, re-sync or push inventory',
      'accessToken',
    );
  }

  return new ShopifyApi(call, credentials.accessToken);
}

function parseJsonBody(delivery: WebhookDelivery): unknown {
  try {
    return JSON.parse(delivery.rawBody.toString('utf8')) as unknown;
  } catch (error) {
    throw new ChannelPayloadError(`body: is not valid JSON (${(error as Error).message})`, 'body');
  }
}

/** Normalises an order and the refunds it carries; throws for a webhook, rejects for a poll. */
function orderEvents(
  body: unknown,
  context: Pick<ParseContext, 'connection' | 'receivedAt' | 'deliveryId' | 'topic'>,
  sourceKind: 'webhook' | 'poll' | 'resync',
): ChannelEvent[] {
  let order: Order;

  try {
    order = normaliseShopifyOrder(body, {
      accountId: context.connection.accountId,
      connectionId: context.connection.connectionId,
      receivedAt: context.receivedAt,
      sourceKind,
      topic: context.topic,
      deliveryId: context.deliveryId,
    });
  } catch (error) {
    if (error instanceof ShopifyPayloadError) {
      throw new ChannelPayloadError(error.message, undefined, error.orderId, { cause: error });
    }

    throw error;
  }

  const events: ChannelEvent[] = [{ kind: 'order', order, revision: order.updatedAt }];
  const refunds = (body as { refunds?: unknown }).refunds;

  if (Array.isArray(refunds)) {
    for (const refund of refunds) {
      events.push(
        refundEvent(refund, context, sourceKind, {
          orderNumber: order.orderNumber,
          currency: order.currency,
        }),
      );
    }
  }

  return events;
}

function refundEvent(
  body: unknown,
  context: Pick<ParseContext, 'connection' | 'receivedAt' | 'deliveryId' | 'topic'>,
  sourceKind: 'webhook' | 'poll' | 'resync',
  order: { orderNumber?: string; currency?: string } = {},
): ChannelEvent {
  try {
    const refund = normaliseShopifyRefund(body, {
      accountId: context.connection.accountId,
      connectionId: context.connection.connectionId,
      receivedAt: context.receivedAt,
      sourceKind,
      topic: context.topic,
      deliveryId: context.deliveryId,
      ...order,
    });

    // A refund's money can still move from pending to success, so the status is part of it.
    return { kind: 'refund', refund, revision: `${refund.status}` };
  } catch (error) {
    if (error instanceof ShopifyPayloadError) {
      if (sourceKind === 'webhook') {
        throw new ChannelPayloadError(error.message, undefined, error.orderId, { cause: error });
      }

      return { kind: 'rejected', channelOrderId: error.orderId, reason: error.message };
    }

    throw error;
  }
}

/** Normalises polled orders with their transactions, which are always read, and filters them. */
async function ordersToEvents(
  api: ShopifyApi,
  connection: ShopifyConnection,
  orders: unknown[],
  request: Pick<PollRequest, 'receivedAt'>,
  sourceKind: 'poll' | 'resync',
): Promise<ChannelEvent[]> {
  const events: ChannelEvent[] = [];
  const { statusFilter, storeFilter } = connection.settings;

  for (const raw of orders) {
    const order = raw as Record<string, unknown>;

    if (!matchesFilters(order, statusFilter, storeFilter)) {
      continue;
    }

    try {
      const transactions = await api.getAll<unknown>(
        `orders/${String(order.id)}/transactions.json`,
        'transactions',
        {},
      );

      events.push(
        ...orderEvents(
          { ...order, transactions },
          { connection, receivedAt: request.receivedAt },
          sourceKind,
        ),
      );
    } catch (error) {
      if (error instanceof ChannelPayloadError) {
        events.push({
          kind: 'rejected',
          channelOrderId: error.channelOrderId ?? String(order.id ?? ''),
          orderNumber: typeof order.name === 'string' ? order.name : undefined,
          reason: error.message,
        });
        continue;
      }

      throw error;
    }
  }

  return events;
}

/**
 * Keeps an order whose financial or fulfillment status is in the status filter, and whose
 * location or source is in the store filter. An empty filter keeps every order.
 */
function matchesFilters(
  order: Record<string, unknown>,
  statusFilter: readonly string[],
  storeFilter: readonly string[],
): boolean {
  if (statusFilter.length > 0) {
    const statuses = [order.financial_status, order.fulfillment_status ?? 'unfulfilled'].map(
      String,
    );

    if (!statuses.some((status) => statusFilter.includes(status))) {
      return false;
    }
  }

  if (storeFilter.length > 0) {
    const stores = [order.location_id, order.source_name]
      .filter((value) => value !== null && value !== undefined)
      .map(String);

    if (!stores.some((store) => storeFilter.includes(store))) {
      return false;
    }
  }

  return true;
}

async function fetchPayments(api: ShopifyApi, order: Order): Promise<Payment[]> {
  const raw = await api.getAll<unknown>(
    `orders/${order.channelOrderId}/transactions.json`,
    'transactions',
    {},
  );
  const transactions: ShopifyTransaction[] = [];

  for (const candidate of raw) {
    const parsed = shopifyTransactionSchema.safeParse(candidate);

    if (parsed.success) {
      transactions.push(parsed.data);
    }
  }

  const money = new ShopifyMoneyReader(order.currency, 'shop', true, order.channelOrderId);

  // Only `transactions` is read by the payments mapping when it has usable entries.
  return mapPayments({
    payload: { transactions, payment_gateway_names: [] } as never,
    money,
  });
}

async function payoutEvent(
  api: ShopifyApi,
  connection: ShopifyConnection,
  payout: { id?: unknown; status?: unknown },
  request: PollRequest,
): Promise<ChannelEvent> {
  try {
    const transactions = await api.getAll<unknown>(
      'shopify_payments/balance/transactions.json',
      'transactions',
      {
        payout_id: String(payout.id),
      },
    );
    const normalised = normaliseShopifyPayout(payout, transactions, {
      accountId: connection.accountId,
      connectionId: connection.connectionId,
      receivedAt: request.receivedAt,
    });

    return { kind: 'payout', payout: normalised, revision: normalised.status };
  } catch (error) {
    if (error instanceof ShopifyPayloadError) {
      return { kind: 'rejected', reason: error.message };
    }

    throw error;
  }
}

const REQUIRED_SCOPES = [
  'read_orders',
  'read_shopify_payments_payouts',
  'read_inventory',
  'write_inventory',
];

async function testShopifyConnection(api: ShopifyApi): Promise<ConnectionTestResult> {
  const checks: ConnectionTestResult['checks'] = [];
  let storeName: string | undefined;

  try {
    const { body } = await api.get<{ shop?: { name?: string; currency?: string } }>('shop.json');

    storeName = body.shop?.name;
    checks.push({
      name: 'access token',
      ok: true,
      message: `connected to ${storeName ?? 'the shop'}`,
    });
  } catch (error) {
    checks.push({ name: 'access token', ok: false, message: (error as Error).message });

    return { ok: false, checks };
  }

  try {
    const response = await api.get<{ access_scopes?: { handle: string }[] }>(
      '/admin/oauth/access_scopes.json',
    );
    const granted = new Set((response.body.access_scopes ?? []).map((scope) => scope.handle));
    const missing = REQUIRED_SCOPES.filter((scope) => !granted.has(scope));

    checks.push(
      missing.length === 0
        ? { name: 'scopes', ok: true, message: `granted: ${REQUIRED_SCOPES.join(', ')}` }
        : {
            name: 'scopes',
            ok: false,
            message: `missing scopes ${missing.join(', ')}; add them to the app and reinstall it`,
          },
    );
  } catch (error) {
    checks.push({ name: 'scopes', ok: false, message: (error as Error).message });
  }

  try {
    await api.graphql<{ shop: { name: string } }>('query ShopName { shop { name } }', {}, 1);
    checks.push({ name: 'graphql', ok: true, message: 'GraphQL Admin API reachable' });
  } catch (error) {
    checks.push({ name: 'graphql', ok: false, message: (error as Error).message });
  }

  return { ok: checks.every((check) => check.ok), checks, ...(storeName ? { storeName } : {}) };
}
