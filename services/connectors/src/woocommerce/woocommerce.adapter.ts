import { type InventoryLevel, type InventoryPushResult } from '@qbsync/contracts';
import { z } from 'zod';

import {
  type ChannelAdapter,
  type ChannelCallContext,
  type ChannelEvent,
  ChannelPayloadError,
  type ConnectionTestResult,
  type OrderNumberLookup,
  type ParseContext,
  type PollPage,
  type PollRequest,
  type WebhookDelivery,
} from '../channel/channel-adapter';
import {
  errorMessage,
  expectJson,
  invalidLevel,
  parseChannelPayload,
  parseJsonBody,
  type ChannelNormaliseContext,
} from '../channel-support';
import { normaliseWooOrder } from './woocommerce-order.normaliser';
import { normaliseWooRefund } from './woocommerce-refund.normaliser';
import { isValidWooSignature } from './woocommerce-signature';
import { wooOrderSchema, wooProductSchema, type WooProduct } from './woocommerce.schemas';

const API = '/wp-json/wc/v3';

/** WooCommerce core has one stock figure per product or variation, so one location. */
export const WOO_LOCATION_ID = 'default';
/** Most updates `POST /products/batch` accepts in one request. */
const BATCH_LIMIT = 100;
const ORDER_TOPICS = new Set(['order.created', 'order.updated', 'order.restored']);

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

export const wooCredentialSchema = z.object({
  /** The store's home URL, such as https://shop.example.com. */
  storeUrl: z
    .url({ error: 'must be the store URL such as https://shop.example.com' })
    .refine((value) => {
      const url = new URL(value);

      return url.protocol === 'https:' || LOOPBACK.test(url.hostname);
    }, 'must use https; WooCommerce accepts consumer keys over Basic auth only on HTTPS'),
  consumerKey: z.string().regex(/^ck_[A-Za-z0-9]+$/, 'must be a consumer key starting with ck_'),
  consumerSecret: z
    .string()
    .regex(/^cs_[A-Za-z0-9]+$/, 'must be a consumer secret starting with cs_'),
  /** The secret entered on the store's order webhooks, the HMAC key of their signatures. */
  webhookSecret: z.string().min(1, 'must be the secret set on the order webhooks'),
});

export type WooCredentials = z.infer<typeof wooCredentialSchema>;

/**
 * Returns the key that attributes a webhook to a store: host and path of the store URL, lower
 * case, without scheme or trailing slash, so `X-WC-Webhook-Source: https://Shop.example.com/`
 * matches a store entered as `https://shop.example.com`.
 */
export function wooStoreKey(storeUrl: string): string {
  const url = new URL(storeUrl);

  return `${url.host}${url.pathname}`.toLowerCase().replace(/\/+$/, '');
}

function basicAuth(credentials: WooCredentials): Record<string, string> {
  const token = Buffer.from(`${credentials.consumerKey}:${credentials.consumerSecret}`).toString(
    'base64',
  );

  return { authorization: `Basic ${token}` };
}

function normaliseContext(
  call: ChannelCallContext<WooCredentials>,
  receivedAt: string,
  sourceKind: ChannelNormaliseContext['sourceKind'],
): ChannelNormaliseContext {
  return {
    accountId: call.connection.accountId,
    connectionId: call.connection.connectionId,
    receivedAt,
    sourceKind,
  };
}

/** Turns one order of a poll into an order event, or a rejected event naming the field. */
function orderEvent(raw: unknown, context: ChannelNormaliseContext): ChannelEvent {
  try {
    const order = normaliseWooOrder(raw, context);

    return { kind: 'order', order, revision: `${order.channelOrderId}@${order.updatedAt}` };
  } catch (error) {
    return rejected(raw, error);
  }
}

function rejected(raw: unknown, error: unknown): ChannelEvent {
  if (!(error instanceof ChannelPayloadError)) {
    throw error;
  }

  const record = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;

  return {
    kind: 'rejected',
    reason: error.message,
    ...(record.id !== undefined ? { channelOrderId: String(record.id) } : {}),
    ...(typeof record.number === 'string' ? { orderNumber: record.number } : {}),
  };
}

async function listOrders(
  call: ChannelCallContext<WooCredentials>,
  request: PollRequest,
): Promise<{ orders: unknown[]; nextPage?: string }> {
  const page = Number(request.page ?? '1');
  const response = await call.http.request({
    method: 'GET',
    path: `${API}/orders`,
    headers: basicAuth(call.connection.credentials),
    query: {
      modified_after: request.modifiedSince,
      modified_before: request.modifiedUntil,
      dates_are_gmt: 'true',
      orderby: 'modified',
      order: 'asc',
      per_page: Math.min(request.pageSize, 100),
      page,
      status: call.connection.settings.statusFilter.join(',') || 'any',
    },
  });
  const body = expectJson(response, 'Listing WooCommerce orders');
  const totalPages = Number(response.headers['x-wp-totalpages'] ?? '1');

  return {
    orders: Array.isArray(body) ? body : [],
    nextPage: page < totalPages ? String(page + 1) : undefined,
  };
}

