'use strict';
// The product's main job in one command. It starts NATS, FerretDB and every service as its own
// process, and connects a demo account to the sandbox Shopify shop and QuickBooks Online company.
// Then it replays Shopify's published sample orders as signed webhooks, each delivered twice, and
// checks in QuickBooks that every order posted exactly once and balances to the cent. A second
// account does the same into a simulated QuickBooks Desktop company file, through the sandbox's
// Web Connector polling the qbd service.
const { decimalToMinor, minorToDecimal } = require('@qbsync/contracts');

const { connectDemoAccount, listSyncEvents } = require('./stack/account');
const { startInfrastructure, resetData } = require('./stack/infra');
const {
  openAuditSession,
  listSalesReceipts,
  receiptsByOrderId,
} = require('./stack/quickbooks-audit');
const {
  connectDesktopAccount,
  desktopTransactions,
  runWebConnector,
} = require('./stack/quickbooks-desktop');
const { stackEnvironment, startService, stopService } = require('./stack/services');

const SERVICES = ['sandbox', 'gateway', 'connectors', 'rules', 'qbo', 'qbd'];
const TERMINAL = new Set(['posted', 'failed', 'rejected']);
const WAIT_MS = Number(process.env.DEMO_TIMEOUT_MS ?? 60_000);

async function main() {
  const infra = startInfrastructure();
  await resetData(infra);
  const stack = stackEnvironment(infra, { logLevel: process.env.LOG_LEVEL ?? 'warn' });
  const running = [];
  try {
    for (const service of SERVICES) {
      running.push(await startService(stack, service));
      console.log(`started ${service} (logs: ${running.at(-1).logFile})`);
    }

    const account = await connectDemoAccount(stack);
    await enableMulticurrency(stack, account.realmId);
    console.log(
      `account ${account.accountId} connected to ${account.shopDomain} and QuickBooks company ${account.realmId}`,
    );
    const deliveries = await replaySampleOrders(stack, account);
    const orderIds = [...new Set(deliveries.map((delivery) => String(delivery.orderId)))];
    console.log(
      `delivered ${deliveries.length} signed webhooks for ${orderIds.length} sample orders`,
    );
    const outcomes = await waitForOutcomes(stack, account.accountId, orderIds);
    const onlineOk =
      (await report(stack, account, orderIds, outcomes)) &&
      (await reportRefunds(stack, account.accountId, 'QuickBooks Online'));

    const desktopOk = await postToDesktop(stack);
    process.exitCode = onlineOk && desktopOk ? 0 : 1;

    if (process.env.DEMO_KEEP_RUNNING === '1') {
      await keepRunning(stack);
    }
  } finally {
    for (const handle of running.reverse()) {
      await stopService(handle);
    }
  }
}

/**
 * Leaves the services running until Ctrl-C, for trying the gateway API on the demo's accounts.
 * Prints the address and the API token that every request needs.
 */
async function keepRunning(stack) {
  console.log(
    [
      '',
      `The services keep running. Gateway: ${stack.gatewayUrl}`,
      `API token: ${stack.apiToken}`,
      `Try: curl -H "Authorization: Bearer ${stack.apiToken}" ${stack.gatewayUrl}/api/accounts/<account id>/sync-events`,
      'Press Ctrl-C to stop them.',
    ].join('\n'),
  );
  await new Promise((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/** Shopify's samples include a EUR order, which a US company posts only with multicurrency on. */
async function enableMulticurrency(stack, realmId) {
  const response = await fetch(`${stack.sandboxUrl}/__sandbox/realms/${realmId}/settings`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ multiCurrencyEnabled: true }),
  });
  if (!response.ok) {
    throw new Error(`sandbox settings returned HTTP ${response.status}: ${await response.text()}`);
  }
}

