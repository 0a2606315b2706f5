import { type InventoryLevel, type InventoryPushResult } from '@qbsync/contracts';

import {
  type ChannelAdapter,
  type ChannelCallContext,
  type ChannelEvent,
  ChannelPayloadError,
  type ChannelHttpRequest,
  type ChannelHttpResponse,
  type ConnectionTestResult,
  type PollPage,
  type PollRequest,
} from '../channel/channel-adapter';
import { requireAccessTokens } from '../channel/channel-oauth-grant';
import {
  errorMessage,
  expectJson,
  initialResults,
  pushQuantity,
  type ChannelNormaliseContext,
} from '../channel-support';
import { amazonOAuthGrant } from './amazon-auth';
import { normaliseAmazonEventGroup, normaliseAmazonRefundEvent } from './amazon-finance.normaliser';
import { AMAZON_UNPOSTABLE_STATUSES, normaliseAmazonOrder } from './amazon-order.normaliser';
import {
  amazonCredentialSchema,
  SP_API_ENDPOINTS,
  type AmazonCredentials,
} from './amazon.credentials';

/**
 * SP-API usage plans per operation (requests per second and burst), as Amazon documents them for
 * Orders v0, Finances v0, FBA Inventory v1 and Feeds 2021-06-30. Each is its own limiter bucket.
 */
const OPERATION_BUCKETS = {
  getOrders: { requestsPerSecond: 0.0167, burst: 20 },
  getOrder: { requestsPerSecond: 0.5, burst: 30 },
  getOrderItems: { requestsPerSecond: 0.5, burst: 30 },
  listFinancialEventGroups: { requestsPerSecond: 0.5, burst: 30 },
  listFinancialEvents: { requestsPerSecond: 0.5, burst: 30 },
  getInventorySummaries: { requestsPerSecond: 2, burst: 2 },
  createFeedDocument: { requestsPerSecond: 0.5, burst: 15 },
  createFeed: { requestsPerSecond: 0.0083, burst: 15 },
  getMarketplaceParticipations: { requestsPerSecond: 0.016, burst: 15 },
  lwa: { requestsPerSecond: 1, burst: 5 },
} as const;

type Operation = keyof typeof OPERATION_BUCKETS;

/** Amazon rejects a `LastUpdatedBefore` later than two minutes before the request. */
const ORDERS_LAG_MS = 2 * 60 * 1000;

async function spApi(
  call: ChannelCallContext<AmazonCredentials>,
  operation: Operation,
  request: Omit<ChannelHttpRequest, 'bucket'>,
): Promise<ChannelHttpResponse> {
  const tokens = requireAccessTokens(call);
  const send = (token: string): Promise<ChannelHttpResponse> =>
    call.http.request({
      ...request,
      bucket: operation,
      headers: { ...request.headers, 'x-amz-access-token': token },
    });
  const token = await tokens.accessToken();
  const response = await send(token);

  // A token revoked or expired early gets 403 Unauthorized, so one fresh token is tried.
  if (response.status === 403 && /Unauthorized|expired/i.test(response.text)) {
    await tokens.invalidate(token);

    return send(await tokens.accessToken());
  }

  return response;
}

async function spApiJson(
  call: ChannelCallContext<AmazonCredentials>,
  operation: Operation,
  request: Omit<ChannelHttpRequest, 'bucket'>,
  what: string,
): Promise<Record<string, unknown>> {
  const body = expectJson(await spApi(call, operation, request), what) as { payload?: unknown };

  return (body.payload ?? body) as Record<string, unknown>;
}

