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
import {
  ETSY_DISBURSEMENT_TYPES,
  normaliseEtsyDeposit,
  normaliseEtsyReceipt,
  normaliseEtsyRefunds,
} from './etsy.normaliser';

export const ETSY_API_URL = 'https://api.etsy.com';
const API = '/v3/application';

/** Etsy's only shop location for inventory: listings hold one quantity per product offering. */
export const ETSY_LOCATION_ID = 'default';

export const etsyCredentialSchema = z.object({
  /** The app's keystring, sent as `x-api-key` and as the OAuth client id. */
  keystring: z.string().min(10, 'must be the app keystring'),
  /** The app's shared secret; newer apps send `x-api-key: keystring:shared_secret`. */
  sharedSecret: z.string().optional(),
  shopId: z.coerce.number().int().positive('must be the numeric shop id'),
  /**
   * OAuth 2.0 refresh token of the shop owner (valid 90 days). Etsy issues a new one on every
   * refresh and rejects the used one, so the framework's token store writes each new one back.
   */
  refreshToken: z
    .string()
    .regex(/^\d+\..+$/, 'must be an Etsy refresh token such as 12345678.abc…'),
});

export type EtsyCredentials = z.infer<typeof etsyCredentialSchema>;

/**
 * Etsy Open API v3 OAuth 2.0 with PKCE: the app is a public client that sends its keystring as
 * `client_id` and has no secret. Access tokens last an hour.
 */
const etsyOAuthGrant: ChannelOAuthGrant<EtsyCredentials> = {
  grantType: 'refresh_token',
  tokenUrl: () => '/v3/public/oauth/token',
  clientAuthentication: 'form',
  clientId: (credentials) => credentials.keystring,
  refreshTokenField: 'refreshToken',
  defaultExpiresInSeconds: 3600,
  reconnectFix: 'the shop owner must connect Etsy again',
};

function apiKey(credentials: EtsyCredentials): string {
  return credentials.sharedSecret
    ? `${credentials.keystring}:${credentials.sharedSecret}`
    : credentials.keystring;
}

async function etsy(
  call: ChannelCallContext<EtsyCredentials>,
  request: ChannelHttpRequest,
): Promise<ChannelHttpResponse> {
  return call.http.request({
    ...request,
    headers: {
      ...request.headers,
      'x-api-key': apiKey(call.connection.credentials),
      authorization: `Bearer ${await requireAccessTokens(call).accessToken()}`,
    },
  });
}

function context(
  call: ChannelCallContext<EtsyCredentials>,
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

  const receiptId = (raw as { receipt_id?: unknown } | undefined)?.receipt_id;

  return {
    kind: 'rejected',
    reason: error.message,
    ...(receiptId !== undefined
      ? { channelOrderId: String(receiptId), orderNumber: String(receiptId) }
      : {}),
  };
}

const epoch = (iso: string): number => Math.floor(new Date(iso).getTime() / 1000);

async function listReceipts(
  call: ChannelCallContext<EtsyCredentials>,
  request: PollRequest,
): Promise<{ receipts: unknown[]; nextPage?: string }> {
  const offset = Number(request.page ?? '0');
  const limit = Math.min(request.pageSize, 100);
  const body = expectJson(
    await etsy(call, {
      method: 'GET',
      path: `${API}/shops/${call.connection.credentials.shopId}/receipts`,
      query: {
        min_last_modified: epoch(request.modifiedSince),
        max_last_modified: epoch(request.modifiedUntil),
        sort_on: 'updated',
        sort_order: 'asc',
        limit,
        offset,
      },
    }),
    'Listing Etsy receipts',
  ) as { count?: number; results?: unknown[] };
  const statuses = call.connection.settings.statusFilter.map((status) => status.toLowerCase());
  const receipts = (body.results ?? []).filter(
    (receipt) =>
      statuses.length === 0 ||
      statuses.includes(String((receipt as { status?: unknown }).status).toLowerCase()),
  );

  return {
    receipts,
    ...(offset + (body.results ?? []).length < (body.count ?? 0)
      ? { nextPage: String(offset + limit) }
      : {}),
  };
}

/** Reads ledger entries created inside the window, oldest first. */
async function ledgerEntries(
  call: ChannelCallContext<EtsyCredentials>,
  since: number,
  until: number,
): Promise<{ entry_id: number; ledger_type: string; created_timestamp: number }[]> {
  const entries: { entry_id: number; ledger_type: string; created_timestamp: number }[] = [];

  for (let offset = 0; ; offset += 100) {
    const body = expectJson(
      await etsy(call, {
        method: 'GET',
        path: `${API}/shops/${call.connection.credentials.shopId}/payment-account/ledger-entries`,
        query: { min_created: since, max_created: until, limit: 100, offset },
      }),
      'Reading the Etsy payment account ledger',
    ) as { count?: number; results?: typeof entries };

    entries.push(...(body.results ?? []));

    if ((body.results ?? []).length === 0 || entries.length >= (body.count ?? 0)) {
      return entries.sort(
        (a, b) => a.created_timestamp - b.created_timestamp || a.entry_id - b.entry_id,
      );
    }
  }
}

