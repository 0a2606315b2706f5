import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { Inject, Injectable } from '@nestjs/common';

import { ChannelRateLimiter, type ChannelJson } from '../common/channel-stand-in';
import { SANDBOX_CONFIG } from '../config/config.tokens';
import { type SandboxConfig } from '../config/sandbox.config';

type Json = ChannelJson;

/** The LWA app and seller authorisation the stand-in accepts. */
export const AMAZON_SANDBOX_APP = {
  clientId: 'amzn1.application-oa2-client.sandbox',
  clientSecret: 'amazon-sandbox-client-secret',
  refreshToken: 'Atzr|sandbox-refresh-token',
  sellerId: 'A3TH9S8BH6GOGM',
  marketplaceId: 'ATVPDKIKX0DER',
};

/**
 * Usage plans (rate and burst) of the SP-API operations the stand-in serves, as Amazon
 * documents them for Orders v0, Finances v0, Sellers v1, FBA Inventory v1 and Feeds 2021-06-30.
 */
const USAGE_PLANS = {
  default: { requestsPerSecond: 0.5, burst: 30 },
  getOrders: { requestsPerSecond: 0.0167, burst: 20 },
  getOrder: { requestsPerSecond: 0.5, burst: 30 },
  getOrderItems: { requestsPerSecond: 0.5, burst: 30 },
  listFinancialEventGroups: { requestsPerSecond: 0.5, burst: 30 },
  listFinancialEvents: { requestsPerSecond: 0.5, burst: 30 },
  getMarketplaceParticipations: { requestsPerSecond: 0.016, burst: 15 },
  getInventorySummaries: { requestsPerSecond: 2, burst: 2 },
  createFeedDocument: { requestsPerSecond: 0.5, burst: 15 },
  createFeed: { requestsPerSecond: 0.0083, burst: 15 },
};

/**
 * The Amazon stand-in's data: the published Orders v0 sandbox order and the hand-written order,
 * settlement and events of `fixtures/amazon`, plus LWA access tokens it issued.
 */
@Injectable()
export class AmazonStore {
  readonly orders = new Map<string, Json>();
  readonly items = new Map<string, Json[]>();
  readonly groups: Json[] = [];
  readonly groupEvents = new Map<string, Json>();
  readonly refundEvents: Json[] = [];
  readonly fbaInventory: Json[] = [];
  readonly feedDocuments = new Map<string, string | undefined>();
  readonly feeds: Json[] = [];
  readonly tokens = new Map<string, number>();
  readonly limiter = new ChannelRateLimiter(USAGE_PLANS);

  constructor(@Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig) {
    this.seed();
  }

  seed(): void {
    const read = (file: string): Json =>
      (JSON.parse(readFileSync(path.join(this.config.fixturesDir, 'amazon', file), 'utf8')) as Json)
        .payload;

    for (const map of [
      this.orders,
      this.items,
      this.groupEvents,
      this.feedDocuments,
      this.tokens,
    ]) {
      map.clear();
    }

    for (const list of [this.groups, this.refundEvents, this.fbaInventory, this.feeds]) {
      list.length = 0;
    }

    this.limiter.reset();

    for (const [orderFile, itemsFile] of [
      ['orders-v0.getOrder.sandbox-1.json', 'orders-v0.getOrderItems.sandbox-1.json'],
      ['hand-written.getOrder.json', 'hand-written.getOrderItems.json'],
    ]) {
      const order = read(orderFile);

      this.orders.set(order.AmazonOrderId, order);
      this.items.set(order.AmazonOrderId, read(itemsFile).OrderItems);
    }

    const events = read('hand-written.financial-events-group.json').FinancialEvents;

    this.groups.push(...read('hand-written.financial-event-groups.json').FinancialEventGroupList);
    this.groupEvents.set(this.groups[0].FinancialEventGroupId, events);
    this.refundEvents.push(...events.RefundEventList);
    this.fbaInventory.push({
      sellerSku: 'MUG-BLUE',
      fnSku: 'X00SANDBOX1',
      asin: 'B0C1EXAMPLE',
      condition: 'NewItem',
      totalQuantity: 14,
    });
  }

  /**
   * Returns an access token for an hour. Login with Amazon also returns the refresh token it was
   * given, unchanged: LWA refresh tokens do not rotate.
   */
  issueToken(
    nowMs: number,
    refreshToken: string,
  ): { access_token: string; refresh_token: string; token_type: string; expires_in: number } {
    const token = `Atza|${randomBytes(24).toString('base64url')}`;

    this.tokens.set(token, nowMs + 3600 * 1000);

    return {
      access_token: token,
      refresh_token: refreshToken,
      token_type: 'bearer',
      expires_in: 3600,
    };
  }
}
