import { randomUUID } from 'node:crypto';

import { type InventoryLevel, type InventoryPushResult } from '@qbsync/contracts';
import { z } from 'zod';

import {
  type ChannelAdapter,
  type ChannelCallContext,
  type ChannelEvent,
  ChannelHttpError,
  ChannelPayloadError,
  type ChannelHttpRequest,
  type ChannelHttpResponse,
  type ConnectionTestResult,
  type PollPage,
  type PollRequest,
} from '../channel/channel-adapter';
import {
  errorMessage,
  expectJson,
  initialResults,
  pushQuantity,
  type ChannelNormaliseContext,
} from '../channel-support';
import {
  normaliseWalmartOrder,
  normaliseWalmartRefunds,
  parseWalmartReconReport,
} from './walmart.normaliser';

export const WALMART_API_URL = 'https://marketplace.walmartapis.com';
/** The service name Walmart requires in the `WM_SVC.NAME` header of every Marketplace API call. */
export const WALMART_SERVICE_NAME = 'Walmart Marketplace';
/** Walmart access tokens last 15 minutes; a minute is kept in hand. */
const RENEW_BEFORE_MS = 60_000;

/** Walmart's seller-fulfilled ship node when the seller has only one. */
export const WALMART_LOCATION_ID = 'default';

export const walmartCredentialSchema = z.object({
  clientId: z.string().min(10, 'must be the Marketplace API client id'),
  clientSecret: z.string().min(10, 'must be the Marketplace API client secret'),
});

export type WalmartCredentials = z.infer<typeof walmartCredentialSchema>;

const tokens = new Map<string, { token: string; expiresAt: number }>();

/** Headers every Walmart call carries; the correlation id is new per request. */
function serviceHeaders(): Record<string, string> {
  return {
    'wm_svc.name': WALMART_SERVICE_NAME,
    'wm_qos.correlation_id': randomUUID(),
    accept: 'application/json',
  };
}

