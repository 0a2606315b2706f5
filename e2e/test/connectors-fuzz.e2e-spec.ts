import { createHmac, randomBytes } from 'node:crypto';

import { isKnownCurrency, type Order, orderSchema, Subjects } from '@qbsync/contracts';
import { loadShopifyOrderFixtures } from '@qbsync/sandbox/dist/shopify';
import { withInfrastructure } from '@qbsync/testing';

import {
  type ConnectorsHarness,
  createTestAccount,
  gatewayCall,
  readStream,
  startConnectorsHarness,
} from './connectors-harness';

const SHOPIFY_SECRET = 'e2e-fuzz-shopify-secret';
const PUSH_SECRET = 'e2e-fuzz-custom-push-secret';
const CASES_PER_CHANNEL = 250;
const EXPECTED_STATUSES = new Set([200, 202, 400, 401, 413, 422]);

/** A small seeded generator (mulberry32), so a failing case can be replayed from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;

  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;

    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);

    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const ODD_VALUES: unknown[] = [
  null,
  -1,
  0,
  1.5,
  '',
  'abc',
  '-12.00',
  '1.005',
  '1e3',
  'XYZ',
  [],
  {},
  true,
  'x'.repeat(5000),
  // One past the largest integer a double represents exactly, written as text so it stays exact.
  '9007199254740993',
];

/** Returns the paths of every value in a JSON document, such as ["line_items", 0, "quantity"]. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) {
    return [prefix, ...value.flatMap((item, index) => paths(item, [...prefix, index]))];
  }

  if (value && typeof value === 'object') {
    return [
      prefix,
      ...Object.entries(value).flatMap(([key, item]) => paths(item, [...prefix, key])),
    ];
  }

  return [prefix];
}

function setAt(root: unknown, path: (string | number)[], value: unknown, remove: boolean): void {
  let parent = root as Record<string | number, unknown> | null | undefined;

  for (const key of path.slice(0, -1)) {
    parent = parent?.[key] as Record<string | number, unknown> | null | undefined;
  }

  // An earlier mutation of the same body may have replaced this path's parent.
  if (!parent || typeof parent !== 'object') {
    return;
  }

  const last = path[path.length - 1];

  if (remove && !Array.isArray(parent)) {
    delete parent[last];
  } else {
    parent[last] = value;
  }
}

/** Returns one mutated body: a changed or deleted field, a truncation, a flipped byte or random bytes. */
function mutate(base: unknown, next: () => number): Buffer {
  const pick = <T>(items: T[]): T => items[Math.floor(next() * items.length)];
  const choice = next();

  if (choice < 0.55) {
    const copy = structuredClone(base);

    for (let count = 1 + Math.floor(next() * 3); count > 0; count -= 1) {
      const targets = paths(copy).filter((path) => path.length > 0);

      if (targets.length === 0) {
        break;
      }

      setAt(copy, pick(targets), pick(ODD_VALUES), next() < 0.3);
    }

    return Buffer.from(JSON.stringify(copy));
  }

  const text = Buffer.from(JSON.stringify(base));

  if (choice < 0.75) {
    return text.subarray(0, Math.floor(next() * text.length));
  }

  if (choice < 0.9) {
    const copy = Buffer.from(text);

    copy[Math.floor(next() * copy.length)] = Math.floor(next() * 256);

    return copy;
  }

  return randomBytes(1 + Math.floor(next() * 2000));
}

interface Outcome {
  status: number;
  accepted: boolean;
  body: Buffer;
}

async function fuzz(
  url: string,
  bases: unknown[],
  headersFor: (body: Buffer) => Record<string, string>,
  seed: number,
): Promise<Outcome[]> {
  const next = random(seed);
  const outcomes: Outcome[] = [];

  for (let index = 0; index < CASES_PER_CHANNEL; index += 1) {
    const body = mutate(bases[index % bases.length], next);
    const response = await fetch(url, { method: 'POST', headers: headersFor(body), body });
    const reply = (await response.json().catch(() => ({}))) as { status?: string };

    outcomes.push({ status: response.status, accepted: reply.status === 'accepted', body });
  }

  return outcomes;
}

/** An independent check of what an accepted Shopify order must have, whatever the normaliser does. */
function isAcceptableShopifyOrder(body: Buffer): boolean {
  let order: {
    line_items?: { quantity?: unknown }[];
    currency?: unknown;
    total_price?: unknown;
    id?: unknown;
  };

  try {
    order = JSON.parse(body.toString('utf8')) as typeof order;
  } catch {
    return false;
  }

  return (
    Array.isArray(order.line_items) &&
    order.line_items.length > 0 &&
    order.line_items.every(
      (item) => Number.isInteger(item.quantity) && (item.quantity as number) > 0,
    ) &&
    typeof order.currency === 'string' &&
    isKnownCurrency(order.currency) &&
    typeof order.total_price === 'string' &&
    /^\d+(\.\d+)?$/.test(order.total_price)
  );
}

