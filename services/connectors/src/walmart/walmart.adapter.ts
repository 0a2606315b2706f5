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
import { type ChannelOAuthGrant, requireAccessTokens } from '../channel/channel-oauth-grant';
import {
  errorMessage,
  expectJson,
  initialResults,
  pushQuantity,
  readZipArchive,
  ZipArchiveError,
  type ChannelNormaliseContext,
  type ZipEntry,
} from '../channel-support';
import {
  normaliseWalmartOrder,
  normaliseWalmartRefunds,
  parseWalmartReconReport,
} from './walmart.normaliser';

export const WALMART_API_URL = 'https://marketplace.walmartapis.com';
/** The service name Walmart requires in the `WM_SVC.NAME` header of every Marketplace API call. */
export const WALMART_SERVICE_NAME = 'Walmart Marketplace';

/** Walmart's seller-fulfilled ship node when the seller has only one. */
export const WALMART_LOCATION_ID = 'default';

export const walmartCredentialSchema = z.object({
  clientId: z.string().min(10, 'must be the Marketplace API client id'),
  clientSecret: z.string().min(10, 'must be the Marketplace API client secret'),
});

export type WalmartCredentials = z.infer<typeof walmartCredentialSchema>;

/** Headers every Walmart call carries; the correlation id is new per request. */
function serviceHeaders(): Record<string, string> {
  return {
    'wm_svc.name': WALMART_SERVICE_NAME,
    'wm_qos.correlation_id': randomUUID(),
    accept: 'application/json',
  };
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
      'wm_sec.access_token': await requireAccessTokens(call).accessToken(),
    },
  });
}

/**
 * Walmart's client credentials grant (`POST /v3/token`) with HTTP Basic client authentication and
 * the service headers every Marketplace call carries. Access tokens last 15 minutes.
 */
const walmartOAuthGrant: ChannelOAuthGrant<WalmartCredentials> = {
  grantType: 'client_credentials',
  tokenUrl: () => '/v3/token',
  clientAuthentication: 'basic',
  clientId: (credentials) => credentials.clientId,
  clientSecret: (credentials) => credentials.clientSecret,
  headers: serviceHeaders,
  defaultExpiresInSeconds: 900,
  reconnectFix: 'copy them again from Seller Center > Settings > API Key Management',
};

/** Local file header signature that starts every ZIP archive with at least one entry. */
const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** Most entries a reconciliation report archive may have; Walmart's contains one CSV. */
const RECON_ARCHIVE_MAX_ENTRIES = 10;

/**
 * Returns the CSV of a `reconFile` response: the one `.csv` entry of a ZIP body, or the body
 * itself when it is not a ZIP archive. Throws `ChannelPayloadError` for a corrupt archive or one
 * without exactly one CSV, so the report becomes a rejected event naming its date.
 */
export function reconReportCsv(response: ChannelHttpResponse, reportDate: string): string {
  const body = response.body ?? Buffer.from(response.text, 'utf8');

  if (!body.subarray(0, ZIP_SIGNATURE.length).equals(ZIP_SIGNATURE)) {
    return response.text;
  }

  let csvEntries: ZipEntry[];

  try {
    csvEntries = readZipArchive(body, { maxEntries: RECON_ARCHIVE_MAX_ENTRIES }).filter((entry) =>
      entry.name.toLowerCase().endsWith('.csv'),
    );
  } catch (error) {
    if (!(error instanceof ZipArchiveError)) {
      throw error;
    }

    throw new ChannelPayloadError(
      `(report): reconciliation report ${reportDate} is not a readable ZIP archive: ${error.message}; download it again from Seller Center to check it`,
      '(report)',
      undefined,
      { cause: error },
    );
  }

  if (csvEntries.length !== 1) {
    throw new ChannelPayloadError(
      `(report): reconciliation report ${reportDate} archive contains ${csvEntries.length} CSV files (${csvEntries.map((entry) => entry.name).join(', ') || 'none'}); expected exactly one`,
      '(report)',
    );
  }

  return csvEntries[0].data.toString('utf8');
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
  oauth: walmartOAuthGrant,
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
   * Reads the reconciliation reports whose date falls inside the window. Walmart serves
   * `reconFile` as a ZIP archive that contains one CSV; a plain CSV body is read as it is.
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

      try {
        const payout = parseWalmartReconReport(reconReportCsv(response, date), normaliseContext);

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
      await requireAccessTokens(call).accessToken();
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
