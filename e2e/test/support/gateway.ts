import { type SyncEvent, type SyncStatus } from '@qbsync/contracts';
import { waitFor } from '@qbsync/testing';

import { type Stack } from './stack';

/** The shop domain every test account connects; each test file runs its own stack. */
export const SHOP_DOMAIN = 'test-shop.myshopify.io';
/** Shopify signs webhooks with the app's client secret; the connectors service stores it. */
export const WEBHOOK_SECRET = 'e2e-shopify-client-secret';

export interface HttpResult<T = unknown> {
  status: number;
  body: T;
}

/** A sync event as the gateway's activity log returns it. */
export type LoggedSyncEvent = SyncEvent & { recordedAt: string };

export interface ConnectedAccount {
  accountId: string;
  shopDomain: string;
  webhookSecret: string;
  realmId: string;
}

/** Sends a request to the gateway with the API token unless `token` is given, and parses JSON. */
export async function callGateway<T = unknown>(
  stack: Stack,
  method: string,
  path: string,
  options: { body?: unknown; token?: string | null } = {},
): Promise<HttpResult<T>> {
  const token = options.token === undefined ? stack.apiToken : options.token;
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };

  if (token !== null) {
    headers.Authorization = `Bearer ${token}`;
  }

  const response = await fetch(`${stack.gatewayUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();

  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** Sends a request like callGateway, and throws unless the response status is 2xx. */
export async function requestGateway<T>(
  stack: Stack,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const result = await callGateway<T>(stack, method, path, { body });

  if (result.status < 200 || result.status >= 300) {
    throw new Error(`${method} ${path} returned ${result.status}: ${JSON.stringify(result.body)}`);
  }

  return result.body;
}

export async function createAccount(stack: Stack, name: string): Promise<string> {
  const account = await requestGateway<{ accountId: string }>(stack, 'POST', '/api/accounts', {
    name,
  });

  return account.accountId;
}

/**
 * Creates an account through the gateway's API and connects it to the sandbox Shopify shop and
 * QuickBooks Online company, following the OAuth redirects a browser would follow.
 */
export async function connectAccount(
  stack: Stack,
  options: { name: string; missingItemAction?: 'create' | 'fail' },
): Promise<ConnectedAccount> {
  const accountId = await createAccount(stack, options.name);

  await requestGateway(stack, 'POST', `/api/accounts/${accountId}/connections/shopify`, {
    shopDomain: SHOP_DOMAIN,
    webhookSecret: WEBHOOK_SECRET,
  });

  const { authorizeUrl } = await requestGateway<{ authorizeUrl: string }>(
    stack,
    'POST',
    `/api/accounts/${accountId}/connections/quickbooks-online`,
    { missingItemAction: options.missingItemAction ?? 'create' },
  );
  const realmId = await approveQuickBooks(authorizeUrl);

  return { accountId, shopDomain: SHOP_DOMAIN, webhookSecret: WEBHOOK_SECRET, realmId };
}

/** Opens the authorize URL as the user's browser would, and follows the redirect to the callback. */
async function approveQuickBooks(authorizeUrl: string): Promise<string> {
  const consent = await fetch(authorizeUrl, { redirect: 'manual' });
  const callback = consent.headers.get('location');

  if (consent.status !== 302 || !callback) {
    throw new Error(
      `QuickBooks authorize returned ${consent.status} without a redirect: ${await consent.text()}`,
    );
  }

  const connected = await fetch(callback);

  if (!connected.ok) {
    throw new Error(`QuickBooks callback returned ${connected.status}: ${await connected.text()}`);
  }

  return ((await connected.json()) as { realmId: string }).realmId;
}

export async function listSyncEvents(
  stack: Stack,
  accountId: string,
  query: { orderId?: string; status?: SyncStatus } = {},
): Promise<LoggedSyncEvent[]> {
  const params = new URLSearchParams({ limit: '5000', ...query });

  return requestGateway<LoggedSyncEvent[]>(
    stack,
    'GET',
    `/api/accounts/${accountId}/sync-events?${params}`,
  );
}

/** Polls the activity log until the order has an event with `status`, and returns that event. */
export async function waitForSyncEvent(
  stack: Stack,
  accountId: string,
  orderId: string,
  status: SyncStatus,
  timeoutMs = 20_000,
): Promise<LoggedSyncEvent> {
  return waitFor(
    async () => {
      const events = await listSyncEvents(stack, accountId, { orderId, status });

      return events[0];
    },
    { timeoutMs, intervalMs: 100, description: `a ${status} sync event for order ${orderId}` },
  );
}

/** Polls the activity log for up to 30 s until `match` accepts an event, and returns that event. */
export async function waitForSyncEventMatching(
  stack: Stack,
  accountId: string,
  description: string,
  match: (event: LoggedSyncEvent) => boolean,
): Promise<LoggedSyncEvent> {
  return waitFor(async () => (await listSyncEvents(stack, accountId)).find(match), {
    timeoutMs: 30_000,
    intervalMs: 200,
    description,
  });
}
