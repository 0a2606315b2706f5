import { createHmac, timingSafeEqual } from 'node:crypto';

import { z } from 'zod';

import {
  type ChannelAdapter,
  type ChannelCallContext,
  type ChannelConnection,
  type ChannelEvent,
  ChannelHttpError,
  ChannelPayloadError,
  type ConnectionTestResult,
  type ParseContext,
} from '../channel/channel-adapter';
import { parseCustomOrdersCsv } from './custom-csv';
import { normaliseCustomInventoryAdjustment } from './custom-inventory-adjustment';
import {
  cancellationOf,
  type CustomNormaliseContext,
  normaliseCustomOrder,
} from './custom-order.normaliser';
import { customBatchSchema } from './custom-store.schema';

export const customStoreCredentialsSchema = z
  .object({
    /** The base URL of the merchant's pull API, such as https://shop.example.com/qbsync. */
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'must be the http(s) URL of the pull API' })
      .optional(),
    /** HTTP Basic credentials the pull API accepts. */
    username: z.string().min(1).optional(),
    password: z.string().min(1).optional(),
    /** The secret the merchant signs pushed batches with (X-Signature). */
    pushSecret: z.string().min(16, 'must be at least 16 characters').optional(),
  })
  .refine((credentials) => credentials.baseUrl || credentials.pushSecret, {
    message:
      'is missing: give baseUrl (with username and password) to pull, or pushSecret to push, or both',
    path: ['baseUrl'],
  })
  .refine((credentials) => !credentials.baseUrl || (credentials.username && credentials.password), {
    message: 'is missing: the pull API needs username and password for HTTP Basic authentication',
    path: ['username'],
  });

export type CustomStoreCredentials = z.infer<typeof customStoreCredentialsSchema>;
type CustomConnection = ChannelConnection<CustomStoreCredentials>;

/** Message for the connection test and re-sync of a connection with no pull API. */
export const CUSTOM_PUSH_ONLY_HELP =
  'the connection is push-only: no pull API is configured, so qbsync does not poll, backfill or ' +
  're-sync it and orders arrive only by push or CSV upload. To enable pulls, connect the store ' +
  'again (POST /api/accounts/<accountId>/connections/custom) with baseUrl (the pull API URL), ' +
  'username and password besides pushSecret, and push to the new connection';

/**
 * The custom store: the merchant implements the pull API (docs/custom-store.md) or pushes
 * batches to `POST /webhooks/custom/<connectionId>`, or uploads a CSV of orders.
 */
