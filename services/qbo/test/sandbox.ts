import { type AddressInfo } from 'node:net';

import { type NestExpressApplication } from '@nestjs/platform-express';
import { createSandboxApp } from '@qbsync/sandbox/dist/app.factory';

export const SANDBOX_CLIENT_ID = 'qbo-spec-client';
export const SANDBOX_CLIENT_SECRET = 'qbo-spec-secret';
export const REDIRECT_URI = 'http://127.0.0.1:3999/qbo/callback';

/** The QuickBooks Online stand-in listening on a free port of 127.0.0.1. */
export interface RunningSandbox {
  url: string;
  tokenUrl: string;
  /** Requests that reached the token endpoint since the sandbox started. */
  tokenRequests(): number;
  close(): Promise<void>;
}

/**
 * Starts the sandbox in-process. An Express middleware registered before the routes counts the
 * requests to the token endpoint, which the sandbox's own statistics do not cover.
 */
export async function startSandbox(): Promise<RunningSandbox> {
  const app: NestExpressApplication = await createSandboxApp(
    { qboClientId: SANDBOX_CLIENT_ID, qboClientSecret: SANDBOX_CLIENT_SECRET },
    { logger: false },
  );
  let tokenRequests = 0;

  app.use((request: { method: string; path: string }, _response: unknown, next: () => void) => {
    if (request.method === 'POST' && request.path === '/oauth2/v1/tokens/bearer') {
      tokenRequests++;
    }

    next();
  });
  await app.listen(0, '127.0.0.1');

  const { port } = app.getHttpServer().address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    tokenUrl: `${url}/oauth2/v1/tokens/bearer`,
    tokenRequests: () => tokenRequests,
    close: () => app.close(),
  };
}

/** Runs the authorization request, which the sandbox approves at once, and returns the code. */
export async function authorize(
  sandbox: RunningSandbox,
  realmId: string,
): Promise<{ code: string; realmId: string }> {
  const query = new URLSearchParams({
    client_id: SANDBOX_CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'com.intuit.quickbooks.accounting',
    state: 'spec-state',
    realmId,
  });
  const response = await fetch(`${sandbox.url}/oauth2/authorize?${query}`, { redirect: 'manual' });
  const location = new URL(response.headers.get('location') ?? '');
  const code = location.searchParams.get('code');

  if (response.status !== 302 || !code) {
    throw new Error(`The sandbox did not approve the authorization: HTTP ${response.status}`);
  }

  return { code, realmId: location.searchParams.get('realmId') ?? realmId };
}

/** Revokes the grant behind `token`, as a user disconnecting the app in QuickBooks would. */
export async function revokeGrant(sandbox: RunningSandbox, token: string): Promise<void> {
  const credentials = Buffer.from(`${SANDBOX_CLIENT_ID}:${SANDBOX_CLIENT_SECRET}`).toString(
    'base64',
  );
  const response = await fetch(`${sandbox.url}/oauth2/v1/tokens/revoke`, {
    method: 'POST',
    headers: { Authorization: `Basic ${credentials}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ token }),
  });

  if (!response.ok) {
    throw new Error(`The sandbox did not revoke the token: HTTP ${response.status}`);
  }
}

/** Moves the sandbox clock forward; `resetClock` moves it back to real time. */
export async function advanceClock(sandbox: RunningSandbox, seconds: number): Promise<void> {
  const response = await fetch(`${sandbox.url}/__sandbox/clock`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ advanceSeconds: seconds }),
  });

  if (!response.ok) {
    throw new Error(`The sandbox did not move its clock: HTTP ${response.status}`);
  }
}

export async function resetClock(sandbox: RunningSandbox): Promise<void> {
  await fetch(`${sandbox.url}/__sandbox/clock`, { method: 'DELETE' });
}
