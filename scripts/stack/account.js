'use strict';
// Creates an account through the gateway's API and connects it to the sandbox Shopify shop and
// the sandbox QuickBooks Online company, following the OAuth redirects a browser would follow.

const SHOP_DOMAIN = 'test-shop.myshopify.io';

async function api(stack, method, path, body) {
  const response = await fetch(`${stack.gatewayUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${stack.apiToken}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`${method} ${path} returned HTTP ${response.status}: ${text}`);
  }

  return text ? JSON.parse(text) : undefined;
}

async function connectDemoAccount(stack, options = {}) {
  const account = await api(stack, 'POST', '/api/accounts', { name: options.name ?? 'Demo shop' });
  const webhookSecret = options.webhookSecret ?? 'demo-shopify-client-secret';
  await api(stack, 'POST', `/api/accounts/${account.accountId}/connections/shopify`, {
    shopDomain: SHOP_DOMAIN,
    webhookSecret,
  });
  const { authorizeUrl } = await api(
    stack,
    'POST',
    `/api/accounts/${account.accountId}/connections/quickbooks-online`,
    {
      missingItemAction: options.missingItemAction ?? 'create',
    },
  );
  const realmId = await approveQuickBooks(authorizeUrl, options.realmId);

  return { accountId: account.accountId, shopDomain: SHOP_DOMAIN, webhookSecret, realmId };
}

/** Opens the authorize URL as the user's browser would, and follows the redirect to the callback. */
async function approveQuickBooks(authorizeUrl, realmId) {
  const url = new URL(authorizeUrl);
  if (realmId) {
    url.searchParams.set('realmId', realmId);
  }

  const consent = await fetch(url, { redirect: 'manual' });
  const callback = consent.headers.get('location');
  if (consent.status !== 302 || !callback) {
    throw new Error(
      `QuickBooks authorize returned HTTP ${consent.status} without a redirect: ${await consent.text()}`,
    );
  }

  const connected = await fetch(callback);
  if (!connected.ok) {
    throw new Error(
      `QuickBooks callback returned HTTP ${connected.status}: ${await connected.text()}`,
    );
  }

  return (await connected.json()).realmId;
}

async function listSyncEvents(stack, accountId, query = {}) {
  const params = new URLSearchParams({ limit: '5000', ...query });

  return api(stack, 'GET', `/api/accounts/${accountId}/sync-events?${params}`);
}

module.exports = { SHOP_DOMAIN, api, connectDemoAccount, listSyncEvents };
