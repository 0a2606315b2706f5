import { type InventoryLevel, type InventoryPushResult } from '@qbsync/contracts';
import { z } from 'zod';

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
import { type ChannelOAuthGrant, requireAccessTokens } from '../channel/channel-oauth-grant';
import {
  errorMessage,
  expectJson,
  initialResults,
  pushQuantity,
  type ChannelNormaliseContext,
} from '../channel-support';
import { normaliseEbayOrder, normaliseEbayPayout, normaliseEbayRefunds } from './ebay.normaliser';

export const EBAY_API_URL = 'https://api.ebay.com';
/** The Finances API is served from its own host. */
export const EBAY_FINANCES_URL = 'https://apiz.ebay.com';
/** OAuth scopes the connector requests when it refreshes the user token. */
export const EBAY_SCOPES = [
  'https://api.ebay.com/oauth/api_scope/sell.fulfillment.readonly',
  'https://api.ebay.com/oauth/api_scope/sell.finances',
  'https://api.ebay.com/oauth/api_scope/sell.inventory',
];
/** Most SKUs `bulkUpdatePriceQuantity` accepts in one request. */
const BULK_QUANTITY_LIMIT = 25;

export const ebayCredentialSchema = z.object({
  /** The app's OAuth client id (App ID) and secret (Cert ID). */
  clientId: z.string().min(1, 'must be the eBay App ID'),
  clientSecret: z.string().min(1, 'must be the eBay Cert ID'),
  /** The seller's user refresh token, valid for 18 months. */
  refreshToken: z.string().min(10, 'must be the user refresh token from the consent flow'),
  /** The marketplace the Finances API reports for, such as EBAY_US. */
  marketplaceId: z
    .string()
    .regex(/^EBAY_[A-Z_]+$/, 'must be a marketplace id such as EBAY_US')
    .default('EBAY_US'),
});

export type EbayCredentials = z.infer<typeof ebayCredentialSchema>;

/**
 * eBay's OAuth refresh token grant, with the app's App ID and Cert ID as HTTP Basic client
 * authentication. The refresh token lasts 18 months and is not rotated; user access tokens last
 * two hours.
 */
const ebayOAuthGrant: ChannelOAuthGrant<EbayCredentials> = {
  grantType: 'refresh_token',
  tokenUrl: () => '/identity/v1/oauth2/token',
  clientAuthentication: 'basic',
  clientId: (credentials) => credentials.clientId,
  clientSecret: (credentials) => credentials.clientSecret,
  refreshTokenField: 'refreshToken',
  extraForm: () => ({ scope: EBAY_SCOPES.join(' ') }),
  defaultExpiresInSeconds: 7200,
  reconnectFix: 'the seller must grant consent again',
};

/** True when the connection talks to eBay itself rather than an overridden base URL. */
function isDefaultBase(call: ChannelCallContext<EbayCredentials>): boolean {
  return call.baseUrl.replace(/\/+$/, '') === EBAY_API_URL;
}

async function ebay(
  call: ChannelCallContext<EbayCredentials>,
  request: ChannelHttpRequest & { finances?: boolean },
): Promise<ChannelHttpResponse> {
  const { finances, ...rest } = request;
  const path = finances && isDefaultBase(call) ? `${EBAY_FINANCES_URL}${rest.path}` : rest.path;

  return call.http.request({
    ...rest,
    path,
    headers: {
      ...rest.headers,
      authorization: `Bearer ${await requireAccessTokens(call).accessToken()}`,
      'x-ebay-c-marketplace-id': call.connection.credentials.marketplaceId,
    },
  });
}

function context(
  call: ChannelCallContext<EbayCredentials>,
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

  const orderId = (raw as { orderId?: unknown } | undefined)?.orderId;

  return {
    kind: 'rejected',
    reason: error.message,
    ...(typeof orderId === 'string' ? { channelOrderId: orderId } : {}),
  };
}

/** eBay date filters take `[start..end]` with millisecond UTC timestamps. */
function range(since: string, until: string): string {
  return `[${new Date(since).toISOString()}..${new Date(until).toISOString()}]`;
}

async function listOrders(
  call: ChannelCallContext<EbayCredentials>,
  request: PollRequest,
): Promise<{ orders: unknown[]; nextPage?: string }> {
  const offset = Number(request.page ?? '0');
  const limit = Math.min(request.pageSize, 200);
  const statuses = call.connection.settings.statusFilter;
  const filters = [`lastmodifieddate:${range(request.modifiedSince, request.modifiedUntil)}`];

  if (statuses.length > 0) {
    filters.push(`orderfulfillmentstatus:{${statuses.join('|')}}`);
  }

  const body = expectJson(
    await ebay(call, {
      method: 'GET',
      path: '/sell/fulfillment/v1/order',
      query: { filter: filters.join(','), limit, offset },
    }),
    'Listing eBay orders',
  ) as { orders?: unknown[]; total?: number };
  const orders = body.orders ?? [];

  return {
    orders,
    ...(offset + orders.length < (body.total ?? 0) ? { nextPage: String(offset + limit) } : {}),
  };
}