async function refundEvents(
  call: ChannelCallContext<WooCredentials>,
  raw: unknown,
  context: ChannelNormaliseContext,
): Promise<ChannelEvent[]> {
  const parsed = wooOrderSchema.safeParse(raw);

  if (!parsed.success || parsed.data.refunds.length === 0) {
    return [];
  }

  const order = parsed.data;
  const response = await call.http.request({
    method: 'GET',
    path: `${API}/orders/${order.id}/refunds`,
    headers: basicAuth(call.connection.credentials),
    query: { per_page: 100 },
  });
  const refunds = expectJson(response, `Listing refunds of WooCommerce order ${order.id}`);

  return (Array.isArray(refunds) ? refunds : []).map((refund) => {
    try {
      const normalised = normaliseWooRefund(refund, order, context);

      // A WooCommerce refund is never edited after it is created, so its id is its revision.
      return { kind: 'refund', refund: normalised, revision: normalised.channelRefundId };
    } catch (error) {
      return rejected({ id: order.id, number: order.number }, error);
    }
  });
}

async function findProductsBySku(
  call: ChannelCallContext<WooCredentials>,
  sku: string,
): Promise<{ productId: number; variationId?: number } | undefined> {
  const headers = basicAuth(call.connection.credentials);
  const response = await call.http.request({
    method: 'GET',
    path: `${API}/products`,
    headers,
    query: { sku },
  });
  const products = expectJson(response, `Finding WooCommerce product with SKU ${sku}`);
  const product = (Array.isArray(products) ? products : [])
    .map((item) => wooProductSchema.safeParse(item))
    .find((item) => item.success && item.data.sku === sku);

  if (product?.success) {
    return { productId: product.data.id };
  }

  // A variation's SKU is not found by the products search in older stores; its parent is.
  const variations = await call.http.request({
    method: 'GET',
    path: `${API}/products`,
    headers,
    query: { sku, type: 'variation' },
  });
  const found = (expectJson(variations, `Finding WooCommerce variation ${sku}`) ?? []) as {
    id?: number;
    parent_id?: number;
    sku?: string;
  }[];
  const variation = Array.isArray(found) ? found.find((item) => item.sku === sku) : undefined;

  return variation?.id && variation.parent_id
    ? { productId: variation.parent_id, variationId: variation.id }
    : undefined;
}

