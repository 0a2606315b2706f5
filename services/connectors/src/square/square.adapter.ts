import { randomUUID } from 'node:crypto';

import { type InventoryLevel, type InventoryPushResult } from '@qbsync/contracts';
import { z } from 'zod';

import {
  type ChannelAdapter,
  type ChannelCallContext,
  type ChannelEvent,
  ChannelPayloadError,
  type ConnectionTestResult,
  type FetchRequest,
  type PollPage,
  type PollRequest,
} from '../channel/channel-adapter';
import {
  errorMessage,
  expectJson,
  initialResults,
  parseChannelPayload,
  parseJsonBody,
  pushQuantity,
  type ChannelNormaliseContext,
} from '../channel-support';
import { normaliseSquarePayout, normaliseSquareRefund } from './square-finance.normaliser';
import { normaliseSquareOrder } from './square-order.normaliser';
import { isValidSquareSignature } from './square-signature';
import { squareEventSchema } from './square.schemas';

/** The Square API version the connector was written against, sent as `Square-Version`. */
export const SQUARE_API_VERSION = '2025-01-23';
/** Most changes `BatchChangeInventory` accepts in one request. */
const INVENTORY_BATCH_LIMIT = 100;

export const squareCredentialSchema = z.object({
  /** OAuth access token of the seller (or a personal access token). */
  accessToken: z.string().min(10, 'must be the OAuth access token'),
  /** The seller's merchant id, which every webhook event names. */
  merchantId: z.string().min(1, 'must be the merchant id, as in GET /v2/merchants/me'),
  /** Locations to read; empty reads every active location. */
  locationIds: z.array(z.string().min(1)).default([]),
  /** The webhook subscription's signature key. */
  webhookSignatureKey: z.string().min(1, 'must be the signature key of the webhook subscription'),
  /** The notification URL exactly as registered on the subscription; it is part of the signature. */
  notificationUrl: z.url({ error: 'must be the notification URL registered with Square' }),
});

export type SquareCredentials = z.infer<typeof squareCredentialSchema>;

function headers(credentials: SquareCredentials): Record<string, string> {
  return {
    authorization: `Bearer ${credentials.accessToken}`,
    'square-version': SQUARE_API_VERSION,
  };
}