function orderEvents(
  raw: unknown,
  normaliseContext: ChannelNormaliseContext,
  withRefunds: boolean,
): ChannelEvent[] {
  try {
    if (withRefunds) {
      return normaliseEbayRefunds(raw, normaliseContext).map((refund) => ({
        kind: 'refund' as const,
        refund,
        revision: `${refund.channelRefundId}@${refund.status}`,
      }));
    }

    const order = normaliseEbayOrder(raw, normaliseContext);

    return [{ kind: 'order', order, revision: `${order.channelOrderId}@${order.updatedAt}` }];
  } catch (error) {
    return [rejected(error, raw)];
  }
}

async function payoutTransactions(
  call: ChannelCallContext<EbayCredentials>,
  payoutId: string,
): Promise<unknown[]> {
  const transactions: unknown[] = [];

  for (let offset = 0; ; offset += 1000) {
    const body = expectJson(
      await ebay(call, {
        method: 'GET',
        path: '/sell/finances/v1/transaction',
        query: { filter: `payoutId:{${payoutId}}`, limit: 1000, offset },
        finances: true,
      }),
      `Reading transactions of eBay payout ${payoutId}`,
    ) as { transactions?: unknown[]; total?: number };

    transactions.push(...(body.transactions ?? []));

    if (transactions.length >= (body.total ?? 0) || (body.transactions ?? []).length === 0) {
      return transactions;
    }
  }
}