function context(
  call: ChannelCallContext<AmazonCredentials>,
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

function rejected(error: unknown, channelOrderId?: string): ChannelEvent {
  if (!(error instanceof ChannelPayloadError)) {
    throw error;
  }

  return {
    kind: 'rejected',
    reason: error.message,
    ...(channelOrderId ? { channelOrderId, orderNumber: channelOrderId } : {}),
  };
}

/** Reads every page of an order's items. */
async function orderItems(
  call: ChannelCallContext<AmazonCredentials>,
  orderId: string,
): Promise<unknown[]> {
  const items: unknown[] = [];
  let nextToken: string | undefined;

  do {
    const payload = await spApiJson(
      call,
      'getOrderItems',
      {
        method: 'GET',
        path: `/orders/v0/orders/${orderId}/orderItems`,
        query: { NextToken: nextToken },
      },
      `Reading items of Amazon order ${orderId}`,
    );

    items.push(...((payload.OrderItems ?? []) as unknown[]));
    nextToken = typeof payload.NextToken === 'string' ? payload.NextToken : undefined;
  } while (nextToken);

  return items;
}

async function orderEvent(
  call: ChannelCallContext<AmazonCredentials>,
  order: { AmazonOrderId?: string; OrderStatus?: string; LastUpdateDate?: string },
  normaliseContext: ChannelNormaliseContext,
): Promise<ChannelEvent> {
  const orderId = order.AmazonOrderId ?? '';

  if (
    order.OrderStatus &&
    AMAZON_UNPOSTABLE_STATUSES.has(order.OrderStatus) &&
    order.OrderStatus !== 'Canceled'
  ) {
    return {
      kind: 'ignored',
      reason: `Amazon order ${orderId} is ${order.OrderStatus}; it has no prices yet`,
    };
  }

  try {
    const normalised = normaliseAmazonOrder(
      { order, items: await orderItems(call, orderId) },
      normaliseContext,
    );

    return { kind: 'order', order: normalised, revision: `${orderId}@${normalised.updatedAt}` };
  } catch (error) {
    return rejected(error, orderId || undefined);
  }
}

async function pollOrders(
  call: ChannelCallContext<AmazonCredentials>,
  request: PollRequest,
): Promise<PollPage> {
  const { credentials, settings } = call.connection;
  const latest = new Date(call.now().getTime() - ORDERS_LAG_MS).toISOString();
  const until = request.modifiedUntil < latest ? request.modifiedUntil : latest;
  const payload = await spApiJson(
    call,
    'getOrders',
    {
      method: 'GET',
      path: '/orders/v0/orders',
      query: request.page
        ? { NextToken: request.page, MarketplaceIds: credentials.marketplaceIds.join(',') }
        : {
            MarketplaceIds: credentials.marketplaceIds.join(','),
            LastUpdatedAfter: request.modifiedSince,
            LastUpdatedBefore: until,
            OrderStatuses: settings.statusFilter.join(',') || undefined,
            MaxResultsPerPage: Math.min(request.pageSize, 100),
          },
    },
    'Listing Amazon orders',
  );
  const normaliseContext = context(call, request.receivedAt, 'poll');
  const events: ChannelEvent[] = [];

  for (const order of (payload.Orders ?? []) as {
    MarketplaceId?: string;
    AmazonOrderId?: string;
  }[]) {
    if (
      settings.storeFilter.length > 0 &&
      !settings.storeFilter.includes(order.MarketplaceId ?? '')
    ) {
      continue;
    }

    events.push(await orderEvent(call, order, normaliseContext));
  }

  return {
    events,
    ...(typeof payload.NextToken === 'string' ? { nextPage: payload.NextToken } : {}),
  };
}

async function pollRefunds(
  call: ChannelCallContext<AmazonCredentials>,
  request: PollRequest,
): Promise<PollPage> {
  const payload = await spApiJson(
    call,
    'listFinancialEvents',
    {
      method: 'GET',
      path: '/finances/v0/financialEvents',
      query: request.page
        ? { NextToken: request.page }
        : {
            PostedAfter: request.modifiedSince,
            PostedBefore: request.modifiedUntil,
            MaxResultsPerPage: 100,
          },
    },
    'Listing Amazon financial events',
  );
  const events = (payload.FinancialEvents ?? {}) as { RefundEventList?: unknown[] };
  const normaliseContext = context(call, request.receivedAt, 'poll');

  return {
    events: (events.RefundEventList ?? []).map((raw): ChannelEvent => {
      try {
        const refund = normaliseAmazonRefundEvent(raw, normaliseContext);

        return { kind: 'refund', refund, revision: refund.channelRefundId };
      } catch (error) {
        return rejected(error, (raw as { AmazonOrderId?: string }).AmazonOrderId);
      }
    }),
    ...(typeof payload.NextToken === 'string' ? { nextPage: payload.NextToken } : {}),
  };
}

/** Reads every page of a group's events and merges the lists. */
async function groupEvents(
  call: ChannelCallContext<AmazonCredentials>,
  groupId: string,
): Promise<Record<string, unknown[]>> {
  const merged: Record<string, unknown[]> = {};
  let nextToken: string | undefined;

  do {
    const payload = await spApiJson(
      call,
      'listFinancialEvents',
      {
        method: 'GET',
        path: `/finances/v0/financialEventGroups/${groupId}/financialEvents`,
        query: { MaxResultsPerPage: 100, NextToken: nextToken },
      },
      `Reading events of Amazon settlement ${groupId}`,
    );

    for (const [list, entries] of Object.entries(
      (payload.FinancialEvents ?? {}) as Record<string, unknown>,
    )) {
      if (Array.isArray(entries)) {
        merged[list] = [...(merged[list] ?? []), ...entries];
      }
    }

    nextToken = typeof payload.NextToken === 'string' ? payload.NextToken : undefined;
  } while (nextToken);

  return merged;
}

async function pollPayouts(
  call: ChannelCallContext<AmazonCredentials>,
  request: PollRequest,
): Promise<PollPage> {
  const payload = await spApiJson(
    call,
    'listFinancialEventGroups',
    {
      method: 'GET',
      path: '/finances/v0/financialEventGroups',
      query: request.page
        ? { NextToken: request.page }
        : {
            FinancialEventGroupStartedAfter: request.modifiedSince,
            FinancialEventGroupStartedBefore: request.modifiedUntil,
            MaxResultsPerPage: 100,
          },
    },
    'Listing Amazon settlements',
  );
  const normaliseContext = context(call, request.receivedAt, 'poll');
  const events: ChannelEvent[] = [];

  for (const group of (payload.FinancialEventGroupList ?? []) as {
    FinancialEventGroupId?: string;
    ProcessingStatus?: string;
    FundTransferStatus?: string;
  }[]) {
    // An open group is still collecting events; it posts once Amazon closes it.
    if (group.ProcessingStatus === 'Open' || !group.FinancialEventGroupId) {
      continue;
    }

    try {
      const payout = normaliseAmazonEventGroup(
        { group, events: await groupEvents(call, group.FinancialEventGroupId) },
        normaliseContext,
      );

      events.push({
        kind: 'payout',
        payout,
        revision: `${payout.payoutId}@${group.ProcessingStatus ?? ''}/${group.FundTransferStatus ?? ''}`,
      });
    } catch (error) {
      events.push(rejected(error));
    }
  }

  return {
    events,
    ...(typeof payload.NextToken === 'string' ? { nextPage: payload.NextToken } : {}),
  };
}

export const amazonAdapter: ChannelAdapter<AmazonCredentials> = {
  channel: 'amazon',
  displayName: 'Amazon',
  authorization: 'client-credentials',
  credentialSchema: amazonCredentialSchema,
  secretFields: ['clientSecret', 'refreshToken'],
  rateLimit: {
    requestsPerSecond: 0.5,
    burst: 30,
    maxRetries: 5,
    buckets: OPERATION_BUCKETS,
  },
  oauth: amazonOAuthGrant,
  // Amazon announces order changes through SQS notifications, not HTTP webhooks, so orders are
  // polled.
  capabilities: {
    webhooks: false,
    pollOrders: true,
    pollRefunds: true,
    pollPayouts: true,
    inventoryRead: true,
    inventoryPush: true,
  },

  defaultBaseUrl: (credentials) => SP_API_ENDPOINTS[credentials.region],

  pollOrders,
  pollRefunds,
  pollPayouts,

  async fetchOrdersByNumber(call, orderNumbers) {
    const normaliseContext = context(call, call.now().toISOString(), 'resync');
    const lookups = [];

    for (const orderNumber of orderNumbers) {
      const response = await spApi(call, 'getOrder', {
        method: 'GET',
        path: `/orders/v0/orders/${orderNumber}`,
      });

      if (response.status === 404 || response.status === 400) {
        lookups.push({ orderNumber, events: [] });
        continue;
      }

      const order = (
        expectJson(response, `Reading Amazon order ${orderNumber}`) as { payload?: unknown }
      ).payload;

      lookups.push({
        orderNumber,
        events: [await orderEvent(call, order as never, normaliseContext)],
      });
    }

    return lookups;
  },

  async testConnection(call): Promise<ConnectionTestResult> {
    const checks: ConnectionTestResult['checks'] = [];
    let storeName: string | undefined;

    try {
      const payload = await spApiJson(
        call,
        'getMarketplaceParticipations',
        { method: 'GET', path: '/sellers/v1/marketplaceParticipations' },
        'Reading Amazon marketplace participations',
      );
      const participations = (Array.isArray(payload) ? payload : []) as {
        marketplace?: { id?: string };
        storeName?: string;
        participation?: { isParticipating?: boolean };
      }[];
      const active = new Set(
        participations
          .filter((item) => item.participation?.isParticipating !== false)
          .map((item) => item.marketplace?.id),
      );
      const missing = call.connection.credentials.marketplaceIds.filter((id) => !active.has(id));

      storeName = participations.find((item) => item.storeName)?.storeName;
      checks.push({
        name: 'refresh token',
        ok: true,
        message: 'Login with Amazon issued an access token',
      });
      checks.push(
        missing.length === 0
          ? {
              name: 'marketplaces',
              ok: true,
              message: 'the seller sells in every listed marketplace',
            }
          : {
              name: 'marketplaces',
              ok: false,
              message: `the seller does not sell in ${missing.join(', ')}; remove them from the connection`,
            },
      );
    } catch (error) {
      checks.push({ name: 'refresh token', ok: false, message: errorMessage(error) });
    }

    return { ok: checks.every((check) => check.ok), checks, ...(storeName ? { storeName } : {}) };
  },

  /** Reads FBA quantities per marketplace (location `AFN:<marketplace id>`). */
  async readInventory(call): Promise<InventoryLevel[]> {
    const levels: InventoryLevel[] = [];

    for (const marketplaceId of call.connection.credentials.marketplaceIds) {
      let nextToken: string | undefined;

      do {
        const body = expectJson(
          await spApi(call, 'getInventorySummaries', {
            method: 'GET',
            path: '/fba/inventory/v1/summaries',
            query: {
              granularityType: 'Marketplace',
              granularityId: marketplaceId,
              marketplaceIds: marketplaceId,
              nextToken,
            },
          }),
          'Reading Amazon FBA inventory',
        ) as {
          payload?: { inventorySummaries?: { sellerSku?: string; totalQuantity?: number }[] };
          pagination?: { nextToken?: string };
        };

        for (const summary of body.payload?.inventorySummaries ?? []) {
          if (summary.sellerSku && Number.isInteger(summary.totalQuantity)) {
            levels.push({
              sku: summary.sellerSku,
              locationId: `AFN:${marketplaceId}`,
              quantity: summary.totalQuantity as number,
            });
          }
        }

        nextToken = body.pagination?.nextToken;
      } while (nextToken);
    }

    return levels;
  },

  /**
   * Sets merchant-fulfilled quantities with one `JSON_LISTINGS_FEED`: create a feed document,
   * upload the messages to its URL, then create the feed. Amazon applies the feed later and
   * reports per-SKU results in the feed's processing report, so a level is `updated` once the
   * feed is accepted. FBA quantities belong to Amazon's warehouses and cannot be pushed.
   */
  async pushInventory(call, levels): Promise<InventoryPushResult['results']> {
    const { credentials } = call.connection;
    const results = initialResults(levels, (level) =>
      level.sku.trim()
        ? level.locationId.startsWith('AFN:')
          ? `locationId: ${level.locationId} is an Amazon warehouse; FBA quantities cannot be set by the seller`
          : undefined
        : 'sku: is missing; every pushed level needs the seller SKU',
    );
    const sendable = levels.flatMap((level, index) =>
      results[index].message === 'not sent' ? [{ level, index }] : [],
    );

    if (sendable.length === 0) {
      return results;
    }

    try {
      const document = await spApiJson(
        call,
        'createFeedDocument',
        {
          method: 'POST',
          path: '/feeds/2021-06-30/documents',
          body: { contentType: 'application/json; charset=UTF-8' },
        },
        'Creating an Amazon feed document',
      );
      const feedBody = {
        header: { sellerId: credentials.sellerId, version: '2.0', issueLocale: 'en_US' },
        messages: sendable.map(({ level }, position) => ({
          messageId: position + 1,
          sku: level.sku,
          operationType: 'PATCH',
          productType: 'PRODUCT',
          patches: [
            {
              op: 'replace',
              path: '/attributes/fulfillment_availability',
              value: [{ fulfillment_channel_code: 'DEFAULT', quantity: pushQuantity(level) }],
            },
          ],
        })),
      };
      const upload = await call.http.request({
        method: 'PUT',
        path: String(document.url),
        headers: { 'content-type': 'application/json; charset=UTF-8' },
        body: JSON.stringify(feedBody),
        bucket: 'createFeedDocument',
      });

      if (upload.status < 200 || upload.status >= 300) {
        throw new Error(`uploading the feed document failed with HTTP ${upload.status}`);
      }

      const feed = await spApiJson(
        call,
        'createFeed',
        {
          method: 'POST',
          path: '/feeds/2021-06-30/feeds',
          body: {
            feedType: 'JSON_LISTINGS_FEED',
            marketplaceIds: credentials.marketplaceIds,
            inputFeedDocumentId: document.feedDocumentId,
          },
        },
        'Creating the Amazon inventory feed',
      );

      for (const { level, index } of sendable) {
        results[index] = {
          sku: level.sku,
          locationId: level.locationId,
          status: 'updated',
          message: `submitted in feed ${String(feed.feedId)}; Amazon reports per-SKU results in its processing report`,
        };
      }
    } catch (error) {
      for (const { index } of sendable) {
        results[index].message = errorMessage(error);
      }
    }

    return results;
  },
};
