import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { Inject, Injectable } from '@nestjs/common';

import { ChannelRateLimiter, type ChannelJson } from '../common/channel-stand-in';
import { SANDBOX_CONFIG } from '../config/config.tokens';
import { type SandboxConfig } from '../config/sandbox.config';

type Json = ChannelJson;

/** The app keys and user refresh token the stand-in accepts. */
export const EBAY_SANDBOX_APP = {
  clientId: 'ebay-sandbox-app-id',
  clientSecret: 'ebay-sandbox-cert-id',
  refreshToken: 'v^1.1#i^1#sandbox-refresh-token',
};

/**
 * The eBay stand-in's data, from the hand-written `fixtures/ebay` files (eBay publishes no
 * sample files): orders, a payout with its transactions and inventory items.
 */
@Injectable()
export class EbayStore {
  readonly orders = new Map<string, Json>();
  readonly payouts: Json[] = [];
  readonly transactions: Json[] = [];
  readonly inventory = new Map<string, Json>();
  readonly tokens = new Map<string, number>();
  /**
   * eBay meters each API by calls per day (Fulfillment 100,000); this bucket spreads such a
   * budget over the day with a burst for paging.
   */
  readonly limiter = new ChannelRateLimiter({
    default: { requestsPerSecond: 100_000 / 86_400, burst: 100 },
  });

  constructor(@Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig) {
    this.seed();
  }

  seed(): void {
    const read = (file: string): Json =>
      JSON.parse(readFileSync(path.join(this.config.fixturesDir, 'ebay', file), 'utf8')) as Json;

    this.orders.clear();
    this.inventory.clear();
    this.tokens.clear();
    this.payouts.length = 0;
    this.transactions.length = 0;
    this.limiter.reset();

    for (const order of [
      ...read('get-orders.json').orders,
      ...read('get-orders-eur.json').orders,
    ] as Json[]) {
      this.orders.set(order.orderId, order);
    }

    this.payouts.push(...(read('get-payouts.json').payouts as Json[]));
    this.transactions.push(...(read('get-transactions.json').transactions as Json[]));

    for (const item of read('get-inventory-items.json').inventoryItems as Json[]) {
      this.inventory.set(item.sku, item);
    }
  }

  issueToken(nowMs: number): Json {
    const token = `v^1.1#i^1#${randomBytes(24).toString('base64url')}`;

    this.tokens.set(token, nowMs + 7200 * 1000);

    return { access_token: token, expires_in: 7200, token_type: 'User Access Token' };
  }
}