export const customStoreAdapter: ChannelAdapter<CustomStoreCredentials> = {
  channel: 'custom',
  displayName: 'Custom store',
  authorization: 'basic',
  credentialSchema: customStoreCredentialsSchema as unknown as z.ZodType<CustomStoreCredentials>,
  secretFields: ['password', 'pushSecret'],
  // The merchant's own server: keep well below what a small web shop can serve.
  rateLimit: { requestsPerSecond: 5, burst: 10, maxRetries: 4 },
  capabilities: {
    webhooks: true,
    pollOrders: true,
    pollRefunds: false,
    pollPayouts: false,
    inventoryRead: false,
    inventoryPush: false,
  },
  webhookAcceptedStatus: 202,

  canCallApi: (credentials) => Boolean(credentials.baseUrl),
  noApiAccessHelp: CUSTOM_PUSH_ONLY_HELP,
  defaultBaseUrl: (credentials) => credentials.baseUrl ?? 'http://invalid.invalid',

  identifyWebhook(delivery) {
    if (!delivery.headers['x-signature']) {
      return { error: 'missing X-Signature header: sign the body with the connection push secret' };
    }

    return {
      deliveryId: delivery.headers['x-request-id'],
      topic: 'batch',
      signatureHeader: 'X-Signature',
    };
  },

  verifyWebhook(delivery, connection) {
    const secret = connection.credentials.pushSecret;
    const header = delivery.headers['x-signature'];

    if (!secret || !header) {
      return false;
    }

    const expected = createHmac('sha256', secret).update(delivery.rawBody).digest();
    const received = Buffer.from(header, 'base64');

    return received.length === expected.length && timingSafeEqual(received, expected);
  },

  parseWebhook(delivery, context) {
    let body: unknown;

    try {
      body = JSON.parse(delivery.rawBody.toString('utf8')) as unknown;
    } catch (error) {
      throw new ChannelPayloadError(
        `body: is not valid JSON (${(error as Error).message})`,
        'body',
      );
    }

    return batchToEvents(
      body,
      normaliseContext(context, 'push'),
      context.connection as CustomConnection,
      true,
    );
  },

  parseUpload(content, context) {
    return parseCustomOrdersCsv(content, normaliseContext(context, 'upload'));
  },

  async pollOrders(call, request) {
    const connection = call.connection as CustomConnection;
    const page = request.page ? Number(request.page) : 1;
    const response = await get(call, '/orders', {
      date_modified_min: request.modifiedSince,
      date_modified_max: request.modifiedUntil,
      orderStatus: connection.settings.statusFilter.join(',') || undefined,
      storeName: connection.settings.storeFilter.join(',') || undefined,
      page,
      pageSize: request.pageSize,
    });
    const events = batchToEvents(
      response,
      { ...normaliseContext({ connection, receivedAt: request.receivedAt }, 'poll') },
      connection,
      false,
    );
    const next = (response as { NextPage?: unknown } | null)?.NextPage;

    return { events, ...(next ? { nextPage: String(next) } : {}) };
  },

  async fetchOrdersByNumber(call, orderNumbers) {
    const connection = call.connection as CustomConnection;
    const lookups = [];

    for (const orderNumber of orderNumbers) {
      const response = await get(call, '/orders', { orderNumber });
      const events = batchToEvents(
        response,
        normaliseContext({ connection, receivedAt: new Date().toISOString() }, 'resync'),
        connection,
        false,
      ).filter((event) => event.kind !== 'order' || event.order.orderNumber === orderNumber);

      lookups.push({ orderNumber, events });
    }

    return lookups;
  },

  async testConnection(call): Promise<ConnectionTestResult> {
    if (!(call.connection as CustomConnection).credentials.baseUrl) {
      return {
        ok: true,
        checks: [{ name: 'pull API', ok: true, message: CUSTOM_PUSH_ONLY_HELP }],
      };
    }

    const response = await call.http.request({
      method: 'GET',
      path: '/authenticatetowebservice',
      headers: basicAuth(call.connection as CustomConnection),
    });
    const answer = typeof response.json === 'string' ? response.json : response.text.trim();

    if (response.status === 200 && answer.replace(/^"|"$/g, '') === 'OK') {
      return {
        ok: true,
        checks: [{ name: 'authenticate', ok: true, message: 'the pull API responded OK' }],
      };
    }

    return {
      ok: false,
      checks: [
        {
          name: 'authenticate',
          ok: false,
          message: `GET /authenticatetowebservice responded with HTTP ${response.status}: ${answer.slice(0, 300) || '(empty)'}`,
        },
      ],
    };
  },
};

function normaliseContext(
  context: Pick<ParseContext, 'connection' | 'receivedAt' | 'deliveryId'>,
  sourceKind: CustomNormaliseContext['sourceKind'],
): CustomNormaliseContext {
  return {
    accountId: context.connection.accountId,
    connectionId: context.connection.connectionId,
    receivedAt: context.receivedAt,
    sourceKind,
    ...(context.deliveryId ? { deliveryId: context.deliveryId } : {}),
  };
}

/**
 * Normalises a batch's `Orders`, `CancelledOrders` and `InventoryAdjustments`. Store filtering
 * happens here, after fetching, so any number of stores works. It applies to orders only, because
 * an adjustment names no store. A bad record becomes a `rejected` event naming its number or id
 * and field. A batch that is not an object at all throws.
 */