async function replaySampleOrders(stack, account) {
  const response = await fetch(`${stack.sandboxUrl}/__sandbox/shopify/replay`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      targetUrl: `${stack.connectorsUrl}/webhooks/shopify`,
      shopDomain: account.shopDomain,
      secret: account.webhookSecret,
      topic: 'orders/create',
      repeatDeliveries: 1,
    }),
  });
  if (!response.ok) {
    throw new Error(`sandbox replay returned HTTP ${response.status}: ${await response.text()}`);
  }

  const body = await response.json();
  const deliveries = Array.isArray(body) ? body : body.deliveries;
  const rejected = deliveries.filter((delivery) => delivery.status !== 200);
  if (rejected.length > 0) {
    throw new Error(
      `the connector rejected ${rejected.length} deliveries with a non-200 status: ${JSON.stringify(rejected.slice(0, 3))}`,
    );
  }

  return deliveries;
}

/**
 * Sends the same sample orders to an account that keeps its books in QuickBooks Desktop, runs Web
 * Connector sessions until every order has an outcome, and checks the company file's receipts.
 */
async function postToDesktop(stack) {
  const desktop = await connectDesktopAccount(stack);
  console.log(
    `\naccount ${desktop.accountId} connected to ${desktop.shopDomain} and a QuickBooks Desktop company file (Web Connector user ${desktop.userName})`,
  );
  const deliveries = await replaySampleOrders(stack, desktop);
  const orderIds = [...new Set(deliveries.map((delivery) => String(delivery.orderId)))];
  const outcomes = await waitForOutcomes(stack, desktop.accountId, orderIds, async () => {
    await runWebConnector(stack, desktop);
  });
  const transactions = await desktopTransactions(stack, desktop);
  const rows = orderIds.map((orderId) => {
    const event = outcomes.get(orderId);
    const memo = new RegExp(`\\b${orderId}\\b`);
    const receipts = transactions.filter(
      (txn) => txn.type === 'SalesReceipt' && memo.test(txn.memo ?? ''),
    );
    const currency = event?.currency ?? 'USD';
    const channelTotal =
      event?.channelTotal === undefined ? '?' : minorToDecimal(event.channelTotal, currency);
    const desktopTotal = receipts[0]
      ? minorToDecimal(decimalToMinor(receipts[0].total, currency), currency)
      : '-';

    return {
      orderId,
      number: event?.orderNumber ?? '?',
      currency,
      channelTotal,
      document: receipts[0] ? `SalesReceipt ${receipts[0].refNumber}` : '-',
      desktopTotal,
      status:
        receipts.length > 1 ? `POSTED ${receipts.length} TIMES` : (event?.status ?? 'no outcome'),
      ok: receipts.length === 1 && channelTotal === desktopTotal && event?.status === 'posted',
      reason:
        event && event.status !== 'posted'
          ? `${event.message}${event.fix ? ` Fix: ${event.fix}` : ''}`
          : '',
    };
  });

  console.table(rows.map(({ ok: _ok, reason: _reason, ...row }) => row));
  for (const row of rows.filter((item) => item.reason)) {
    console.log(`order ${row.orderId}: ${row.reason}`);
  }

  const ok = rows.every((row) => row.ok);
  console.log(
    ok
      ? `All ${rows.length} orders posted to QuickBooks Desktop exactly once and balance to the cent.`
      : 'Some orders did not post to QuickBooks Desktop exactly once or do not balance.',
  );

  const refundsOk = await reportRefunds(stack, desktop.accountId, 'QuickBooks Desktop', () =>
    runWebConnector(stack, desktop),
  );

  return ok && refundsOk;
}

/**
 * Waits for the refunds inside Shopify's sample orders (order 450789469 carries a partial refund)
 * to post, and prints each credit against the channel's refund total.
 */
