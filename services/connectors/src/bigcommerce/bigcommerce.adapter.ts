import { createHash, timingSafeEqual } from 'node:crypto';

import { type InventoryLevel, type InventoryPushResult } from '@qbsync/contracts';
import { z } from 'zod';

import {
  type ChannelAdapter,
  type ChannelCallContext,
  type ChannelEvent,
  ChannelPayloadError,
  type ChannelHttpResponse,
  type ConnectionTestResult,
  type FetchRequest,
  type PollPage,
  type PollRequest,
} from '../channel/channel-adapter';
import {
  errorMessage,
  expectJson,
  invalidLevel,
  parseChannelPayload,
  parseJsonBody,
  type ChannelNormaliseContext,
} from '../channel-support';
import { normaliseBigCommerceOrder } from './bigcommerce-order.normaliser';
import { normaliseBigCommerceRefund } from './bigcommerce-refund.normaliser';
import { bcWebhookSchema, type BcOrderProduct } from './bigcommerce.schemas';

/**
 * The header the connector has BigCommerce send with every webhook (the `headers` of
 * `POST /v3/hooks`). BigCommerce does not sign webhook bodies, so this shared secret is what
 * proves a delivery came from the store's hook.
 */
export const BC_WEBHOOK_SECRET_HEADER = 'x-qbsync-webhook-secret';
const ORDER_SCOPES = ['store/order/created', 'store/order/updated', 'store/order/statusUpdated'];
const REFUND_SCOPE_PREFIX = 'store/order/refund';

export const bcCredentialSchema = z.object({
  storeHash: z
    .string()
    .regex(/^[a-z0-9]+$/, 'must be the store hash from the API path, such as abc123def'),
  /** API account access token, sent as X-Auth-Token. */
  accessToken: z.string().min(10, 'must be the API account access token'),
  webhookSecret: z.string().min(16, 'must be at least 16 characters'),
});

export type BcCredentials = z.infer<typeof bcCredentialSchema>;

function authHeaders(credentials: BcCredentials): Record<string, string> {
  return { 'x-auth-token': credentials.accessToken, accept: 'application/json' };
}

/**
 * Reads BigCommerce's rate-limit headers: when `X-Rate-Limit-Requests-Left` reaches zero, waits
 * `X-Rate-Limit-Time-Reset-Ms` before the next request.
 */
export function observeBigCommerceLimit(response: ChannelHttpResponse): number | undefined {
  const left = Number(response.headers['x-rate-limit-requests-left']);
  const resetMs = Number(response.headers['x-rate-limit-time-reset-ms']);

  if (Number.isFinite(left) && left <= 0 && Number.isFinite(resetMs)) {
    return resetMs / 1000;
  }

  return undefined;
}