function batchToEvents(
  body: unknown,
  context: CustomNormaliseContext,
  connection: CustomConnection,
  throwOnInvalidBatch: boolean,
): ChannelEvent[] {
  const parsed = customBatchSchema.safeParse(body);

  if (!parsed.success) {
    const message = 'body: must be a batch object with an Orders array (see docs/custom-store.md)';

    if (throwOnInvalidBatch) {
      throw new ChannelPayloadError(message, 'Orders');
    }

    return [{ kind: 'rejected', reason: message }];
  }

  // A pushed batch must name its records: a body with neither list (`{"orders": [...]}`, `{}`)
  // would otherwise be accepted as an empty batch and its orders silently dropped.
  const record = body as Record<string, unknown>;

  if (
    throwOnInvalidBatch &&
    !('Orders' in record) &&
    !('CancelledOrders' in record) &&
    !('InventoryAdjustments' in record)
  ) {
    const near = Object.keys(record).find((key) => BATCH_LISTS.has(key.toLowerCase()));

    throw new ChannelPayloadError(
      near
        ? `${near}: is not a field of the batch; field names are case-sensitive, so send it as ${BATCH_LISTS.get(near.toLowerCase())} (see docs/custom-store.md)`
        : 'Orders: is missing; send the batch as {"Orders": [...]} (see docs/custom-store.md)',
      'Orders',
    );
  }

  const { storeFilter } = connection.settings;
  const events: ChannelEvent[] = [];
  const cancelled = [
    ...parsed.data.Orders.map((order) => ({ order, cancelled: false })),
    ...parsed.data.CancelledOrders.map((order) => ({ order, cancelled: true })),
  ];

  cancelled.forEach(({ order: raw, cancelled: listedCancelled }, index) => {
    const storeName = (raw as { StoreName?: unknown } | null)?.StoreName;

    if (
      storeFilter.length > 0 &&
      !(typeof storeName === 'string' && storeFilter.includes(storeName))
    ) {
      return;
    }

    try {
      const order = normaliseCustomOrder(
        listedCancelled ? { ...(raw as object), OrderStatus: 'Cancelled' } : raw,
        context,
      );

      events.push({ kind: 'order', order, revision: order.updatedAt });

      if (order.cancelledAt) {
        events.push({ kind: 'refund', refund: cancellationOf(order), revision: order.updatedAt });
      }
    } catch (error) {
      if (!(error instanceof ChannelPayloadError)) {
        throw error;
      }

      const list = listedCancelled ? 'CancelledOrders' : 'Orders';

      events.push({
        kind: 'rejected',
        channelOrderId: error.channelOrderId,
        orderNumber: error.channelOrderId,
        reason: `${list}[${listedCancelled ? index - parsed.data.Orders.length : index}]: ${error.message}`,
      });
    }
  });

  parsed.data.InventoryAdjustments.forEach((raw, index) => {
    try {
      const { adjustment, revision } = normaliseCustomInventoryAdjustment(raw, context);

      events.push({ kind: 'inventory_adjustment', adjustment, revision });
    } catch (error) {
      if (!(error instanceof ChannelPayloadError)) {
        throw error;
      }

      events.push({ kind: 'rejected', reason: `InventoryAdjustments[${index}]: ${error.message}` });
    }
  });

  return events;
}

/** The batch's list fields by their lower-case spelling, to name a miscased one. */
const BATCH_LISTS = new Map(
  ['Orders', 'CancelledOrders', 'InventoryAdjustments'].map((name) => [name.toLowerCase(), name]),
);

async function get(
  call: ChannelCallContext,
  path: string,
  query: Record<string, string | number | undefined>,
): Promise<unknown> {
  const response = await call.http.request({
    method: 'GET',
    path,
    query,
    headers: basicAuth(call.connection as CustomConnection),
  });

  if (response.status !== 200) {
    throw new ChannelHttpError(
      `Custom store GET ${path} responded with HTTP ${response.status}: ${response.text.slice(0, 300)}`,
      response.status,
    );
  }

  if (response.json === undefined) {
    throw new ChannelHttpError(
      `Custom store GET ${path} responded with a body that is not JSON`,
      200,
    );
  }

  return response.json;
}

function basicAuth(connection: CustomConnection): Record<string, string> {
  const { username = '', password = '' } = connection.credentials;

  return { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}
