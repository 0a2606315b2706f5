import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

import { DEFAULT_FIXTURES_DIR } from '../config/sandbox.config';

/** One distinct Shopify order found in the fixtures. */
export interface ShopifyOrderFixture {
  id: number;
  /** The order name, such as `#1001`. */
  name: string;
  /** The order object exactly as a webhook carries it. */
  body: Record<string, unknown>;
  /** Fixture file the body was taken from. */
  file: string;
}

export interface LoadOrderFixturesOptions {
  /** The repository's fixtures folder. Orders are read from its `shopify` subfolder. */
  fixturesDir?: string;
  /** File names inside `shopify/`. Defaults to every `order-*.json`. */
  files?: string[];
}

export class FixtureError extends Error {
  override readonly name = 'FixtureError';
}

const fixtureNamePattern = /^[\w.-]+\.json$/;

interface FixtureFile {
  request?: { method?: string; url?: string };
  response?: { order?: unknown; orders?: unknown };
}

/**
 * Reads the orders in Shopify REST fixture files (`{request, response: {order} | {orders}}`).
 * Responses to requests with `fields=` hold partial orders and are skipped. Each order id is
 * returned once, keeping the body with the most fields, in order of first appearance.
 */
export function loadShopifyOrderFixtures(
  options: LoadOrderFixturesOptions = {},
): ShopifyOrderFixture[] {
  const shopifyDir = path.join(options.fixturesDir ?? DEFAULT_FIXTURES_DIR, 'shopify');
  const files = options.files ?? listOrderFiles(shopifyDir);
  const orders = new Map<number, ShopifyOrderFixture>();

  for (const file of files) {
    for (const body of readOrders(shopifyDir, file)) {
      keepFullest(orders, { id: Number(body.id), name: String(body.name ?? ''), body, file });
    }
  }

  return [...orders.values()];
}

function listOrderFiles(shopifyDir: string): string[] {
  try {
    return readdirSync(shopifyDir)
      .filter((file) => file.startsWith('order-') && file.endsWith('.json'))
      .sort();
  } catch (error) {
    throw new FixtureError(
      `Cannot list Shopify fixtures in ${shopifyDir}: ${(error as Error).message}`,
    );
  }
}

function readOrders(shopifyDir: string, file: string): Record<string, unknown>[] {
  if (!fixtureNamePattern.test(file) || file.includes('..')) {
    throw new FixtureError(
      `Invalid fixture name "${file}": expected a .json file name without folders`,
    );
  }

  let fixture: FixtureFile;

  try {
    fixture = JSON.parse(readFileSync(path.join(shopifyDir, file), 'utf8')) as FixtureFile;
  } catch (error) {
    throw new FixtureError(`Cannot read Shopify fixture ${file}: ${(error as Error).message}`);
  }

  if (fixture.request?.url?.includes('fields=')) {
    return [];
  }

  const response = fixture.response ?? {};
  const candidates = response.order !== undefined ? [response.order] : response.orders;

  return (Array.isArray(candidates) ? candidates : []).filter(isOrderObject);
}

function isOrderObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { id?: unknown }).id === 'number'
  );
}

function keepFullest(
  orders: Map<number, ShopifyOrderFixture>,
  candidate: ShopifyOrderFixture,
): void {
  const current = orders.get(candidate.id);

  if (!current || Object.keys(candidate.body).length > Object.keys(current.body).length) {
    orders.set(candidate.id, candidate);
  }
}
