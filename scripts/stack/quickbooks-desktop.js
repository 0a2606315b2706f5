'use strict';
// Pairs an account with a simulated QuickBooks Desktop company file in the sandbox and runs the
// sandbox's Web Connector against the qbd service, as the real Web Connector would on its schedule.
const crypto = require('node:crypto');

const { api } = require('./account');

const DESKTOP_SHOP_DOMAIN = 'desktop-shop.myshopify.io';

async function sandbox(stack, method, path, body) {
  const response = await fetch(`${stack.sandboxUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`sandbox ${method} ${path} returned HTTP ${response.status}: ${text}`);
  }

  return text ? JSON.parse(text) : undefined;
}

/**
 * Creates an account that posts to QuickBooks Desktop, connects a second sandbox Shopify shop to
 * it, pairs a new simulated company file and reads the Web Connector's AppURL from the .qwc file.
 */
async function connectDesktopAccount(stack, options = {}) {
  const account = await api(stack, 'POST', '/api/accounts', {
    name: options.name ?? 'Desktop demo shop',
    target: 'qbd',
  });
  const webhookSecret = options.webhookSecret ?? 'demo-desktop-shop-client-secret';
  await api(stack, 'POST', `/api/accounts/${account.accountId}/connections/shopify`, {
    shopDomain: DESKTOP_SHOP_DOMAIN,
    webhookSecret,
  });
  const pairing = await api(
    stack,
    'POST',
    `/api/accounts/${account.accountId}/connections/quickbooks-desktop`,
    { appName: 'qbsync demo' },
  );
  const qwcResponse = await fetch(
    `${stack.gatewayUrl}/api/accounts/${account.accountId}/connections/quickbooks-desktop/qwc`,
    { headers: { Authorization: `Bearer ${stack.apiToken}` } },
  );
  const appUrl = /<AppURL>([^<]+)<\/AppURL>/.exec(await qwcResponse.text())?.[1];
  if (!qwcResponse.ok || !appUrl) {
    throw new Error(`the .qwc download returned HTTP ${qwcResponse.status} without an AppURL`);
  }

  const companyId = crypto.randomUUID();
  await sandbox(stack, 'PUT', `/qbwc-sandbox/companies/${companyId}`, {});

  return {
    accountId: account.accountId,
    shopDomain: DESKTOP_SHOP_DOMAIN,
    webhookSecret,
    companyId,
    appUrl,
    userName: pairing.userName,
    password: pairing.password,
  };
}

/** Runs Web Connector sessions until the qbd service has no more work, and returns their reports. */
function runWebConnector(stack, desktop, maxSessions = 20) {
  return sandbox(stack, 'POST', `/qbwc-sandbox/companies/${desktop.companyId}/sessions`, {
    appUrl: desktop.appUrl,
    userName: desktop.userName,
    password: desktop.password,
    maxSessions,
  });
}

/** Lists the transactions in the simulated company file (type, RefNumber, memo, total). */
async function desktopTransactions(stack, desktop) {
  const company = await sandbox(stack, 'GET', `/qbwc-sandbox/companies/${desktop.companyId}`);

  return company.transactions;
}

module.exports = { connectDesktopAccount, runWebConnector, desktopTransactions };