function context(
  call: ChannelCallContext<BcCredentials>,
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

async function getList(
  call: ChannelCallContext<BcCredentials>,
  path: string,
  what: string,
  query?: Record<string, string | number | undefined>,
): Promise<unknown[]> {
  const response = await call.http.request({
    method: 'GET',
    path,
    headers: authHeaders(call.connection.credentials),
    query,
  });

  // Orders v2 returns 204 No Content for an empty page.
  if (response.status === 204) {
    return [];
  }

  const body = expectJson(response, what);

  return Array.isArray(body) ? body : [];
}

/**
 * Reads one order with the sub-resources the normaliser needs. BigCommerce webhooks carry only
 * the order id, so this is also how a webhook's order is read.
 */
export async function fetchBigCommerceOrder(
  call: ChannelCallContext<BcCredentials>,
  orderId: number | string,
): Promise<{
  order: unknown;
  products: unknown[];
  shipping_addresses: unknown[];
  taxes: unknown[];
}> {
  const response = await call.http.request({
    method: 'GET',
    path: `/v2/orders/${orderId}`,
    headers: authHeaders(call.connection.credentials),
  });
  const order = expectJson(response, `Reading BigCommerce order ${orderId}`);

  return bundleFor(call, order, orderId);
}

async function bundleFor(
  call: ChannelCallContext<BcCredentials>,
  order: unknown,
  orderId: number | string,
): Promise<{
  order: unknown;
  products: unknown[];
  shipping_addresses: unknown[];
  taxes: unknown[];
}> {
  const [products, shippingAddresses, taxes] = [
    await getList(call, `/v2/orders/${orderId}/products`, `Reading products of order ${orderId}`, {
      limit: 250,
    }),
    await getList(
      call,
      `/v2/orders/${orderId}/shipping_addresses`,
      `Reading shipping of order ${orderId}`,
    ),
    await getList(call, `/v2/orders/${orderId}/taxes`, `Reading taxes of order ${orderId}`),
  ];

  return { order, products, shipping_addresses: shippingAddresses, taxes };
}

function orderEvent(bundle: unknown, normaliseContext: ChannelNormaliseContext): ChannelEvent {
  try {
    const order = normaliseBigCommerceOrder(bundle, normaliseContext);

    return { kind: 'order', order, revision: `${order.channelOrderId}@${order.updatedAt}` };
  } catch (error) {
    if (!(error instanceof ChannelPayloadError)) {
      throw error;
    }

    const id = (bundle as { order?: { id?: unknown } }).order?.id;

    return {
      kind: 'rejected',
      reason: error.message,
      ...(id !== undefined ? { channelOrderId: String(id), orderNumber: String(id) } : {}),
    };
  }
}

async function pollOrders(
  call: ChannelCallContext<BcCredentials>,
  request: PollRequest,
): Promise<PollPage> {
  const page = Number(request.page ?? '1');
  const limit = Math.min(request.pageSize, 250);
  const statusIds = call.connection.settings.statusFilter;
  const orders = await getList(call, '/v2/orders', 'Listing BigCommerce orders', {
    min_date_modified: request.modifiedSince,
    max_date_modified: request.modifiedUntil,
    sort: 'date_modified:asc',
    page,
    limit,
    // Orders v2 filters by one status_id; several are filtered after fetching.
    status_id: statusIds.length === 1 && /^\d+$/.test(statusIds[0]) ? statusIds[0] : undefined,
  });
  const normaliseContext = context(call, request.receivedAt, 'poll');
  const events: ChannelEvent[] = [];

  for (const order of orders) {
    const record = order as { id?: number; status?: string; status_id?: number };

    if (statusIds.length > 1 && !matchesStatus(record, statusIds)) {
      continue;
    }

    if (typeof record.id !== 'number') {
      events.push({ kind: 'rejected', reason: 'id: is missing from a listed BigCommerce order' });
      continue;
    }

    events.push(orderEvent(await bundleFor(call, order, record.id), normaliseContext));
  }

  return { events, nextPage: orders.length === limit ? String(page + 1) : undefined };
}

function matchesStatus(order: { status?: string; status_id?: number }, filter: string[]): boolean {
  return filter.some(
    (status) =>
      status === String(order.status_id) || status.toLowerCase() === order.status?.toLowerCase(),
  );
}

async function pollRefunds(
  call: ChannelCallContext<BcCredentials>,
  request: PollRequest,
): Promise<PollPage> {
  const page = Number(request.page ?? '1');
  const limit = Math.min(request.pageSize, 250);
  const response = await call.http.request({
    method: 'GET',
    path: '/v3/orders/payment_actions/refunds',
    headers: authHeaders(call.connection.credentials),
    query: {
      'created:min': request.modifiedSince,
      'created:max': request.modifiedUntil,
      page,
      limit,
    },
  });
  const body = expectJson(response, 'Listing BigCommerce refunds') as {
    data?: unknown[];
    meta?: { pagination?: { total_pages?: number } };
  };
  const normaliseContext = context(call, request.receivedAt, 'poll');
  const events: ChannelEvent[] = [];

  for (const refund of body.data ?? []) {
    const orderId = (refund as { order_id?: unknown }).order_id;

    events.push(
      refundEvent(refund, await fetchBigCommerceOrder(call, String(orderId)), normaliseContext),
    );
  }

  const totalPages = body.meta?.pagination?.total_pages ?? page;

  return { events, nextPage: page < totalPages ? String(page + 1) : undefined };
}

function refundEvent(
  refund: unknown,
  bundle: { order: unknown; products: unknown[] },
  normaliseContext: ChannelNormaliseContext,
): ChannelEvent {
  const orderId = (refund as { order_id?: unknown }).order_id;

  try {
    const order = bundle.order as { currency_code?: string };
    const normalised = normaliseBigCommerceRefund(
      refund,
      { currency: order.currency_code ?? '', products: bundle.products as BcOrderProduct[] },
      normaliseContext,
    );

    return { kind: 'refund', refund: normalised, revision: normalised.channelRefundId };
  } catch (error) {
    if (!(error instanceof ChannelPayloadError)) {
      throw error;
    }

    return {
      kind: 'rejected',
      reason: error.message,
      ...(orderId !== undefined ? { channelOrderId: String(orderId) } : {}),
    };
  }
}

/** Reads every refund of one order from the v3 refunds list, filtered by `order_id:in`. */
async function refundsOfOrder(
  call: ChannelCallContext<BcCredentials>,
  orderId: string,
): Promise<unknown[]> {
  const refunds: unknown[] = [];

  for (let page = 1; ; page += 1) {
    const response = await call.http.request({
      method: 'GET',
      path: '/v3/orders/payment_actions/refunds',
      headers: authHeaders(call.connection.credentials),
      query: { 'order_id:in': orderId, page, limit: 250 },
    });
    const body = expectJson(response, `Listing refunds of BigCommerce order ${orderId}`) as {
      data?: unknown[];
      meta?: { pagination?: { total_pages?: number } };
    };

    refunds.push(...(body.data ?? []));

    if (page >= (body.meta?.pagination?.total_pages ?? page)) {
      return refunds;
    }
  }
}

/**
 * Reads the order a webhook named, with its products, shipping addresses and taxes, and for a
 * refund webhook also the order's refunds. Returns no events when the store has no such order.
 */
async function fetchRecord(
  call: ChannelCallContext<BcCredentials>,
  request: FetchRequest,
): Promise<ChannelEvent[]> {
  const orderId = request.channelOrderId ?? request.recordId;

  if (!/^\d+$/.test(orderId)) {
    throw new ChannelPayloadError(
      `data.id: "${orderId}" is not a BigCommerce order id, a whole number`,
      'data.id',
      orderId,
    );
  }

  const response = await call.http.request({
    method: 'GET',
    path: `/v2/orders/${orderId}`,
    headers: authHeaders(call.connection.credentials),
  });

  if (response.status === 404) {
    return [];
  }

  const order = expectJson(response, `Reading BigCommerce order ${orderId}`);
  const bundle = await bundleFor(call, order, orderId);
  const normaliseContext: ChannelNormaliseContext = {
    ...context(call, request.receivedAt, 'webhook'),
    ...(request.topic ? { topic: request.topic } : {}),
  };
  const events = [orderEvent(bundle, normaliseContext)];

  if (request.record === 'refund') {
    for (const refund of await refundsOfOrder(call, orderId)) {
      events.push(refundEvent(refund, bundle, normaliseContext));
    }
  }

  return events;
}

export const bigCommerceAdapter: ChannelAdapter<BcCredentials> = {
  channel: 'bigcommerce',
  displayName: 'BigCommerce',
  authorization: 'oauth2',
  credentialSchema: bcCredentialSchema,
  secretFields: ['accessToken', 'webhookSecret'],
  // Standard and Plus plans allow 150 requests per 30-second window (5 a second), per store.
  rateLimit: {
    requestsPerSecond: 5,
    burst: 15,
    maxRetries: 5,
    observe: observeBigCommerceLimit,
  },
  capabilities: {
    webhooks: true,
    pollOrders: true,
    pollRefunds: true,
    pollPayouts: false,
    inventoryRead: true,
    inventoryPush: true,
  },

  webhookKey: (credentials) => credentials.storeHash,

  defaultBaseUrl: (credentials) => `https://api.bigcommerce.com/stores/${credentials.storeHash}`,

  identifyWebhook(delivery) {
    try {
      const hook = parseChannelPayload(
        bcWebhookSchema,
        parseJsonBody(delivery.rawBody, 'BigCommerce webhook'),
        'BigCommerce webhook',
      );
      const storeHash = /^stores\/([a-z0-9]+)$/.exec(hook.producer)?.[1];

      if (!storeHash) {
        return { error: `producer: "${hook.producer}" is not of the form stores/<store hash>` };
      }

      return {
        webhookKey: storeHash,
        topic: hook.scope,
        ...(hook.hash ? { deliveryId: hook.hash } : {}),
      };
    } catch (error) {
      return { error: errorMessage(error) };
    }
  },

  verifyWebhook(delivery, connection) {
    const received = Buffer.from(delivery.headers[BC_WEBHOOK_SECRET_HEADER] ?? '');
    const expected = Buffer.from(connection.credentials.webhookSecret);

    return received.length === expected.length && timingSafeEqual(received, expected);
  },

  /**
   * BigCommerce webhooks are lightweight: `{scope, producer, data: {type, id}}` without the
   * order, so an order or refund webhook becomes a `fetch` event and `fetchRecord` reads the
   * order on the work queue. The scope and `created_at` identify one change. NOTE: BigCommerce
   * does not document whether a retried delivery keeps `created_at`. If it does not, the retry
   * queues a second read, which publishes nothing new because the order's revision is unchanged.
   */
  parseWebhook(delivery): ChannelEvent[] {
    const hook = parseChannelPayload(
      bcWebhookSchema,
      parseJsonBody(delivery.rawBody, 'BigCommerce webhook'),
      'BigCommerce webhook',
    );
    const isRefund = hook.scope.startsWith(REFUND_SCOPE_PREFIX);

    if (!ORDER_SCOPES.includes(hook.scope) && !isRefund) {
      return [{ kind: 'ignored', reason: `scope ${hook.scope} carries no order to post` }];
    }

    const orderId = String(hook.data.id);
    const change =
      hook.created_at ?? hook.hash ?? createHash('sha256').update(delivery.rawBody).digest('hex');

    return [
      {
        kind: 'fetch',
        record: isRefund ? 'refund' : 'order',
        recordId: orderId,
        channelOrderId: orderId,
        revision: `${hook.scope}@${change}`,
      },
    ];
  },

  fetchRecord,

  pollOrders,
  pollRefunds,

  async fetchOrdersByNumber(call, orderNumbers) {
    const normaliseContext = context(call, call.now().toISOString(), 'resync');
    const lookups = [];

    for (const orderNumber of orderNumbers) {
      if (!/^\d+$/.test(orderNumber)) {
        lookups.push({ orderNumber, events: [] });
        continue;
      }

      const response = await call.http.request({
        method: 'GET',
        path: `/v2/orders/${orderNumber}`,
        headers: authHeaders(call.connection.credentials),
      });

      if (response.status === 404) {
        lookups.push({ orderNumber, events: [] });
        continue;
      }

      const order = expectJson(response, `Reading BigCommerce order ${orderNumber}`);

      lookups.push({
        orderNumber,
        events: [orderEvent(await bundleFor(call, order, orderNumber), normaliseContext)],
      });
    }

    return lookups;
  },

  async testConnection(call): Promise<ConnectionTestResult> {
    const checks: ConnectionTestResult['checks'] = [];
    let storeName: string | undefined;
    const store = await call.http
      .request({
        method: 'GET',
        path: '/v2/store',
        headers: authHeaders(call.connection.credentials),
      })
      .catch((error: unknown) => ({ status: 0, text: errorMessage(error), json: undefined }));

    if (store.status === 200) {
      storeName = (store.json as { name?: string } | undefined)?.name;
      checks.push({
        name: 'access token',
        ok: true,
        message: `reached ${storeName ?? 'the store'}`,
      });
    } else {
      checks.push({
        name: 'access token',
        ok: false,
        message:
          store.status === 401
            ? 'BigCommerce rejected the access token; create an API account with Orders read-only ' +
              'and Products modify scopes'
            : `reading the store failed (HTTP ${store.status}): ${store.text.slice(0, 200)}`,
      });
    }

    if (store.status === 200) {
      checks.push(await checkHooks(call));
    }

    return { ok: checks.every((check) => check.ok), checks, ...(storeName ? { storeName } : {}) };
  },

  async readInventory(call): Promise<InventoryLevel[]> {
    const levels: InventoryLevel[] = [];

    for (let page = 1; ; page += 1) {
      const response = await call.http.request({
        method: 'GET',
        path: '/v3/inventory/items',
        headers: authHeaders(call.connection.credentials),
        query: { page, limit: 250 },
      });
      const body = expectJson(response, 'Reading BigCommerce inventory') as {
        data?: {
          identity?: { sku?: string };
          locations?: { location_id?: number; total_inventory_onhand?: number }[];
        }[];
        meta?: { pagination?: { total_pages?: number } };
      };

      for (const item of body.data ?? []) {
        const sku = item.identity?.sku;

        for (const location of item.locations ?? []) {
          if (
            sku &&
            location.location_id !== undefined &&
            Number.isInteger(location.total_inventory_onhand)
          ) {
            levels.push({
              sku,
              locationId: String(location.location_id),
              quantity: location.total_inventory_onhand as number,
            });
          }
        }
      }

      if (page >= (body.meta?.pagination?.total_pages ?? page)) {
        return levels;
      }
    }
  },

  /** Sets on-hand quantities per location with one absolute adjustment (at most 2,000 items). */
  async pushInventory(call, levels): Promise<InventoryPushResult['results']> {
    const results: InventoryPushResult['results'] = levels.map((level) => ({
      sku: level.sku,
      locationId: level.locationId,
      status: 'failed',
      message:
        invalidLevel(level) ??
        (/^\d+$/.test(level.locationId)
          ? undefined
          : `locationId: "${level.locationId}" must be a BigCommerce location id`),
    }));
    const valid = levels.flatMap((level, index) =>
      results[index].message ? [] : [{ level, index }],
    );

    for (let start = 0; start < valid.length; start += 2000) {
      const batch = valid.slice(start, start + 2000);
      const response = await call.http.request({
        method: 'PUT',
        path: '/v3/inventory/adjustments/absolute',
        headers: authHeaders(call.connection.credentials),
        body: {
          reason: 'QuickBooks quantity on hand',
          items: batch.map(({ level }) => ({
            location_id: Number(level.locationId),
            sku: level.sku,
            quantity: Math.max(0, level.quantity),
          })),
        },
      });

      for (const { level, index } of batch) {
        results[index] =
          response.status >= 200 && response.status < 300
            ? { sku: level.sku, locationId: level.locationId, status: 'updated' }
            : {
                sku: level.sku,
                locationId: level.locationId,
                status: 'failed',
                message: `BigCommerce returned HTTP ${response.status}: ${response.text.slice(0, 200)}`,
              };
      }
    }

    return results;
  },
};

async function checkHooks(
  call: ChannelCallContext<BcCredentials>,
): Promise<ConnectionTestResult['checks'][number]> {
  try {
    const response = await call.http.request({
      method: 'GET',
      path: '/v3/hooks',
      headers: authHeaders(call.connection.credentials),
    });
    const body = expectJson(response, 'Listing BigCommerce webhooks') as {
      data?: { scope?: string; is_active?: boolean }[];
    };
    const scopes = new Set(
      (body.data ?? []).filter((hook) => hook.is_active).map((hook) => hook.scope),
    );
    const covered =
      scopes.has('store/order/*') || ORDER_SCOPES.slice(0, 2).every((scope) => scopes.has(scope));

    return covered
      ? { name: 'order webhooks', ok: true, message: 'order webhooks are active' }
      : {
          name: 'order webhooks',
          ok: false,
          message:
            'no active store/order/* webhook; create one with POST /v3/hooks and the header ' +
            `${BC_WEBHOOK_SECRET_HEADER} set to the connection's webhook secret (polling still runs)`,
        };
  } catch (error) {
    return { name: 'order webhooks', ok: false, message: errorMessage(error) };
  }
}
