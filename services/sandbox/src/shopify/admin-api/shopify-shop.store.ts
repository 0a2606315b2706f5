import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { Inject, Injectable } from '@nestjs/common';

import { SANDBOX_CONFIG } from '../../config/config.tokens';
import { type SandboxConfig } from '../../config/sandbox.config';
import { loadShopifyOrderFixtures } from '../order-fixtures';

export type JsonObject = Record<string, unknown>;

/** Shopify's leaky bucket of one shop: REST calls and GraphQL cost points. */
export interface ShopLimits {
  restBucketSize: number;
  restLeakPerSecond: number;
  graphqlMaxPoints: number;
  graphqlRestorePerSecond: number;
}

export const STANDARD_LIMITS: ShopLimits = {
  restBucketSize: 40,
  restLeakPerSecond: 2,
  graphqlMaxPoints: 1000,
  graphqlRestorePerSecond: 100,
};

export interface SandboxShop {
  shopDomain: string;
  accessToken: string;
  name: string;
  currency: string;
  scopes: string[];
  limits: ShopLimits;
  /** REST bucket fill level and when it was last computed (epoch ms). */
  rest: { used: number; at: number };
  graphql: { available: number; at: number };
  orders: Map<string, JsonObject>;
  transactions: Map<string, JsonObject[]>;
  payouts: Map<string, JsonObject>;
  balanceTransactions: JsonObject[];
  locations: JsonObject[];
  inventoryItems: Map<string, { id: number; sku: string }>;
  /** `<inventory item id>:<location id>` → available. */
  inventoryLevels: Map<string, number>;
  /** Calls by path, for tests. */
  calls: { method: string; path: string; status: number }[];
  /** Webhook subscriptions of the installed app, as `webhooks.json` manages them. */
  webhooks: SandboxWebhook[];
  /** Client id of the app that installed itself through OAuth, when one did. */
  installedClientId?: string;
}

/** One webhook subscription, shaped like the REST Admin API's `webhook` resource. */
export interface SandboxWebhook {
  id: number;
  topic: string;
  address: string;
  format: 'json';
  api_version: string;
  created_at: string;
  updated_at: string;
}

export interface CreateShopInput {
  shopDomain: string;
  accessToken: string;
  scopes?: string[];
  /** Load Shopify's published examples (orders, transactions, payouts, locations, inventory). */
  seed?: boolean;
  limits?: Partial<ShopLimits>;
}

const ALL_SCOPES = [
  'read_orders',
  'read_products',
  'read_shopify_payments_payouts',
  'read_inventory',
  'write_inventory',
];

/**
 * The sandbox's Shopify shops, in memory. Each is found by its Admin API access token, as Shopify
 * finds the app installation. Seeded shops hold the published documentation examples from
 * fixtures/shopify.
 */
@Injectable()
export class ShopifyShopStore {
  private readonly shops = new Map<string, SandboxShop>();

  constructor(@Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig) {}

  create(input: CreateShopInput): SandboxShop {
    for (const [token, shop] of this.shops) {
      if (shop.shopDomain === input.shopDomain) {
        this.shops.delete(token);
      }
    }

    const limits = { ...STANDARD_LIMITS, ...input.limits };
    const shop: SandboxShop = {
      shopDomain: input.shopDomain,
      accessToken: input.accessToken,
      name: input.shopDomain.split('.')[0],
      currency: 'USD',
      scopes: input.scopes ?? ALL_SCOPES,
      limits,
      rest: { used: 0, at: Date.now() },
      graphql: { available: limits.graphqlMaxPoints, at: Date.now() },
      orders: new Map(),
      transactions: new Map(),
      payouts: new Map(),
      balanceTransactions: [],
      locations: [],
      inventoryItems: new Map(),
      inventoryLevels: new Map(),
      calls: [],
      webhooks: [],
    };

    if (input.seed !== false) {
      this.seed(shop);
    }

    this.shops.set(input.accessToken, shop);

    return shop;
  }

  findByToken(token: string | undefined): SandboxShop | undefined {
    const shop = token ? this.shops.get(token) : undefined;

    // An uninstalled shop is kept under a key that is no token, so it matches no token.
    return shop && shop.accessToken === token ? shop : undefined;
  }

  findByDomain(shopDomain: string): SandboxShop | undefined {
    return [...this.shops.values()].find((shop) => shop.shopDomain === shopDomain);
  }

  /**
   * Replaces the shop's access token, as an OAuth install does: the earlier token stops working
   * and the shop's granted scopes become `scopes`.
   */
  issueToken(shop: SandboxShop, accessToken: string, scopes: string[]): void {
    this.shops.delete(shop.accessToken);
    shop.accessToken = accessToken;
    shop.scopes = scopes;
    this.shops.set(accessToken, shop);
  }

