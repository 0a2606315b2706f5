import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { Inject, Injectable } from '@nestjs/common';

import { ChannelRateLimiter, type ChannelJson } from '../common/channel-stand-in';
import { SANDBOX_CONFIG } from '../config/config.tokens';
import { type SandboxConfig } from '../config/sandbox.config';

type Json = ChannelJson;

/** The app keystring, shop and refresh token the stand-in accepts. */
export const ETSY_SANDBOX_APP = {
  keystring: 'etsysandboxkeystring',
  shopId: 30123456,
  refreshToken: '812345.sandbox-refresh-token',
};

/**
 * The Etsy stand-in's data, from the hand-written `fixtures/etsy` files (Etsy publishes no
 * sample files): receipts, payments, ledger entries and one listing's inventory.
 */
@Injectable()
export class EtsyStore {
  readonly receipts = new Map<number, Json>();
  readonly ledger: Json[] = [];
  readonly listings = new Map<number, Json>();
  readonly tokens = new Map<string, number>();
  /**
   * Refresh tokens that may still be exchanged. Etsy issues a new refresh token with every
   * refresh and rejects the one just used, so each token here works once.
   */
  readonly refreshTokens = new Set<string>();
  /** Refresh tokens already exchanged, to tell a reused token from an unknown one. */
  readonly usedRefreshTokens = new Set<string>();
  /** Etsy Open API v3 allows 10 requests a second per app by default. */
  readonly limiter = new ChannelRateLimiter({ default: { requestsPerSecond: 10, burst: 10 } });

  constructor(@Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig) {
    this.seed();
  }

  seed(): void {
    const read = (file: string): Json =>
      JSON.parse(readFileSync(path.join(this.config.fixturesDir, 'etsy', file), 'utf8')) as Json;

    this.receipts.clear();
    this.listings.clear();
    this.tokens.clear();
    this.refreshTokens.clear();
    this.refreshTokens.add(ETSY_SANDBOX_APP.refreshToken);
    this.usedRefreshTokens.clear();
    this.ledger.length = 0;
    this.limiter.reset();

    for (const receipt of [
      ...read('get-shop-receipts.json').results,
      ...read('get-shop-receipts-refunded.json').results,
    ] as Json[]) {
      this.receipts.set(receipt.receipt_id, receipt);
    }

    this.ledger.push(...(read('get-ledger-entries.json').results as Json[]));
    this.listings.set(1500000001, {
      products: [
        {
          product_id: 7700000001,
          sku: 'MUG-BLUE',
          is_deleted: false,
          property_values: [],
          offerings: [
            {
              offering_id: 1,
              quantity: 6,
              is_enabled: true,
              price: { amount: 1500, divisor: 100, currency_code: 'USD' },
            },
          ],
        },
      ],
      price_on_property: [],
      quantity_on_property: [],
      sku_on_property: [],
    });
  }

  /**
   * Spends `refreshToken` and returns an access token for an hour with the refresh token that
   * replaces it. Returns undefined when the refresh token is unknown or was already used.
   */
  refresh(refreshToken: string, nowMs: number): Json | undefined {
    if (!this.refreshTokens.delete(refreshToken)) {
      return undefined;
    }

    const userId = ETSY_SANDBOX_APP.refreshToken.split('.')[0];
    const token = `${userId}.${randomBytes(24).toString('base64url')}`;
    const nextRefreshToken = `${userId}.${randomBytes(24).toString('base64url')}`;

    this.usedRefreshTokens.add(refreshToken);
    this.refreshTokens.add(nextRefreshToken);
    this.tokens.set(token, nowMs + 3600 * 1000);

    return {
      access_token: token,
      token_type: 'Bearer',
      expires_in: 3600,
      refresh_token: nextRefreshToken,
    };
  }
}