export const wooCommerceAdapter: ChannelAdapter<WooCredentials> = {
  channel: 'woocommerce',
  displayName: 'WooCommerce',
  authorization: 'consumer-key',
  credentialSchema: wooCredentialSchema,
  secretFields: ['consumerSecret', 'webhookSecret'],
  // NOTE: WooCommerce core sets no REST API limit; the store's host does. Five requests a second
  // with a burst of ten is an estimate that common managed WordPress hosts accept.
  rateLimit: { requestsPerSecond: 5, burst: 10, maxRetries: 5 },
  capabilities: {
    webhooks: true,
    pollOrders: true,
    pollRefunds: true,
    pollPayouts: false,
    inventoryRead: true,
    inventoryPush: true,
  },

  webhookKey: (credentials) => wooStoreKey(credentials.storeUrl),

  defaultBaseUrl: (credentials) => credentials.storeUrl.replace(/\/+$/, ''),

  identifyWebhook(delivery: WebhookDelivery) {
    const source = delivery.headers['x-wc-webhook-source'];

    if (!source) {
      return { error: 'X-WC-Webhook-Source header is missing; it names the store that sent it' };
    }

    try {
      return {
        webhookKey: wooStoreKey(source),
        deliveryId: delivery.headers['x-wc-webhook-delivery-id'],
        topic: delivery.headers['x-wc-webhook-topic'],
      };
    } catch {
      return { error: `X-WC-Webhook-Source "${source}" is not a URL` };
    }
  },

  verifyWebhook(delivery, connection) {
    return isValidWooSignature(
      delivery.rawBody,
      delivery.headers['x-wc-webhook-signature'],
      connection.credentials.webhookSecret,
    );
  },

  parseWebhook(delivery, context: ParseContext<WooCredentials>): ChannelEvent[] {
    const topic = context.topic ?? delivery.headers['x-wc-webhook-topic'];

    // Saving a webhook in WooCommerce sends a form-encoded ping, "webhook_id=12", without a topic.
    if (!topic && delivery.rawBody.toString('utf8').startsWith('webhook_id=')) {
      return [{ kind: 'ignored', reason: 'WooCommerce webhook ping' }];
    }

    if (!topic || !ORDER_TOPICS.has(topic)) {
      return [{ kind: 'ignored', reason: `topic ${topic ?? '(none)'} carries no order to post` }];
    }

    const order = normaliseWooOrder(parseJsonBody(delivery.rawBody, 'WooCommerce order'), {
      accountId: context.connection.accountId,
      connectionId: context.connection.connectionId,
      receivedAt: context.receivedAt,
      sourceKind: 'webhook',
      topic,
      deliveryId: context.deliveryId,
    });

    return [{ kind: 'order', order, revision: `${order.channelOrderId}@${order.updatedAt}` }];
  },

  async pollOrders(call, request): Promise<PollPage> {
    const { orders, nextPage } = await listOrders(call, request);
    const context = normaliseContext(call, request.receivedAt, 'poll');

    return { events: orders.map((raw) => orderEvent(raw, context)), nextPage };
  },

  /** WooCommerce lists refunds per order, so the orders modified in the window are read first. */
  async pollRefunds(call, request): Promise<PollPage> {
    const { orders, nextPage } = await listOrders(call, request);
    const context = normaliseContext(call, request.receivedAt, 'poll');
    const events: ChannelEvent[] = [];

    for (const raw of orders) {
      events.push(...(await refundEvents(call, raw, context)));
    }

    return { events, nextPage };
  },

  async fetchOrdersByNumber(call, orderNumbers): Promise<OrderNumberLookup[]> {
    const context = normaliseContext(call, call.now().toISOString(), 'resync');
    const lookups: OrderNumberLookup[] = [];

    for (const orderNumber of orderNumbers) {
      const response = await call.http.request({
        method: 'GET',
        path: `${API}/orders`,
        headers: basicAuth(call.connection.credentials),
        query: { search: orderNumber, per_page: 20 },
      });
      const found = expectJson(response, `Searching WooCommerce order ${orderNumber}`);
      const matches = (Array.isArray(found) ? found : []).filter(
        (raw) => (raw as { number?: unknown }).number === orderNumber,
      );
      const events: ChannelEvent[] = [];

      for (const raw of matches) {
        events.push(orderEvent(raw, context), ...(await refundEvents(call, raw, context)));
      }

      lookups.push({ orderNumber, events });
    }

    return lookups;
  },

  async testConnection(call): Promise<ConnectionTestResult> {
    const checks: ConnectionTestResult['checks'] = [];
    let storeName: string | undefined;

    try {
      const index = await call.http.request({ method: 'GET', path: '/wp-json/' });
      const site = expectJson(index, 'Reading the WordPress site index') as { name?: unknown };

      storeName = typeof site.name === 'string' ? site.name : undefined;
      checks.push({
        name: 'store reachable',
        ok: true,
        message: `reached ${storeName ?? 'the store'}`,
      });
    } catch (error) {
      checks.push({ name: 'store reachable', ok: false, message: errorMessage(error) });
    }

    const orders = await call.http
      .request({
        method: 'GET',
        path: `${API}/orders`,
        headers: basicAuth(call.connection.credentials),
        query: { per_page: 1 },
      })
      .catch((error: unknown) => ({ status: 0, text: errorMessage(error) }));

    checks.push(
      orders.status === 200
        ? { name: 'consumer key', ok: true, message: 'the key can read orders' }
        : {
            name: 'consumer key',
            ok: false,
            message:
              orders.status === 401
                ? 'WooCommerce rejected the consumer key or secret; create a key with Read/Write ' +
                  'permission under WooCommerce > Settings > Advanced > REST API'
                : `reading orders failed (HTTP ${orders.status}): ${orders.text.slice(0, 200)}`,
          },
    );

    if (orders.status === 200) {
      checks.push(await checkOrderWebhooks(call));
    }

    return {
      ok: checks.every((check) => check.ok),
      checks,
      ...(storeName ? { storeName } : {}),
    };
  },

  async readInventory(call): Promise<InventoryLevel[]> {
    const levels: InventoryLevel[] = [];

    for (let page = 1; ; page += 1) {
      const response = await call.http.request({
        method: 'GET',
        path: `${API}/products`,
        headers: basicAuth(call.connection.credentials),
        query: { per_page: 100, page },
      });
      const products = expectJson(response, 'Listing WooCommerce products');

      for (const raw of Array.isArray(products) ? products : []) {
        levels.push(...(await productLevels(call, raw)));
      }

      if (page >= Number(response.headers['x-wp-totalpages'] ?? '1')) {
        return levels;
      }
    }
  },

  async pushInventory(call, levels): Promise<InventoryPushResult['results']> {
    const results: InventoryPushResult['results'] = levels.map((level) => ({
      sku: level.sku,
      locationId: level.locationId,
      status: 'failed',
      message: 'not sent',
    }));
    const simpleUpdates: { index: number; id: number; quantity: number }[] = [];

    for (const [index, level] of levels.entries()) {
      const problem = invalidLevel(level);

      if (problem) {
        results[index].message = problem;
        continue;
      }

      const target = await findProductsBySku(call, level.sku);

      if (!target) {
        results[index].message = `no WooCommerce product or variation has SKU ${level.sku}`;
        continue;
      }

      const quantity = Math.max(0, level.quantity);

      if (target.variationId === undefined) {
        simpleUpdates.push({ index, id: target.productId, quantity });
        continue;
      }

      const response = await call.http.request({
        method: 'PUT',
        path: `${API}/products/${target.productId}/variations/${target.variationId}`,
        headers: basicAuth(call.connection.credentials),
        body: { manage_stock: true, stock_quantity: quantity },
      });

      results[index] =
        response.status === 200
          ? { sku: level.sku, locationId: level.locationId, status: 'updated' }
          : {
              ...results[index],
              message: `WooCommerce returned HTTP ${response.status}: ${response.text.slice(0, 200)}`,
            };
    }

    for (let start = 0; start < simpleUpdates.length; start += BATCH_LIMIT) {
      const batch = simpleUpdates.slice(start, start + BATCH_LIMIT);
      const response = await call.http.request({
        method: 'POST',
        path: `${API}/products/batch`,
        headers: basicAuth(call.connection.credentials),
        body: {
          update: batch.map((item) => ({
            id: item.id,
            manage_stock: true,
            stock_quantity: item.quantity,
          })),
        },
      });
      const body = (response.json ?? {}) as {
        update?: { id?: number; error?: { message?: string } }[];
      };

      for (const [position, item] of batch.entries()) {
        const answer = body.update?.[position];
        const level = levels[item.index];

        results[item.index] =
          response.status === 200 && answer && !answer.error
            ? { sku: level.sku, locationId: level.locationId, status: 'updated' }
            : {
                sku: level.sku,
                locationId: level.locationId,
                status: 'failed',
                message:
                  answer?.error?.message ??
                  `WooCommerce returned HTTP ${response.status}: ${response.text.slice(0, 200)}`,
              };
      }
    }

    return results;
  },
};