/** Exchanges the client credentials for an access token (`POST /v3/token`). */
async function accessToken(call: ChannelCallContext<WalmartCredentials>): Promise<string> {
  const cached = tokens.get(call.connection.connectionId);
  const now = call.now().getTime();

  if (cached && cached.expiresAt - RENEW_BEFORE_MS > now) {
    return cached.token;
  }

  const { clientId, clientSecret } = call.connection.credentials;
  const response = await call.http.request({
    method: 'POST',
    path: '/v3/token',
    headers: {
      ...serviceHeaders(),
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });

  if (response.status === 400 || response.status === 401) {
    throw new ChannelHttpError(
      `Walmart rejected the client credentials (HTTP ${response.status}: ${response.text.slice(0, 200)}); ` +
        'copy them again from Seller Center > Settings > API Key Management',
      response.status,
    );
  }

  const body = expectJson(response, 'Requesting a Walmart access token') as {
    access_token?: string;
    expires_in?: number;
  };

  if (!body.access_token) {
    throw new ChannelHttpError('Walmart returned no access_token', response.status);
  }

  tokens.set(call.connection.connectionId, {
    token: body.access_token,
    expiresAt: now + (body.expires_in ?? 900) * 1000,
  });

  return body.access_token;
}

async function walmart(
  call: ChannelCallContext<WalmartCredentials>,
  request: ChannelHttpRequest,
): Promise<ChannelHttpResponse> {
  return call.http.request({
    ...request,
    headers: {
      ...serviceHeaders(),
      ...request.headers,
      'wm_sec.access_token': await accessToken(call),
    },
  });
}

/**
 * Reads Walmart's token-bucket headers: with no tokens left (`x-current-token-count: 0`), waits
 * until `x-next-replenish-time` (epoch milliseconds).
 */
export function observeWalmartLimit(response: ChannelHttpResponse): number | undefined {
  const left = Number(response.headers['x-current-token-count']);
  const replenishAt = Number(response.headers['x-next-replenish-time']);

  if (Number.isFinite(left) && left <= 0 && Number.isFinite(replenishAt)) {
    return Math.max(0, (replenishAt - Date.now()) / 1000);
  }

  return undefined;
}

function context(
  call: ChannelCallContext<WalmartCredentials>,
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

function rejected(error: unknown, raw: unknown): ChannelEvent {
  if (!(error instanceof ChannelPayloadError)) {
    throw error;
  }

  const record = (raw ?? {}) as { purchaseOrderId?: unknown; customerOrderId?: unknown };

  return {
    kind: 'rejected',
    reason: error.message,
    ...(typeof record.purchaseOrderId === 'string'
      ? { channelOrderId: record.purchaseOrderId }
      : {}),
    ...(typeof record.customerOrderId === 'string' ? { orderNumber: record.customerOrderId } : {}),
  };
}

/**
 * Lists one page of purchase orders modified inside the window. Walmart pages with `nextCursor`,
 * a query string to append to `/v3/orders`, which is kept as the opaque page.
 */
async function listOrders(
  call: ChannelCallContext<WalmartCredentials>,
  request: PollRequest,
): Promise<{ orders: unknown[]; nextPage?: string }> {
  const statuses = call.connection.settings.statusFilter;
  const response = await walmart(
    call,
    request.page
      ? { method: 'GET', path: `/v3/orders${request.page}` }
      : {
          method: 'GET',
          path: '/v3/orders',
          query: {
            lastModifiedStartDate: request.modifiedSince,
            lastModifiedEndDate: request.modifiedUntil,
            limit: Math.min(request.pageSize, 200),
            status: statuses.length === 1 ? statuses[0] : undefined,
          },
        },
  );

  // Walmart returns 404 "no orders found" for an empty window.
  if (response.status === 404) {
    return { orders: [] };
  }

  const body = expectJson(response, 'Listing Walmart orders') as {
    list?: { meta?: { nextCursor?: string | null }; elements?: { order?: unknown[] } };
  };
  const nextCursor = body.list?.meta?.nextCursor;

  return {
    orders: body.list?.elements?.order ?? [],
    ...(nextCursor ? { nextPage: nextCursor.startsWith('?') ? nextCursor : `?${nextCursor}` } : {}),
  };
}

function parseReportDate(value: string): Date {
  return new Date(
    Date.UTC(Number(value.slice(4, 8)), Number(value.slice(0, 2)) - 1, Number(value.slice(2, 4))),
  );
}

export const walmartAdapter: ChannelAdapter<WalmartCredentials> = {
  channel: 'walmart',
  displayName: 'Walmart',
  authorization: 'client-credentials',
  credentialSchema: walmartCredentialSchema,
  secretFields: ['clientSecret'],
  // NOTE: Walmart throttles each API with its own token bucket and reports it in
  // `x-current-token-count`. Five requests a second is an estimate below the orders API budget.
  rateLimit: { requestsPerSecond: 5, burst: 10, maxRetries: 5, observe: observeWalmartLimit },
  capabilities: {
    webhooks: false,
    pollOrders: true,
    pollRefunds: true,
    pollPayouts: true,
    inventoryRead: true,
    inventoryPush: true,
  },

  defaultBaseUrl: () => WALMART_API_URL,

  async pollOrders(call, request): Promise<PollPage> {
    const { orders, nextPage } = await listOrders(call, request);
    const normaliseContext = context(call, request.receivedAt, 'poll');

    return {
      events: orders.map((raw): ChannelEvent => {
        try {
          const order = normaliseWalmartOrder(raw, normaliseContext);

          return { kind: 'order', order, revision: `${order.channelOrderId}@${order.updatedAt}` };
        } catch (error) {
          return rejected(error, raw);
        }
      }),
      nextPage,
    };
  },

  async pollRefunds(call, request): Promise<PollPage> {
    const { orders, nextPage } = await listOrders(call, request);
    const normaliseContext = context(call, request.receivedAt, 'poll');

    return {
      events: orders.flatMap((raw): ChannelEvent[] => {
        try {
          return normaliseWalmartRefunds(raw, normaliseContext).map((refund) => ({
            kind: 'refund' as const,
            refund,
            revision: refund.channelRefundId,
          }));
        } catch (error) {
          return [rejected(error, raw)];
        }
      }),
      nextPage,
    };
  },

  /**
   * Reads the reconciliation reports whose date falls inside the window. NOTE: Walmart serves
   * `reconFile` as a ZIP archive holding the CSV; the framework's HTTP client returns text
   * only, so a ZIP body is rejected with a message until the client can return bytes.
   */
  async pollPayouts(call, request): Promise<PollPage> {
    const available = expectJson(
      await walmart(call, { method: 'GET', path: '/v3/report/reconreport/availableReconFiles' }),
      'Listing Walmart reconciliation reports',
    ) as { availableApReportDates?: string[] };
    const since = new Date(request.modifiedSince).getTime();
    const until = new Date(request.modifiedUntil).getTime();
    const normaliseContext = context(call, request.receivedAt, 'poll');
    const events: ChannelEvent[] = [];

    for (const date of available.availableApReportDates ?? []) {
      const time = parseReportDate(date).getTime();

      if (!/^\d{8}$/.test(date) || time < since || time >= until) {
        continue;
      }

      const response = await walmart(call, {
        method: 'GET',
        path: '/v3/report/reconreport/reconFile',
        query: { reportDate: date },
        headers: { accept: 'text/csv, application/octet-stream' },
      });

      if (response.status !== 200) {
        throw new ChannelHttpError(
          `Reading Walmart reconciliation report ${date} failed with HTTP ${response.status}`,
          response.status,
        );
      }

      if (response.text.startsWith('PK')) {
        events.push({
          kind: 'rejected',
          reason: `reconciliation report ${date} arrived as a ZIP archive, which this connector cannot unpack yet`,
        });
        continue;
      }

      try {
        const payout = parseWalmartReconReport(response.text, normaliseContext);

        events.push({ kind: 'payout', payout, revision: `${payout.payoutId}@${payout.amount}` });
      } catch (error) {
        events.push(rejected(error, undefined));
      }
    }

    return { events };
  },

  async fetchOrdersByNumber(call, orderNumbers) {
    const normaliseContext = context(call, call.now().toISOString(), 'resync');
    const lookups = [];

    for (const orderNumber of orderNumbers) {
      const response = await walmart(call, {
        method: 'GET',
        path: '/v3/orders',
        query: { customerOrderId: orderNumber },
      });
      const body =
        response.status === 404
          ? {}
          : (expectJson(response, `Reading Walmart order ${orderNumber}`) as {
              list?: { elements?: { order?: unknown[] } };
            });
      const events = (
        (body as { list?: { elements?: { order?: unknown[] } } }).list?.elements?.order ?? []
      ).flatMap((raw): ChannelEvent[] => {
        try {
          const order = normaliseWalmartOrder(raw, normaliseContext);

          return [
            { kind: 'order', order, revision: `${order.channelOrderId}@${order.updatedAt}` },
            ...normaliseWalmartRefunds(raw, normaliseContext).map((refund) => ({
              kind: 'refund' as const,
              refund,
              revision: refund.channelRefundId,
            })),
          ];
        } catch (error) {
          return [rejected(error, raw)];
        }
      });

      lookups.push({ orderNumber, events });
    }

    return lookups;
  },

  async testConnection(call): Promise<ConnectionTestResult> {
    const checks: ConnectionTestResult['checks'] = [];

    try {
      await accessToken(call);
      checks.push({
        name: 'client credentials',
        ok: true,
        message: 'Walmart issued an access token',
      });

      const orders = await walmart(call, {
        method: 'GET',
        path: '/v3/orders',
        query: { limit: 1 },
      });

      checks.push(
        orders.status === 200 || orders.status === 404
          ? { name: 'orders', ok: true, message: 'the credentials can read orders' }
          : {
              name: 'orders',
              ok: false,
              message: `reading orders failed (HTTP ${orders.status}); give the API key the Orders permission`,
            },
      );
    } catch (error) {
      checks.push({ name: 'client credentials', ok: false, message: errorMessage(error) });
    }

    return { ok: checks.every((check) => check.ok), checks };
  },

  async readInventory(call): Promise<InventoryLevel[]> {
    const levels: InventoryLevel[] = [];
    let cursor: string | undefined;

    do {
      const body = expectJson(
        await walmart(call, {
          method: 'GET',
          path: '/v3/inventories',
          query: { limit: 50, nextCursor: cursor },
        }),
        'Reading Walmart inventory',
      ) as {
        meta?: { nextCursor?: string | null };
        elements?: {
          inventories?: {
            sku?: string;
            nodes?: { shipNode?: string; inputQty?: { amount?: number } }[];
          }[];
        };
      };

      for (const item of body.elements?.inventories ?? []) {
        for (const node of item.nodes ?? []) {
          if (item.sku && Number.isInteger(node.inputQty?.amount)) {
            levels.push({
              sku: item.sku,
              locationId: node.shipNode ?? WALMART_LOCATION_ID,
              quantity: node.inputQty?.amount as number,
            });
          }
        }
      }

      cursor = body.meta?.nextCursor ?? undefined;
    } while (cursor);

    return levels;
  },

  /**
   * Submits one inventory feed (`POST /v3/feeds?feedType=inventory`). Walmart applies it later and
   * reports each SKU's outcome on the feed status, so a level is `updated` once the feed is
   * accepted, with the feed id in the message.
   */
  async pushInventory(call, levels): Promise<InventoryPushResult['results']> {
    const results = initialResults(levels);
    const sendable = levels.flatMap((level, index) =>
      results[index].message === 'not sent' ? [{ level, index }] : [],
    );

    if (sendable.length === 0) {
      return results;
    }

    const response = await walmart(call, {
      method: 'POST',
      path: '/v3/feeds',
      query: { feedType: 'inventory' },
      body: {
        InventoryHeader: { version: '1.4' },
        Inventory: sendable.map(({ level }) => ({
          sku: level.sku,
          quantity: { unit: 'EACH', amount: pushQuantity(level) },
        })),
      },
    });
    const feedId = (response.json as { feedId?: string } | undefined)?.feedId;

    for (const { level, index } of sendable) {
      results[index] =
        response.status >= 200 && response.status < 300 && feedId
          ? {
              sku: level.sku,
              locationId: level.locationId,
              status: 'updated',
              message: `submitted in inventory feed ${feedId}`,
            }
          : {
              sku: level.sku,
              locationId: level.locationId,
              status: 'failed',
              message: `Walmart returned HTTP ${response.status}: ${response.text.slice(0, 200)}`,
            };
    }

    return results;
  },
};