function context(
  call: ChannelCallContext<SquareCredentials>,
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

async function post(
  call: ChannelCallContext<SquareCredentials>,
  path: string,
  body: unknown,
  what: string,
): Promise<Record<string, unknown>> {
  const response = await call.http.request({
    method: 'POST',
    path,
    headers: headers(call.connection.credentials),
    body,
  });

  return expectJson(response, what) as Record<string, unknown>;
}

async function get(
  call: ChannelCallContext<SquareCredentials>,
  path: string,
  what: string,
  query?: Record<string, string | number | undefined>,
): Promise<Record<string, unknown>> {
  const response = await call.http.request({
    method: 'GET',
    path,
    headers: headers(call.connection.credentials),
    query,
  });

  return expectJson(response, what) as Record<string, unknown>;
}

async function locationIds(call: ChannelCallContext<SquareCredentials>): Promise<string[]> {
  const configured = call.connection.credentials.locationIds;
  const ids =
    configured.length > 0
      ? configured
      : (
          ((await get(call, '/v2/locations', 'Listing Square locations')).locations ?? []) as {
            id: string;
            status?: string;
          }[]
        )
          .filter((location) => location.status !== 'INACTIVE')
          .map((location) => location.id);
  const filter = call.connection.settings.storeFilter;

  return filter.length > 0 ? ids.filter((id) => filter.includes(id)) : ids;
}

/** Returns SKUs by item variation id, read with BatchRetrieveCatalogObjects. */
async function skusOf(
  call: ChannelCallContext<SquareCredentials>,
  variationIds: readonly string[],
): Promise<Map<string, string>> {
  const skus = new Map<string, string>();
  const unique = [...new Set(variationIds)];

  for (let start = 0; start < unique.length; start += 1000) {
    const body = await post(
      call,
      '/v2/catalog/batch-retrieve',
      { object_ids: unique.slice(start, start + 1000) },
      'Reading Square catalog variations',
    );

    for (const object of (body.objects ?? []) as {
      id: string;
      item_variation_data?: { sku?: string };
    }[]) {
      if (object.item_variation_data?.sku) {
        skus.set(object.id, object.item_variation_data.sku);
      }
    }
  }

  return skus;
}

function rejectedEvent(error: unknown, recordId?: unknown): ChannelEvent {
  if (!(error instanceof ChannelPayloadError)) {
    throw error;
  }

  return {
    kind: 'rejected',
    reason: error.message,
    ...(typeof recordId === 'string' ? { channelOrderId: recordId } : {}),
  };
}

async function orderEvents(
  call: ChannelCallContext<SquareCredentials>,
  orders: unknown[],
  normaliseContext: ChannelNormaliseContext,
): Promise<ChannelEvent[]> {
  const variationIds = orders.flatMap((order) =>
    ((order as { line_items?: { catalog_object_id?: string }[] }).line_items ?? []).flatMap(
      (item) => (item.catalog_object_id ? [item.catalog_object_id] : []),
    ),
  );
  const skuByVariationId = variationIds.length > 0 ? await skusOf(call, variationIds) : new Map();

  return orders.map((raw) => {
    try {
      const order = normaliseSquareOrder(raw, normaliseContext, { skuByVariationId });
      const version = order.customFields.find((field) => field.name === 'version')?.value;

      return {
        kind: 'order',
        order,
        revision: `${order.channelOrderId}@${version ?? order.updatedAt}`,
      };
    } catch (error) {
      return rejectedEvent(error, (raw as { id?: unknown }).id);
    }
  });
}

function refundEvent(raw: unknown, normaliseContext: ChannelNormaliseContext): ChannelEvent {
  try {
    const refund = normaliseSquareRefund(raw, normaliseContext);

    return {
      kind: 'refund',
      refund,
      revision: `${refund.channelRefundId}@${refund.status}`,
    };
  } catch (error) {
    return rejectedEvent(error, (raw as { order_id?: unknown }).order_id);
  }
}

async function payoutEntries(
  call: ChannelCallContext<SquareCredentials>,
  payoutId: string,
): Promise<unknown[]> {
  const entries: unknown[] = [];
  let cursor: string | undefined;

  do {
    const body = await get(
      call,
      `/v2/payouts/${payoutId}/payout-entries`,
      `Reading entries of payout ${payoutId}`,
      {
        limit: 100,
        cursor,
      },
    );

    entries.push(...((body.payout_entries ?? []) as unknown[]));
    cursor = typeof body.cursor === 'string' && body.cursor ? body.cursor : undefined;
  } while (cursor);

  return entries;
}

async function payoutEvent(
  call: ChannelCallContext<SquareCredentials>,
  payout: { id?: unknown; status?: unknown; updated_at?: unknown },
  normaliseContext: ChannelNormaliseContext,
): Promise<ChannelEvent> {
  const payoutId = String(payout.id);
  const entries = await payoutEntries(call, payoutId);

  try {
    const normalised = normaliseSquarePayout({ payout, entries }, normaliseContext);

    return { kind: 'payout', payout: normalised, revision: `${payoutId}@${String(payout.status)}` };
  } catch (error) {
    return rejectedEvent(error);
  }
}

async function pollOrders(
  call: ChannelCallContext<SquareCredentials>,
  request: PollRequest,
): Promise<PollPage> {
  const locations = await locationIds(call);

  if (locations.length === 0) {
    return { events: [] };
  }

  const statusFilter = call.connection.settings.statusFilter;
  const body = await post(
    call,
    '/v2/orders/search',
    {
      // SearchOrders takes at most 10 locations per request.
      location_ids: locations.slice(0, 10),
      cursor: request.page,
      limit: Math.min(request.pageSize, 500),
      query: {
        filter: {
          date_time_filter: {
            updated_at: { start_at: request.modifiedSince, end_at: request.modifiedUntil },
          },
          ...(statusFilter.length > 0 ? { state_filter: { states: statusFilter } } : {}),
        },
        sort: { sort_field: 'UPDATED_AT', sort_order: 'ASC' },
      },
    },
    'Searching Square orders',
  );
  const events = await orderEvents(
    call,
    (body.orders ?? []) as unknown[],
    context(call, request.receivedAt, 'poll'),
  );

  return {
    events,
    ...(typeof body.cursor === 'string' && body.cursor ? { nextPage: body.cursor } : {}),
  };
}

async function pollRefunds(
  call: ChannelCallContext<SquareCredentials>,
  request: PollRequest,
): Promise<PollPage> {
  const body = await get(call, '/v2/refunds', 'Listing Square refunds', {
    begin_time: request.modifiedSince,
    end_time: request.modifiedUntil,
    sort_order: 'ASC',
    limit: Math.min(request.pageSize, 100),
    cursor: request.page,
  });
  const normaliseContext = context(call, request.receivedAt, 'poll');

  return {
    events: ((body.refunds ?? []) as unknown[]).map((raw) => refundEvent(raw, normaliseContext)),
    ...(typeof body.cursor === 'string' && body.cursor ? { nextPage: body.cursor } : {}),
  };
}

async function pollPayouts(
  call: ChannelCallContext<SquareCredentials>,
  request: PollRequest,
): Promise<PollPage> {
  const body = await get(call, '/v2/payouts', 'Listing Square payouts', {
    begin_time: request.modifiedSince,
    end_time: request.modifiedUntil,
    sort_order: 'ASC',
    limit: Math.min(request.pageSize, 100),
    cursor: request.page,
  });
  const normaliseContext = context(call, request.receivedAt, 'poll');
  const events: ChannelEvent[] = [];

  for (const payout of (body.payouts ?? []) as { id?: unknown }[]) {
    events.push(await payoutEvent(call, payout, normaliseContext));
  }

  return {
    events,
    ...(typeof body.cursor === 'string' && body.cursor ? { nextPage: body.cursor } : {}),
  };
}

/**
 * Reads the order an `order.created` or `order.updated` event named, with BatchRetrieveOrders.
 * Returns no events when the seller has no such order.
 */
async function fetchRecord(
  call: ChannelCallContext<SquareCredentials>,
  request: FetchRequest,
): Promise<ChannelEvent[]> {
  const body = await post(
    call,
    '/v2/orders/batch-retrieve',
    { order_ids: [request.recordId] },
    `Reading Square order ${request.recordId}`,
  );
  const orders = ((body.orders ?? []) as { id?: unknown }[]).filter(
    (order) => order.id === request.recordId,
  );

  return orderEvents(call, orders, {
    ...context(call, request.receivedAt, 'webhook'),
    ...(request.topic ? { topic: request.topic } : {}),
  });
}

/**
 * Returns the order's `version` from an `order.created` or `order.updated` event
 * (`data.object.order_created` or `data.object.order_updated`), or undefined when it is missing.
 */
function announcedVersion(object: Record<string, unknown>): number | undefined {
  const announced = (object.order_updated ?? object.order_created) as
    { version?: unknown } | undefined;

  return typeof announced?.version === 'number' ? announced.version : undefined;
}

export const squareAdapter: ChannelAdapter<SquareCredentials> = {
  channel: 'square',
  displayName: 'Square',
  authorization: 'oauth2',
  credentialSchema: squareCredentialSchema,
  secretFields: ['accessToken', 'webhookSignatureKey'],
  // NOTE: Square publishes no fixed request budget and returns RATE_LIMITED (429) when a seller's
  // traffic is too high. Ten requests a second with a burst of twenty is an estimate.
  rateLimit: { requestsPerSecond: 10, burst: 20, maxRetries: 5 },
  capabilities: {
    webhooks: true,
    pollOrders: true,
    pollRefunds: true,
    pollPayouts: true,
    inventoryRead: true,
    inventoryPush: true,
  },

  webhookKey: (credentials) => credentials.merchantId,

  defaultBaseUrl: () => 'https://connect.squareup.com',

  identifyWebhook(delivery) {
    try {
      const event = parseChannelPayload(
        squareEventSchema,
        parseJsonBody(delivery.rawBody, 'Square event'),
        'Square event',
      );

      return { webhookKey: event.merchant_id, deliveryId: event.event_id, topic: event.type };
    } catch (error) {
      return { error: errorMessage(error) };
    }
  },

  verifyWebhook(delivery, connection) {
    return isValidSquareSignature(
      connection.credentials.notificationUrl,
      delivery.rawBody,
      delivery.headers['x-square-hmacsha256-signature'],
      connection.credentials.webhookSignatureKey,
    );
  },

  /**
   * Refund events carry the whole `PaymentRefund` and payout events the whole `Payout`, so they
   * are parsed here (a payout's entries are read by `enrich`). `order.created` and
   * `order.updated` carry only the order id, state and version, so they become `fetch` events
   * and `fetchRecord` reads the order on the work queue.
   */
  parseWebhook(delivery, parseContext): ChannelEvent[] {
    const event = parseChannelPayload(
      squareEventSchema,
      parseJsonBody(delivery.rawBody, 'Square event'),
      'Square event',
    );
    const normaliseContext: ChannelNormaliseContext = {
      accountId: parseContext.connection.accountId,
      connectionId: parseContext.connection.connectionId,
      receivedAt: parseContext.receivedAt,
      sourceKind: 'webhook',
      topic: event.type,
      deliveryId: event.event_id,
    };
    const object = event.data.object ?? {};

    if (event.type === 'refund.created' || event.type === 'refund.updated') {
      const refund = normaliseSquareRefund(object.refund, normaliseContext);

      return [{ kind: 'refund', refund, revision: `${refund.channelRefundId}@${refund.status}` }];
    }

    if (event.type.startsWith('payout.')) {
      const payout = normaliseSquarePayout(
        { payout: object.payout, entries: [] },
        normaliseContext,
      );

      return [{ kind: 'payout', payout, revision: `${payout.payoutId}@${payout.status}` }];
    }

    if (event.type === 'order.created' || event.type === 'order.updated') {
      const version = announcedVersion(object);

      // The order's version gives the same revision as the order the read returns, unless the
      // order changed again in between. A redelivered event repeats its event_id.
      return [
        {
          kind: 'fetch',
          record: 'order',
          recordId: event.data.id,
          channelOrderId: event.data.id,
          revision:
            version !== undefined ? `${event.data.id}@${version}` : `event-${event.event_id}`,
        },
      ];
    }

    return [{ kind: 'ignored', reason: `event ${event.type} carries nothing to post` }];
  },

  /** Adds a webhook payout's entries, which the `payout.*` event does not carry. */
  async enrich(event, call): Promise<ChannelEvent> {
    if (event.kind !== 'payout' || event.payout.transactions.length > 0) {
      return event;
    }

    const body = await get(call, `/v2/payouts/${event.payout.payoutId}`, 'Reading Square payout');
    const enriched = await payoutEvent(call, body.payout as { id?: unknown }, {
      accountId: event.payout.accountId,
      connectionId: event.payout.connectionId,
      receivedAt: event.payout.source.receivedAt,
      sourceKind: 'webhook',
      topic: event.payout.source.topic,
      deliveryId: event.payout.source.deliveryId,
    });

    return enriched.kind === 'payout' ? enriched : event;
  },

  fetchRecord,
  pollOrders,
  pollRefunds,
  pollPayouts,

  async fetchOrdersByNumber(call, orderNumbers) {
    const body = await post(
      call,
      '/v2/orders/batch-retrieve',
      { order_ids: [...orderNumbers] },
      'Reading Square orders',
    );
    const events = await orderEvents(
      call,
      (body.orders ?? []) as unknown[],
      context(call, call.now().toISOString(), 'resync'),
    );

    return orderNumbers.map((orderNumber) => ({
      orderNumber,
      events: events.filter(
        (event) => event.kind === 'order' && event.order.channelOrderId === orderNumber,
      ),
    }));
  },

  async testConnection(call): Promise<ConnectionTestResult> {
    const checks: ConnectionTestResult['checks'] = [];
    let storeName: string | undefined;

    try {
      const body = await get(call, '/v2/merchants/me', 'Reading the Square merchant');
      const merchant = (body.merchant ?? {}) as { id?: string; business_name?: string };

      storeName = merchant.business_name;
      checks.push(
        merchant.id === call.connection.credentials.merchantId
          ? { name: 'access token', ok: true, message: `reached ${storeName ?? merchant.id}` }
          : {
              name: 'access token',
              ok: false,
              message:
                `the token belongs to merchant ${merchant.id ?? '(unknown)'}, not ` +
                `${call.connection.credentials.merchantId}; webhooks would not match this connection`,
            },
      );
      const locations = await locationIds(call);

      checks.push(
        locations.length > 0
          ? { name: 'locations', ok: true, message: `${locations.length} location(s) readable` }
          : {
              name: 'locations',
              ok: false,
              message: 'no active location is readable with this token',
            },
      );
    } catch (error) {
      checks.push({
        name: 'access token',
        ok: false,
        message: `${errorMessage(error)}; reconnect Square with ORDERS_READ, PAYMENTS_READ, PAYOUTS_READ, ITEMS_READ and INVENTORY_WRITE`,
      });
    }

    return { ok: checks.every((check) => check.ok), checks, ...(storeName ? { storeName } : {}) };
  },

  async readInventory(call): Promise<InventoryLevel[]> {
    const counts: { catalog_object_id: string; location_id: string; quantity: string }[] = [];
    let cursor: string | undefined;

    do {
      const body = await post(
        call,
        '/v2/inventory/counts/batch-retrieve',
        { location_ids: await locationIds(call), states: ['IN_STOCK'], cursor, limit: 1000 },
        'Reading Square inventory counts',
      );

      counts.push(...((body.counts ?? []) as typeof counts));
      cursor = typeof body.cursor === 'string' && body.cursor ? body.cursor : undefined;
    } while (cursor);

    const skus = await skusOf(
      call,
      counts.map((count) => count.catalog_object_id),
    );

    return counts.flatMap((count) => {
      const sku = skus.get(count.catalog_object_id);
      const quantity = Number(count.quantity);

      return sku && Number.isInteger(quantity)
        ? [{ sku, locationId: count.location_id, quantity }]
        : [];
    });
  },

  /** Sets counts with `PHYSICAL_COUNT` changes, 100 per `BatchChangeInventory` request. */
  async pushInventory(call, levels): Promise<InventoryPushResult['results']> {
    const results = initialResults(levels);
    const changes: { index: number; change: unknown }[] = [];
    const occurredAt = call.now().toISOString();

    for (const [index, level] of levels.entries()) {
      if (results[index].message !== 'not sent') {
        continue;
      }

      const body = await post(
        call,
        '/v2/catalog/search',
        {
          object_types: ['ITEM_VARIATION'],
          query: { exact_query: { attribute_name: 'sku', attribute_value: level.sku } },
        },
        `Finding Square variation with SKU ${level.sku}`,
      );
      const variation = ((body.objects ?? []) as { id: string }[])[0];

      if (!variation) {
        results[index].message = `no Square item variation has SKU ${level.sku}`;
        continue;
      }

      changes.push({
        index,
        change: {
          type: 'PHYSICAL_COUNT',
          physical_count: {
            catalog_object_id: variation.id,
            state: 'IN_STOCK',
            location_id: level.locationId,
            quantity: String(pushQuantity(level)),
            occurred_at: occurredAt,
          },
        },
      });
    }

    for (let start = 0; start < changes.length; start += INVENTORY_BATCH_LIMIT) {
      const batch = changes.slice(start, start + INVENTORY_BATCH_LIMIT);
      const response = await call.http.request({
        method: 'POST',
        path: '/v2/inventory/changes/batch-create',
        headers: headers(call.connection.credentials),
        body: { idempotency_key: randomUUID(), changes: batch.map((item) => item.change) },
      });

      for (const { index } of batch) {
        const level = levels[index];

        results[index] =
          response.status === 200
            ? { sku: level.sku, locationId: level.locationId, status: 'updated' }
            : {
                sku: level.sku,
                locationId: level.locationId,
                status: 'failed',
                message: `Square returned HTTP ${response.status}: ${response.text.slice(0, 200)}`,
              };
      }
    }

    return results;
  },
};
