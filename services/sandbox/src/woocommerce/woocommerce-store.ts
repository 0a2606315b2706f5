import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { Inject, Injectable } from '@nestjs/common';

import { ChannelRateLimiter, type ChannelJson } from '../common/channel-stand-in';
import { SANDBOX_CONFIG } from '../config/config.tokens';
import { type SandboxConfig } from '../config/sandbox.config';

type Json = ChannelJson;

/** The consumer key pair the stand-in accepts until a test registers another. */
export const WOO_SANDBOX_KEY = { consumerKey: 'ck_sandbox', consumerSecret: 'cs_sandbox' };

/**
 * The stand-in store's data: WooCommerce's published example orders, refunds and products from
 * `fixtures/woocommerce`, plus whatever tests add. Kept in memory.
 */
@Injectable()
export class WooCommerceStore {
  readonly orders = new Map<number, Json>();
  readonly refunds = new Map<number, Json[]>();
  readonly products = new Map<number, Json>();
  readonly variations = new Map<number, Json[]>();
  readonly webhooks: Json[] = [];
  readonly keys = new Map<string, string>([
    [WOO_SANDBOX_KEY.consumerKey, WOO_SANDBOX_KEY.consumerSecret],
  ]);

  /** WooCommerce core sets no REST limit, so this budget is an estimate of a typical host's. */
  readonly limiter = new ChannelRateLimiter({ default: { requestsPerSecond: 25, burst: 50 } });

  constructor(@Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig) {
    this.seed();
  }

  seed(): void {
    this.orders.clear();
    this.refunds.clear();
    this.products.clear();
    this.variations.clear();
    this.webhooks.length = 0;
    this.limiter.reset();

    const read = (file: string): unknown =>
      JSON.parse(readFileSync(path.join(this.config.fixturesDir, 'woocommerce', file), 'utf8'));

    for (const order of [
      read('order-create.json'),
      ...(read('orders-list.json') as Json[]),
    ] as Json[]) {
      this.orders.set(order.id, order);
    }

    this.refunds.set(723, read('refunds-list.json') as Json[]);

    for (const product of read('products-list.json') as Json[]) {
      this.products.set(product.id, product);
    }

    this.webhooks.push(...(read('webhooks-list.json') as Json[]));
  }

  upsertOrder(order: Json, now: Date): Json {
    const stamped: Json = {
      ...order,
      date_modified_gmt: order.date_modified_gmt ?? now.toISOString().slice(0, 19),
    };

    this.orders.set(stamped.id, stamped);

    return stamped;
  }
}
