'use strict';
// Reads what actually landed in the sandbox QuickBooks Online company, as an independent API
// client with its own OAuth token, so the demo and benchmark check QuickBooks' figures rather
// than the product's own records.

const CLIENT_ID = 'sandbox-client-id';
const CLIENT_SECRET = 'sandbox-client-secret';
const REDIRECT_URI = 'http://127.0.0.1/audit-callback';

async function openAuditSession(sandboxUrl, realmId) {
  const authorize = new URL('/oauth2/authorize', sandboxUrl);
  authorize.search = new URLSearchParams({
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'com.intuit.quickbooks.accounting',
    state: 'audit',
    realmId,
  }).toString();
  const consent = await fetch(authorize, { redirect: 'manual' });
  const code = new URL(consent.headers.get('location') ?? 'http://invalid/').searchParams.get(
    'code',
  );
  if (!code) {
    throw new Error(`sandbox authorize returned HTTP ${consent.status} without a code`);
  }

  const tokenResponse = await fetch(new URL('/oauth2/v1/tokens/bearer', sandboxUrl), {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
    }).toString(),
  });
  const tokens = await tokenResponse.json();

  return { sandboxUrl, realmId, accessToken: tokens.access_token };
}

/** Returns every sales receipt in the company, paging through the query endpoint. */
async function listSalesReceipts(session) {
  const receipts = [];
  for (let start = 1; ; start += 1000) {
    const url = new URL(`/v3/company/${session.realmId}/query`, session.sandboxUrl);
    url.searchParams.set(
      'query',
      `select * from SalesReceipt STARTPOSITION ${start} MAXRESULTS 1000`,
    );
    const response = await fetch(url, {
      headers: { Authorization: `Bearer ${session.accessToken}`, Accept: 'application/json' },
    });
    if (!response.ok) {
      throw new Error(`sandbox query returned HTTP ${response.status}: ${await response.text()}`);
    }

    const page = (await response.json()).QueryResponse?.SalesReceipt ?? [];
    receipts.push(...page);
    if (page.length < 1000) {
      return receipts;
    }
  }
}

/** Groups sales receipts by the channel order id their private note records. */
function receiptsByOrderId(receipts) {
  const byOrder = new Map();
  for (const receipt of receipts) {
    const match = /order (\S+) \(/.exec(receipt.PrivateNote ?? '');
    if (match) {
      byOrder.set(match[1], [...(byOrder.get(match[1]) ?? []), receipt]);
    }
  }

  return byOrder;
}

module.exports = { openAuditSession, listSalesReceipts, receiptsByOrderId };