function isAcceptableCustomBatch(body: Buffer): boolean {
  try {
    const batch = JSON.parse(body.toString('utf8')) as {
      Orders?: { Lines?: { Quantity?: unknown }[]; CurrencyCode?: unknown }[];
    };

    return (batch.Orders ?? []).some(
      (order) =>
        typeof order.CurrencyCode === 'string' &&
        isKnownCurrency(order.CurrencyCode.toUpperCase()) &&
        Array.isArray(order.Lines) &&
        order.Lines.every(
          (line) => Number(line.Quantity) > 0 && Number.isInteger(Number(line.Quantity)),
        ),
    );
  } catch {
    return false;
  }
}

describe('webhook fuzzing', () => {
  const infra = withInfrastructure();

  describe('Shopify', () => {
    let harness: ConnectorsHarness;
    let connectionId: string;
    let outcomes: Outcome[];
    const shopDomain = `fuzz-${randomBytes(4).toString('hex')}.myshopify.com`;

    beforeAll(async () => {
      harness = await startConnectorsHarness(infra, { channel: 'shopify' });
      const accountId = await createTestAccount(harness, 'Fuzz Shopify');
      const reply = await gatewayCall<{ connectionId: string }>(
        harness,
        'POST',
        `/api/accounts/${accountId}/connections/shopify`,
        {
          shopDomain,
          webhookSecret: SHOPIFY_SECRET,
        },
      );

      connectionId = reply.body.connectionId;
      const bases = loadShopifyOrderFixtures().map((fixture) => fixture.body);

      outcomes = await fuzz(
        `${harness.replicas[0].url}/webhooks/shopify`,
        bases,
        (body) => ({
          'content-type': 'application/json',
          'x-shopify-topic': 'orders/updated',
          'x-shopify-shop-domain': shopDomain,
          'x-shopify-hmac-sha256': createHmac('sha256', SHOPIFY_SECRET)
            .update(body)
            .digest('base64'),
        }),
        20261204,
      );
    }, 300_000);

    afterAll(async () => {
      await harness?.stop();
    }, 60_000);

    it('answers every body without a server error', () => {
      expect(outcomes.filter((outcome) => !EXPECTED_STATUSES.has(outcome.status))).toEqual([]);
    });

    it('rejects some bodies', () => {
      expect(outcomes.filter((outcome) => outcome.status === 422).length).toBeGreaterThan(0);
    });

    it('accepts only valid orders', () => {
      const invalidAccepted = outcomes.filter(
        (outcome) => outcome.accepted && !isAcceptableShopifyOrder(outcome.body),
      );

      expect(invalidAccepted.map((outcome) => outcome.body.toString('utf8').slice(0, 200))).toEqual(
        [],
      );
    });

    it('publishes only contract-valid orders', async () => {
      const messages = await readStream<Order>(harness, Subjects.OrderReceived, connectionId);
      const invalid = messages.filter((message) => !orderSchema.safeParse(message.payload).success);

      expect(messages.length).toBeGreaterThan(0);
      expect(invalid).toEqual([]);
    }, 60_000);
  });

  describe('custom store push', () => {
    let harness: ConnectorsHarness;
    let outcomes: Outcome[];

    beforeAll(async () => {
      harness = await startConnectorsHarness(infra, { channel: 'custom', sandboxBaseUrl: false });
      const accountId = await createTestAccount(harness, 'Fuzz custom store');
      const reply = await gatewayCall<{ connectionId: string }>(
        harness,
        'POST',
        `/api/accounts/${accountId}/connections/custom`,
        {
          pushSecret: PUSH_SECRET,
        },
      );
      const base = {
        Orders: [
          {
            OrderNumber: 'F-1',
            CreationDate: '2026-07-01T10:00:00Z',
            CurrencyCode: 'USD',
            Total: '47.40',
            TotalTax: '2.40',
            ShippingExclTax: '5.00',
            Lines: [{ Sku: 'MUG-1', Name: 'Mug', Quantity: 2, PriceExclTax: '20.00' }],
          },
        ],
      };

      outcomes = await fuzz(
        `${harness.replicas[0].url}/webhooks/custom/${reply.body.connectionId}`,
        [base],
        (body) => ({
          'content-type': 'application/json',
          'x-signature': createHmac('sha256', PUSH_SECRET).update(body).digest('base64'),
        }),
        42,
      );
    }, 300_000);

    afterAll(async () => {
      await harness?.stop();
    }, 60_000);

    it('answers every body without a server error', () => {
      expect(outcomes.filter((outcome) => !EXPECTED_STATUSES.has(outcome.status))).toEqual([]);
    });

    it('accepts only batches with a valid order', () => {
      const invalidAccepted = outcomes.filter(
        (outcome) => outcome.accepted && !isAcceptableCustomBatch(outcome.body),
      );

      expect(invalidAccepted.map((outcome) => outcome.body.toString('utf8').slice(0, 200))).toEqual(
        [],
      );
    });
  });
});
