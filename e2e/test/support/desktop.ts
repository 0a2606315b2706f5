import { type QbdConnectionStatus } from '@qbsync/contracts';
import { type RunningService, startService } from '@qbsync/platform';
import { qbdService } from '@qbsync/qbd';
import { freePort, type InfrastructureHandle } from '@qbsync/testing';

import { type ConnectedAccount, requestGateway, SHOP_DOMAIN, WEBHOOK_SECRET } from './gateway';
import { type Stack } from './stack';

/** A Desktop account connected to the sandbox Shopify shop, and its Web Connector pairing. */
export interface DesktopAccount {
  account: ConnectedAccount;
  pairing: QbdConnectionStatus;
}

/**
 * Starts the qbd service in this process on a free 127.0.0.1 port, with the MongoDB database
 * `database` on the test FerretDB server. The caller stops it.
 */
export async function startQbd(
  infra: InfrastructureHandle,
  database: string,
): Promise<RunningService<object>> {
  const port = await freePort();
  const mongo = new URL(infra.current.mongoUri);

  mongo.pathname = `/${database}`;

  return startService(qbdService, {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'error',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(port),
    NATS_URL: infra.current.natsUrl,
    MONGODB_URI: mongo.toString(),
    QBD_PUBLIC_URL: `http://127.0.0.1:${port}`,
  });
}

/**
 * Creates a QuickBooks Desktop account through the gateway, connects it to the sandbox Shopify
 * shop and pairs it with the Web Connector. `pairingRequest` is the body of the pairing request.
 */
export async function connectDesktopAccount(
  stack: Stack,
  name: string,
  pairingRequest: Record<string, unknown> = {},
): Promise<DesktopAccount> {
  const { accountId } = await requestGateway<{ accountId: string }>(
    stack,
    'POST',
    '/api/accounts',
    { name, target: 'qbd' },
  );

  await requestGateway(stack, 'POST', `/api/accounts/${accountId}/connections/shopify`, {
    shopDomain: SHOP_DOMAIN,
    webhookSecret: WEBHOOK_SECRET,
  });

  const pairing = await requestGateway<QbdConnectionStatus>(
    stack,
    'POST',
    `/api/accounts/${accountId}/connections/quickbooks-desktop`,
    pairingRequest,
  );

  return {
    account: { accountId, shopDomain: SHOP_DOMAIN, webhookSecret: WEBHOOK_SECRET, realmId: '' },
    pairing,
  };
}

/** Sends a JSON request to the sandbox's control API, and throws unless the status is 2xx. */
export async function requestSandbox<T>(url: string, method: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  if (!response.ok) {
    throw new Error(`${method} ${url} returned ${response.status}: ${await response.text()}`);
  }

  return (await response.json()) as T;
}