/** How far back the entries of a deposit are read; Etsy deposits at least every two weeks. */
const DEPOSIT_LOOKBACK_SECONDS = 45 * 24 * 3600;

export const etsyAdapter: ChannelAdapter<EtsyCredentials> = {
  channel: 'etsy',
  displayName: 'Etsy',
  authorization: 'oauth2',
  credentialSchema: etsyCredentialSchema,
  secretFields: ['refreshToken', 'sharedSecret'],
  // Etsy Open API v3 allows 10 requests a second and 10,000 a day per app by default.
  rateLimit: { requestsPerSecond: 10, burst: 10, maxRetries: 5 },
  oauth: etsyOAuthGrant,
  capabilities: {
    webhooks: false,
    pollOrders: true,
    pollRefunds: true,
    pollPayouts: true,
    inventoryRead: true,
    inventoryPush: true,
  },

  defaultBaseUrl: () => ETSY_API_URL,

  async pollOrders(call, request): Promise<PollPage> {
    const { receipts, nextPage } = await listReceipts(call, request);
    const normaliseContext = context(call, request.receivedAt, 'poll');

    return {
      events: receipts.map((raw): ChannelEvent => {
        try {
          const order = normaliseEtsyReceipt(raw, normaliseContext);

          return { kind: 'order', order, revision: `${order.channelOrderId}@${order.updatedAt}` };
        } catch (error) {
          return rejected(error, raw);
        }
      }),
      nextPage,
    };
  },

  async pollRefunds(call, request): Promise<PollPage> {
    const { receipts, nextPage } = await listReceipts(call, request);
    const normaliseContext = context(call, request.receivedAt, 'poll');

    return {
      events: receipts.flatMap((raw): ChannelEvent[] => {
        try {
          return normaliseEtsyRefunds(raw, normaliseContext).map((refund) => ({
            kind: 'refund' as const,
            refund,
            revision: `${refund.channelRefundId}@${refund.status}`,
          }));
        } catch (error) {
          return [rejected(error, raw)];
        }
      }),
      nextPage,
    };
  },

  /**
   * Finds disbursements created inside the window and, for each, the ledger entries since the
   * previous disbursement: those are what the deposit paid out.
   */
  async pollPayouts(call, request): Promise<PollPage> {
    const since = epoch(request.modifiedSince);
    const until = epoch(request.modifiedUntil);
    const entries = await ledgerEntries(call, since - DEPOSIT_LOOKBACK_SECONDS, until);
    const normaliseContext = context(call, request.receivedAt, 'poll');
    const events: ChannelEvent[] = [];
    let start = 0;

    for (const [index, entry] of entries.entries()) {
      if (!ETSY_DISBURSEMENT_TYPES.has(entry.ledger_type)) {
        continue;
      }

      if (entry.created_timestamp >= since) {
        try {
          const payout = normaliseEtsyDeposit(
            { deposit: entry, entries: entries.slice(start, index) },
            normaliseContext,
          );

          events.push({ kind: 'payout', payout, revision: payout.payoutId });
        } catch (error) {
          events.push(rejected(error, undefined));
        }
      }

      start = index + 1;
    }

    return { events };
  },

  async fetchOrdersByNumber(call, orderNumbers) {
    const normaliseContext = context(call, call.now().toISOString(), 'resync');
    const lookups = [];

    for (const orderNumber of orderNumbers) {
      const response = await etsy(call, {
        method: 'GET',
        path: `${API}/shops/${call.connection.credentials.shopId}/receipts/${encodeURIComponent(orderNumber)}`,
      });

      if (response.status === 404 || response.status === 400) {
        lookups.push({ orderNumber, events: [] });
        continue;
      }

      const raw = expectJson(response, `Reading Etsy receipt ${orderNumber}`);
      const events: ChannelEvent[] = [];

      try {
        const order = normaliseEtsyReceipt(raw, normaliseContext);

        events.push({
          kind: 'order',
          order,
          revision: `${order.channelOrderId}@${order.updatedAt}`,
        });
        events.push(
          ...normaliseEtsyRefunds(raw, normaliseContext).map((refund) => ({
            kind: 'refund' as const,
            refund,
            revision: `${refund.channelRefundId}@${refund.status}`,
          })),
        );
      } catch (error) {
        events.push(rejected(error, raw));
      }

      lookups.push({ orderNumber, events });
    }

    return lookups;
  },

  async testConnection(call): Promise<ConnectionTestResult> {
    const checks: ConnectionTestResult['checks'] = [];
    let storeName: string | undefined;

    try {
      await requireAccessTokens(call).accessToken();
      checks.push({ name: 'refresh token', ok: true, message: 'Etsy issued an access token' });

      const shop = await etsy(call, {
        method: 'GET',
        path: `${API}/shops/${call.connection.credentials.shopId}`,
      });

      if (shop.status === 200) {
        storeName = (shop.json as { shop_name?: string } | undefined)?.shop_name;
        checks.push({ name: 'shop', ok: true, message: `reached ${storeName ?? 'the shop'}` });
      } else {
        checks.push({
          name: 'shop',
          ok: false,
          message: `reading shop ${call.connection.credentials.shopId} failed (HTTP ${shop.status}); check the shop id and the x-api-key`,
        });
      }
    } catch (error) {
      checks.push({ name: 'refresh token', ok: false, message: errorMessage(error) });
    }

    return { ok: checks.every((check) => check.ok), checks, ...(storeName ? { storeName } : {}) };
  },

  async readInventory(call): Promise<InventoryLevel[]> {
    const levels: InventoryLevel[] = [];

    for (const listingId of await activeListings(call)) {
      const inventory = await listingInventory(call, listingId);

      for (const product of inventory.products ?? []) {
        const quantity = (product.offerings ?? []).reduce(
          (sum, offering) => sum + (offering.is_enabled === false ? 0 : (offering.quantity ?? 0)),
          0,
        );

        if (product.sku && !product.is_deleted) {
          levels.push({ sku: product.sku, locationId: ETSY_LOCATION_ID, quantity });
        }
      }
    }

    return levels;
  },

  /**
   * Sets the quantity of each SKU's offering. Etsy replaces a listing's whole inventory with
   * `updateListingInventory`, so each listing holding a pushed SKU is read, changed and written
   * back once.
   */
  async pushInventory(call, levels): Promise<InventoryPushResult['results']> {
    const results = initialResults(levels);
    const pending = new Map(
      levels.flatMap((level, index) =>
        results[index].message === 'not sent' ? [[level.sku, { level, index }] as const] : [],
      ),
    );

    for (const listingId of pending.size > 0 ? await activeListings(call) : []) {
      const inventory = await listingInventory(call, listingId);
      const touched = (inventory.products ?? []).filter(
        (product) => product.sku && pending.has(product.sku),
      );

      if (touched.length === 0) {
        continue;
      }

      const products = (inventory.products ?? []).map((product) => ({
        sku: product.sku ?? '',
        property_values: product.property_values ?? [],
        offerings: (product.offerings ?? []).map((offering) => ({
          price: offering.price ? offering.price.amount / offering.price.divisor : 0,
          quantity:
            product.sku && pending.has(product.sku)
              ? pushQuantity(pending.get(product.sku)!.level)
              : (offering.quantity ?? 0),
          is_enabled: offering.is_enabled !== false,
        })),
      }));
      const response = await etsy(call, {
        method: 'PUT',
        path: `${API}/listings/${listingId}/inventory`,
        body: {
          products,
          price_on_property: inventory.price_on_property ?? [],
          quantity_on_property: inventory.quantity_on_property ?? [],
          sku_on_property: inventory.sku_on_property ?? [],
        },
      });

      for (const product of touched) {
        const { level, index } = pending.get(product.sku as string)!;

        results[index] =
          response.status === 200
            ? { sku: level.sku, locationId: level.locationId, status: 'updated' }
            : {
                sku: level.sku,
                locationId: level.locationId,
                status: 'failed',
                message: `Etsy returned HTTP ${response.status}: ${response.text.slice(0, 200)}`,
              };
        pending.delete(level.sku);
      }
    }

    for (const { level, index } of pending.values()) {
      results[index].message = `no active Etsy listing has a product with SKU ${level.sku}`;
    }

    return results;
  },
};