  /** Revokes the shop's access token and drops its webhooks, as uninstalling the app does. */
  uninstall(shop: SandboxShop): void {
    this.shops.delete(shop.accessToken);
    shop.accessToken = '';
    shop.webhooks = [];
    delete shop.installedClientId;
    // The shop stays reachable by domain for the control endpoints and a later install.
    this.shops.set(`uninstalled:${shop.shopDomain}`, shop);
  }

  private seed(shop: SandboxShop): void {
    for (const fixture of loadShopifyOrderFixtures({ fixturesDir: this.config.fixturesDir })) {
      shop.orders.set(String(fixture.id), structuredClone(fixture.body));
    }

    for (const response of this.readResponses('transaction-', 'GET')) {
      for (const transaction of (response.transactions as JsonObject[] | undefined) ?? []) {
        const orderId = String(transaction.order_id);
        const list = shop.transactions.get(orderId) ?? [];

        if (!list.some((existing) => existing.id === transaction.id)) {
          list.push(transaction);
        }

        shop.transactions.set(orderId, list);
      }
    }

    for (const response of this.readResponses('payout-', 'GET')) {
      const payouts =
        (response.payouts as JsonObject[] | undefined) ??
        (response.payout ? [response.payout as JsonObject] : []);

      for (const payout of payouts) {
        shop.payouts.set(String(payout.id), payout);
      }
    }

    for (const payout of shop.payouts.values()) {
      shop.balanceTransactions.push(...balanceTransactionsFromSummary(payout));
    }

    for (const response of this.readResponses('location-', 'GET')) {
      for (const location of (response.locations as JsonObject[] | undefined) ?? []) {
        if (!shop.locations.some((existing) => existing.id === location.id)) {
          shop.locations.push(location);
        }
      }
    }

    for (const response of this.readResponses('inventory_level-', 'GET')) {
      for (const level of (response.inventory_levels as JsonObject[] | undefined) ?? []) {
        shop.inventoryLevels.set(
          `${String(level.inventory_item_id)}:${String(level.location_id)}`,
          Number(level.available ?? 0),
        );
      }
    }

    // Inventory items get the SKUs of the sample orders' variants (the published inventory item
    // examples carry no SKU of their own), so a SKU from an order can be pushed back.
    for (const order of shop.orders.values()) {
      for (const item of (order.line_items as JsonObject[] | undefined) ?? []) {
        const sku = typeof item.sku === 'string' ? item.sku.trim() : '';

        if (
          sku &&
          item.variant_id &&
          ![...shop.inventoryItems.values()].some((known) => known.sku === sku)
        ) {
          shop.inventoryItems.set(String(item.variant_id), { id: Number(item.variant_id), sku });
        }
      }
    }
  }

  private readResponses(prefix: string, method: string): JsonObject[] {
    const dir = path.join(this.config.fixturesDir, 'shopify');

    return readdirSync(dir)
      .filter((file) => file.startsWith(prefix) && file.endsWith('.json'))
      .sort()
      .map(
        (file) =>
          JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {
            request: { method: string; url: string };
            response: JsonObject;
          },
      )
      .filter(
        (fixture) => fixture.request.method === method && !fixture.request.url.includes('fields='),
      )
      .map((fixture) => fixture.response);
  }
}

/**
 * Builds the balance transactions of a payout from its published summary, because Shopify's
 * examples include no balance transactions. It returns one charge, one refund and one adjustment,
 * each with the summary's gross and fee, so their net adds up to the payout amount when the
 * summary does.
 */
export function balanceTransactionsFromSummary(payout: JsonObject): JsonObject[] {
  const summary = (payout.summary as Record<string, string> | undefined) ?? {};
  const kinds: [string, string][] = [
    ['charge', 'charges'],
    ['refund', 'refunds'],
    ['adjustment', 'adjustments'],
    ['reserve', 'reserved_funds'],
  ];
  const payoutId = Number(payout.id);

  return kinds.flatMap(([type, key], index) => {
    const gross = cents(summary[`${key}_gross_amount`]);
    const fee = cents(summary[`${key}_fee_amount`]);

    if (gross === 0 && fee === 0) {
      return [];
    }

    return [
      {
        id: payoutId * 10 + index,
        type,
        test: false,
        payout_id: payoutId,
        payout_status: payout.status,
        currency: payout.currency,
        amount: decimal(gross),
        fee: decimal(fee),
        net: decimal(gross - fee),
        source_id: payoutId * 100 + index,
        source_type: type === 'adjustment' ? 'adjustment' : 'charge',
        source_order_id: null,
        source_order_transaction_id: null,
        processed_at: `${String(payout.date)}T00:00:00Z`,
      },
    ];
  });
}

function cents(value: string | undefined): number {
  return value ? Math.round(Number(value) * 100) : 0;
}

function decimal(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const absolute = Math.abs(minor);

  return `${sign}${Math.floor(absolute / 100)}.${String(absolute % 100).padStart(2, '0')}`;
}