async function reportRefunds(stack, accountId, target, beforePoll = async () => {}) {
  const deadline = Date.now() + Math.min(WAIT_MS, 30_000);
  let refunds = [];

  while (Date.now() < deadline) {
    await beforePoll();
    const events = await listSyncEvents(stack, accountId);
    refunds = events.filter((event) => TERMINAL.has(event.status) && !isOrderEvent(event));
    if (refunds.length > 0 && refunds.every((event) => event.status === 'posted')) {
      break;
    }

    await new Promise((resolve) => setTimeout(resolve, 500));
  }

  for (const event of refunds) {
    const currency = event.currency ?? 'USD';
    const amount = (value) => (value === undefined ? '?' : minorToDecimal(value, currency));
    console.log(
      `refund of order ${event.channelOrderId} to ${target}: ${event.status}, ${event.documentKind ?? 'document'} ${event.documentNumber ?? event.documentId ?? ''} for ${amount(event.documentTotal)} ${currency} (channel refund ${amount(event.channelTotal)})${event.status === 'posted' ? '' : `: ${event.message}`}`,
    );
  }

  const ok =
    refunds.length > 0 &&
    refunds.every(
      (event) => event.status === 'posted' && event.documentTotal === event.channelTotal,
    );
  if (!ok) {
    console.log(`The sample refunds did not all post to ${target} to the cent.`);
  }

  return ok;
}

/** True for an order's own outcome, not that of one of its refunds. */
function isOrderEvent(event) {
  const refundKinds = new Set(['refund_receipt', 'credit_memo']);

  return (event.entity ?? 'order') === 'order' && !refundKinds.has(event.documentKind);
}

/**
 * Polls the sync activity log until every order has a final outcome. `beforePoll` runs first on
 * each round, for example a Web Connector session that does the posting.
 */
async function waitForOutcomes(stack, accountId, orderIds, beforePoll = async () => {}) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    await beforePoll();
    const events = await listSyncEvents(stack, accountId);
    const outcomes = new Map();
    for (const event of events.filter((item) => TERMINAL.has(item.status) && isOrderEvent(item))) {
      outcomes.set(event.channelOrderId, event);
    }

    if (orderIds.every((id) => outcomes.has(id)) || Date.now() > deadline) {
      return outcomes;
    }

    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function report(stack, account, orderIds, outcomes) {
  const audit = await openAuditSession(stack.sandboxUrl, account.realmId);
  const receipts = receiptsByOrderId(await listSalesReceipts(audit));
  const rows = orderIds.map((orderId) => {
    const event = outcomes.get(orderId);
    const posted = receipts.get(orderId) ?? [];
    const receipt = posted[0];
    const currency = event?.currency ?? 'USD';
    const channelTotal =
      event?.channelTotal === undefined ? '?' : minorToDecimal(event.channelTotal, currency);
    // Compared in minor units of the order's currency, so JPY or KWD totals compare exactly too.
    const qboTotal = receipt
      ? minorToDecimal(decimalToMinor(receipt.TotalAmt, currency), currency)
      : '-';
    const balanced = receipt !== undefined && channelTotal === qboTotal;
    let status = event ? event.status : 'no outcome';

    if (posted.length > 1) {
      status = `POSTED ${posted.length} TIMES`;
    }

    return {
      orderId,
      number: event?.orderNumber ?? '?',
      currency: event?.currency ?? '',
      channelTotal,
      document: receipt ? `SalesReceipt ${receipt.Id}` : '-',
      qboTotal,
      status: balanced || !receipt ? status : `${status} (totals differ)`,
      ok: posted.length === 1 && balanced && event?.status === 'posted',
      reason:
        event && event.status !== 'posted'
          ? `${event.message}${event.fix ? ` Fix: ${event.fix}` : ''}`
          : '',
    };
  });

  console.table(rows.map(({ ok: _ok, reason: _reason, ...row }) => row));
  for (const row of rows.filter((item) => item.reason)) {
    console.log(`order ${row.orderId}: ${row.reason}`);
  }

  const ok = rows.every((row) => row.ok);
  console.log(
    ok
      ? `All ${rows.length} orders posted exactly once and balance to the cent.`
      : 'Some orders did not post exactly once or do not balance.',
  );

  return ok;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