interface EtsyListingInventory {
  products?: {
    sku?: string;
    is_deleted?: boolean;
    property_values?: unknown[];
    offerings?: {
      quantity?: number;
      is_enabled?: boolean;
      price?: { amount: number; divisor: number };
    }[];
  }[];
  price_on_property?: number[];
  quantity_on_property?: number[];
  sku_on_property?: number[];
}

async function activeListings(call: ChannelCallContext<EtsyCredentials>): Promise<number[]> {
  const ids: number[] = [];

  for (let offset = 0; ; offset += 100) {
    const body = expectJson(
      await etsy(call, {
        method: 'GET',
        path: `${API}/shops/${call.connection.credentials.shopId}/listings`,
        query: { state: 'active', limit: 100, offset },
      }),
      'Listing active Etsy listings',
    ) as { count?: number; results?: { listing_id: number }[] };

    ids.push(...(body.results ?? []).map((listing) => listing.listing_id));

    if ((body.results ?? []).length === 0 || ids.length >= (body.count ?? 0)) {
      return ids;
    }
  }
}

async function listingInventory(
  call: ChannelCallContext<EtsyCredentials>,
  listingId: number,
): Promise<EtsyListingInventory> {
  return expectJson(
    await etsy(call, { method: 'GET', path: `${API}/listings/${listingId}/inventory` }),
    `Reading inventory of Etsy listing ${listingId}`,
  ) as EtsyListingInventory;
}
