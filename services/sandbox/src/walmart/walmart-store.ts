import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { Inject, Injectable } from '@nestjs/common';

import { ChannelRateLimiter, type ChannelJson } from '../common/channel-stand-in';
import { SANDBOX_CONFIG } from '../config/config.tokens';
import { type SandboxConfig } from '../config/sandbox.config';

type Json = ChannelJson;

/** The Marketplace API client credentials the stand-in accepts. */
export const WALMART_SANDBOX_CLIENT = {
  clientId: 'walmart-sandbox-client-id',
  clientSecret: 'walmart-sandbox-client-secret',
};

export const WALMART_REPORT_FORMATS = ['zip', 'csv', 'corrupt-zip'] as const;
export type WalmartReportFormat = (typeof WALMART_REPORT_FORMATS)[number];

/**
 * The Walmart stand-in's data, from the hand-written `fixtures/walmart` files (Walmart publishes
 * no sample files): purchase orders, one reconciliation report and inventory.
 */
@Injectable()
export class WalmartStore {
  readonly orders = new Map<string, Json>();
  readonly reports = new Map<string, string>();
  /**
   * The form `reconFile` sends a report in: `zip` as Walmart does (a ZIP archive that contains the CSV),
   * `csv` as the bare file, `corrupt-zip` as a ZIP archive cut short, for error handling tests.
   */
  reportFormat: WalmartReportFormat = 'zip';
  readonly inventory = new Map<string, number>();
  readonly feeds: Json[] = [];
  readonly tokens = new Map<string, number>();
  // NOTE: Walmart meters each API with its own token bucket and reports it in
  // x-current-token-count. The budgets here are estimates of the orders and feeds buckets.
  readonly limiter = new ChannelRateLimiter({
    default: { requestsPerSecond: 10, burst: 20 },
    feeds: { requestsPerSecond: 10 / 3600, burst: 10 },
  });

  constructor(@Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig) {
    this.seed();
  }

  seed(): void {
    const file = (name: string): string =>
      readFileSync(path.join(this.config.fixturesDir, 'walmart', name), 'utf8');

    this.orders.clear();
    this.reports.clear();
    this.reportFormat = 'zip';
    this.inventory.clear();
    this.tokens.clear();
    this.feeds.length = 0;
    this.limiter.reset();

    for (const name of ['get-orders.json', 'get-orders-refunded.json']) {
      for (const order of (JSON.parse(file(name)) as Json).list.elements.order as Json[]) {
        this.orders.set(order.purchaseOrderId, order);
      }
    }

    this.reports.set('03142024', file('recon-report-03142024.csv'));
    this.inventory.set('MUG-BLUE', 8);
    this.inventory.set('TOWEL-1', 3);
  }

  issueToken(nowMs: number): Json {
    const token = `eyJraWQi.${randomBytes(24).toString('base64url')}`;

    this.tokens.set(token, nowMs + 900 * 1000);

    return { access_token: token, token_type: 'Bearer', expires_in: 900 };
  }
}
