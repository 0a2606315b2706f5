import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { Inject, Injectable } from '@nestjs/common';

import { ChannelRateLimiter, type ChannelJson } from '../common/channel-stand-in';
import { SANDBOX_CONFIG } from '../config/config.tokens';
import { type SandboxConfig } from '../config/sandbox.config';

type Json = ChannelJson;

/** The merchant and access token the stand-in accepts. */
export const SQUARE_SANDBOX_MERCHANT = {
  merchantId: '6SSW7HV8K2ST5',
  accessToken: 'square-sandbox-access-token',
};

/**
 * The Square stand-in's data, from the hand-written `fixtures/square` files (Square publishes
 * no sample files): orders, a refund, a payout with its entries, catalog variations and counts.
 */
@Injectable()
export class SquareStore {
  readonly orders = new Map<string, Json>();
  readonly refunds: Json[] = [];
  readonly payouts: Json[] = [];
  readonly entries = new Map<string, Json[]>();
  readonly catalog: Json[] = [];
  readonly counts: Json[] = [];
  readonly fixtures: Record<string, Json> = {};
  // NOTE: Square publishes no per-second budget, so this one is an estimate of the point where
  // it starts returning RATE_LIMITED.
  readonly limiter = new ChannelRateLimiter({ default: { requestsPerSecond: 20, burst: 40 } });

  constructor(@Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig) {
    this.seed();
  }

  seed(): void {
    const read = (file: string): Json =>
      JSON.parse(readFileSync(path.join(this.config.fixturesDir, 'square', file), 'utf8')) as Json;

    this.orders.clear();
    this.entries.clear();
    this.limiter.reset();

    for (const list of [this.refunds, this.payouts, this.catalog, this.counts]) {
      list.length = 0;
    }

    for (const order of read('search-orders.json').orders as Json[]) {
      this.orders.set(order.id, order);
    }

    this.refunds.push(read('webhook-refund-updated.json').data.object.refund);
    this.payouts.push(...(read('list-payouts.json').payouts as Json[]));
    this.entries.set(this.payouts[0].id, read('list-payout-entries.json').payout_entries);
    this.catalog.push(...(read('batch-retrieve-catalog-objects.json').objects as Json[]));
    this.counts.push(...(read('batch-retrieve-inventory-counts.json').counts as Json[]));

    for (const name of ['webhook-order-updated', 'webhook-refund-updated', 'webhook-payout-paid']) {
      this.fixtures[name] = read(`${name}.json`);
    }
  }
}