async function productLevels(
  call: ChannelCallContext<WooCredentials>,
  raw: unknown,
): Promise<InventoryLevel[]> {
  let product: WooProduct;

  try {
    product = parseChannelPayload(wooProductSchema, raw, 'WooCommerce product', (item) => item.id);
  } catch {
    return [];
  }

  if (product.type !== 'variable') {
    const quantity = product.stock_quantity;

    return product.manage_stock === true && product.sku && typeof quantity === 'number'
      ? [{ sku: product.sku, locationId: WOO_LOCATION_ID, quantity }]
      : [];
  }

  const response = await call.http.request({
    method: 'GET',
    path: `${API}/products/${product.id}/variations`,
    headers: basicAuth(call.connection.credentials),
    query: { per_page: 100 },
  });
  const variations = expectJson(
    response,
    `Listing variations of WooCommerce product ${product.id}`,
  );

  return (Array.isArray(variations) ? variations : []).flatMap((item) => {
    const variation = item as { sku?: string; manage_stock?: unknown; stock_quantity?: unknown };

    return variation.sku &&
      variation.manage_stock !== false &&
      typeof variation.stock_quantity === 'number'
      ? [{ sku: variation.sku, locationId: WOO_LOCATION_ID, quantity: variation.stock_quantity }]
      : [];
  });
}

async function checkOrderWebhooks(
  call: ChannelCallContext<WooCredentials>,
): Promise<ConnectionTestResult['checks'][number]> {
  try {
    const response = await call.http.request({
      method: 'GET',
      path: `${API}/webhooks`,
      headers: basicAuth(call.connection.credentials),
      query: { per_page: 100, status: 'active' },
    });
    const hooks = expectJson(response, 'Listing WooCommerce webhooks') as { topic?: string }[];
    const topics = new Set((Array.isArray(hooks) ? hooks : []).map((hook) => hook.topic));
    const missing = ['order.created', 'order.updated'].filter((topic) => !topics.has(topic));

    return missing.length === 0
      ? { name: 'order webhooks', ok: true, message: 'order.created and order.updated are active' }
      : {
          name: 'order webhooks',
          ok: false,
          message:
            `no active webhook for ${missing.join(' and ')}; add one under WooCommerce > ` +
            'Settings > Advanced > Webhooks with the connection secret (polling still runs)',
        };
  } catch (error) {
    return { name: 'order webhooks', ok: false, message: errorMessage(error) };
  }
}
