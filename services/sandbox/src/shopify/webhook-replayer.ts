import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';

import { signShopifyWebhook } from './webhook-signature';

export type ShopifyOrderTopic = 'orders/create' | 'orders/updated';

/** The Admin API version the fixtures come from, sent as `X-Shopify-API-Version`. */
export const SHOPIFY_API_VERSION = '2026-07';

/** Shopify waits five seconds for a webhook response before it counts the delivery as failed. */
export const SHOPIFY_RESPONSE_TIMEOUT_MS = 5000;

export interface ReplayOptions {
  /** Receiver URL, which must be on a loopback host. */
  targetUrl: string;
  shopDomain: string;
  /** The app's client secret, the HMAC key. */
  secret: string;
  topic?: ShopifyOrderTopic;
  /** Order objects, each sent as one webhook body. */
  orders: Record<string, unknown>[];
  /** Extra deliveries of each webhook with the same ids, as Shopify retries do. */
  repeatDeliveries?: number;
  /** Orders delivered at the same time. */
  concurrency?: number;
  timeoutMs?: number;
}

export interface DeliveryResult {
  orderId: unknown;
  name: unknown;
  webhookId: string;
  /** 1 for the first delivery, 2 and up for repeats. */
  attempt: number;
  /** HTTP status of the receiver's response, or 0 when there was none. */
  status: number;
  durationMs: number;
  error?: string;
}

interface PreparedWebhook {
  orderId: unknown;
  name: unknown;
  webhookId: string;
  body: Buffer;
  headers: Record<string, string>;
}

export class TargetNotAllowedError extends Error {
  override readonly name = 'TargetNotAllowedError';
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Returns the parsed URL if it is http(s) on a loopback host, else throws TargetNotAllowedError. */
export function assertLocalTarget(targetUrl: string): URL {
  let url: URL;

  try {
    url = new URL(targetUrl);
  } catch {
    throw new TargetNotAllowedError(`targetUrl "${targetUrl}" is not an absolute URL`);
  }

  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TargetNotAllowedError(`targetUrl must use http or https, not ${url.protocol}`);
  }

  if (!LOOPBACK_HOSTS.has(url.hostname) && !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(url.hostname)) {
    throw new TargetNotAllowedError(
      `targetUrl host "${url.hostname}" is not allowed. Use 127.0.0.1 or localhost.`,
    );
  }

  return url;
}

/**
 * Signs each order and POSTs it to the target as a Shopify webhook. Orders are delivered by
 * `concurrency` workers, and the repeats of one order follow its first delivery. Redirects are not
 * followed, so a receiver cannot send the webhook to another host. Results come in order of
 * the input, then attempt.
 */
export async function replayShopifyWebhooks(options: ReplayOptions): Promise<DeliveryResult[]> {
  const url = assertLocalTarget(options.targetUrl);
  const prepared = options.orders.map((order) => prepareWebhook(order, options));
  const results: DeliveryResult[][] = new Array(prepared.length);
  let next = 0;
  const worker = async () => {
    while (next < prepared.length) {
      const index = next++;

      results[index] = await deliverWithRepeats(url, prepared[index], options);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, prepared.length));

  await Promise.all(Array.from({ length: workers }, worker));

  return results.flat();
}

/** Builds the body and headers of one webhook. Repeats reuse them, so the ids stay the same. */
export function prepareWebhook(
  order: Record<string, unknown>,
  options: ReplayOptions,
): PreparedWebhook {
  const body = Buffer.from(JSON.stringify(order), 'utf8');
  const webhookId = randomUUID();

  return {
    orderId: order.id ?? null,
    name: order.name ?? null,
    webhookId,
    body,
    headers: {
      'Content-Type': 'application/json',
      'User-Agent': 'Shopify-Captain-Hook',
      'X-Shopify-Topic': options.topic ?? 'orders/create',
      'X-Shopify-Hmac-Sha256': signShopifyWebhook(body, options.secret),
      'X-Shopify-Shop-Domain': options.shopDomain,
      'X-Shopify-Webhook-Id': webhookId,
      'X-Shopify-Event-Id': randomUUID(),
      'X-Shopify-API-Version': SHOPIFY_API_VERSION,
      'X-Shopify-Triggered-At': new Date().toISOString(),
    },
  };
}

async function deliverWithRepeats(
  url: URL,
  webhook: PreparedWebhook,
  options: ReplayOptions,
): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = [];

  for (let attempt = 1; attempt <= 1 + (options.repeatDeliveries ?? 0); attempt++) {
    results.push(
      await deliver(url, webhook, attempt, options.timeoutMs ?? SHOPIFY_RESPONSE_TIMEOUT_MS),
    );
  }

  return results;
}

async function deliver(
  url: URL,
  webhook: PreparedWebhook,
  attempt: number,
  timeoutMs: number,
): Promise<DeliveryResult> {
  const started = performance.now();
  const result = {
    orderId: webhook.orderId,
    name: webhook.name,
    webhookId: webhook.webhookId,
    attempt,
  };

  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: webhook.headers,
      body: webhook.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });

    await response.arrayBuffer();

    return { ...result, status: response.status, durationMs: elapsed(started) };
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    const message = timedOut ? `timed out after ${timeoutMs} ms` : describeFetchError(error);

    return { ...result, status: 0, durationMs: elapsed(started), error: message };
  }
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) {
    return String(error);
  }

  const cause = (error as Error & { cause?: unknown }).cause;

  return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