export const ebayAdapter: ChannelAdapter<EbayCredentials> = {
  channel: 'ebay',
  displayName: 'eBay',
  authorization: 'oauth2',
  credentialSchema: ebayCredentialSchema,
  secretFields: ['clientSecret', 'refreshToken'],
  // NOTE: eBay sets daily call limits per API (Fulfillment 100,000, Finances and Inventory lower)
  // rather than a per-second rate. One request a second stays under them all day.
  rateLimit: { requestsPerSecond: 1, burst: 10, maxRetries: 5 },
  oauth: ebayOAuthGrant,
  // The Sell APIs send no order webhooks (eBay's notifications cover account deletion and a few
  // Trading API events), so orders, refunds and payouts are polled.
  capabilities: {
    webhooks: false,
    pollOrders: true,
    pollRefunds: true,
    pollPayouts: true,
    inventoryRead: true,
    inventoryPush: true,
  },

  defaultBaseUrl: () => EBAY_API_URL,

  async pollOrders(call, request): Promise<PollPage> {
    const { orders, nextPage } = await listOrders(call, request);
    const normaliseContext = context(call, request.receivedAt, 'poll');

    return { events: orders.flatMap((raw) => orderEvents(raw, normaliseContext, false)), nextPage };
  },

  /** Refunds are part of the order (`paymentSummary.refunds`), so modified orders are read. */
  async pollRefunds(call, request): Promise<PollPage> {
    const { orders, nextPage } = await listOrders(call, request);
    const normaliseContext = context(call, request.receivedAt, 'poll');

    return { events: orders.flatMap((raw) => orderEvents(raw, normaliseContext, true)), nextPage };
  },

  async pollPayouts(call, request): Promise<PollPage> {
    const offset = Number(request.page ?? '0');
    const limit = Math.min(request.pageSize, 200);
    const body = expectJson(
      await ebay(call, {
        method: 'GET',
        path: '/sell/finances/v1/payout',
        query: {
          filter: `payoutDate:${range(request.modifiedSince, request.modifiedUntil)}`,
          limit,
          offset,
        },
        finances: true,
      }),
      'Listing eBay payouts',
    ) as { payouts?: { payoutId?: string; payoutStatus?: string }[]; total?: number };
    const normaliseContext = context(call, request.receivedAt, 'poll');
    const events: ChannelEvent[] = [];

    for (const payout of body.payouts ?? []) {
      try {
        const normalised = normaliseEbayPayout(
          { payout, transactions: await payoutTransactions(call, String(payout.payoutId)) },
          normaliseContext,
        );

        events.push({
          kind: 'payout',
          payout: normalised,
          revision: `${normalised.payoutId}@${payout.payoutStatus ?? ''}`,
        });
      } catch (error) {
        events.push(rejected(error, undefined));
      }
    }

    const count = (body.payouts ?? []).length;

    return {
      events,
      ...(offset + count < (body.total ?? 0) ? { nextPage: String(offset + limit) } : {}),
    };
  },

  async fetchOrdersByNumber(call, orderNumbers) {
    const normaliseContext = context(call, call.now().toISOString(), 'resync');
    const lookups = [];

    for (const orderNumber of orderNumbers) {
      const response = await ebay(call, {
        method: 'GET',
        path: `/sell/fulfillment/v1/order/${encodeURIComponent(orderNumber)}`,
      });

      if (response.status === 404) {
        lookups.push({ orderNumber, events: [] });
        continue;
      }

      const raw = expectJson(response, `Reading eBay order ${orderNumber}`);

      lookups.push({
        orderNumber,
        events: [
          ...orderEvents(raw, normaliseContext, false),
          ...orderEvents(raw, normaliseContext, true),
        ],
      });
    }

    return lookups;
  },

  async testConnection(call): Promise<ConnectionTestResult> {
    const checks: ConnectionTestResult['checks'] = [];

    try {
      await requireAccessTokens(call).accessToken();
      checks.push({ name: 'refresh token', ok: true, message: 'eBay issued a user access token' });

      const orders = await ebay(call, {
        method: 'GET',
        path: '/sell/fulfillment/v1/order',
        query: { limit: 1 },
      });

      checks.push(
        orders.status === 200
          ? { name: 'orders', ok: true, message: 'the token can read orders' }
          : {
              name: 'orders',
              ok: false,
              message: `reading orders failed (HTTP ${orders.status}); grant the sell.fulfillment scope`,
            },
      );

      const payouts = await ebay(call, {
        method: 'GET',
        path: '/sell/finances/v1/payout',
        query: { limit: 1 },
        finances: true,
      });

      checks.push(
        payouts.status === 200
          ? { name: 'payouts', ok: true, message: 'the token can read payouts' }
          : {
              name: 'payouts',
              ok: false,
              message: `reading payouts failed (HTTP ${payouts.status}); grant the sell.finances scope`,
            },
      );
    } catch (error) {
      checks.push({ name: 'refresh token', ok: false, message: errorMessage(error) });
    }

    return { ok: checks.every((check) => check.ok), checks };
  },

  /** Reads `shipToLocationAvailability` of every inventory item (location `default`). */
  async readInventory(call): Promise<InventoryLevel[]> {
    const levels: InventoryLevel[] = [];

    for (let offset = 0; ; offset += 100) {
      const body = expectJson(
        await ebay(call, {
          method: 'GET',
          path: '/sell/inventory/v1/inventory_item',
          query: { limit: 100, offset },
        }),
        'Reading eBay inventory items',
      ) as {
        inventoryItems?: {
          sku?: string;
          availability?: { shipToLocationAvailability?: { quantity?: number } };
        }[];
        total?: number;
      };

      for (const item of body.inventoryItems ?? []) {
        const quantity = item.availability?.shipToLocationAvailability?.quantity;

        if (item.sku && Number.isInteger(quantity)) {
          levels.push({ sku: item.sku, locationId: 'default', quantity: quantity as number });
        }
      }

      if (offset + 100 >= (body.total ?? 0)) {
        return levels;
      }
    }
  },

  /** Sets available quantities with `bulkUpdatePriceQuantity`, 25 SKUs per request. */
  async pushInventory(call, levels): Promise<InventoryPushResult['results']> {
    const results = initialResults(levels);
    const sendable = levels.flatMap((level, index) =>
      results[index].message === 'not sent' ? [{ level, index }] : [],
    );

    for (let start = 0; start < sendable.length; start += BULK_QUANTITY_LIMIT) {
      const batch = sendable.slice(start, start + BULK_QUANTITY_LIMIT);
      const response = await ebay(call, {
        method: 'POST',
        path: '/sell/inventory/v1/bulk_update_price_quantity',
        body: {
          requests: batch.map(({ level }) => ({
            sku: level.sku,
            shipToLocationAvailability: { quantity: pushQuantity(level) },
          })),
        },
      });
      const answers =
        (
          (response.json ?? {}) as {
            responses?: { sku?: string; statusCode?: number; errors?: { message?: string }[] }[];
          }
        ).responses ?? [];

      for (const { level, index } of batch) {
        const answer = answers.find((item) => item.sku === level.sku);

        results[index] =
          answer?.statusCode === 200
            ? { sku: level.sku, locationId: level.locationId, status: 'updated' }
            : {
                sku: level.sku,
                locationId: level.locationId,
                status: 'failed',
                message:
                  answer?.errors?.[0]?.message ??
                  `eBay returned HTTP ${response.status}: ${response.text.slice(0, 200)}`,
              };
      }
    }

    return results;
  },
};
