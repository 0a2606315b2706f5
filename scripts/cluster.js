'use strict';
// Runs the product as the Helm chart deploys it, on one machine: nats-server, FerretDB, the
// pre-upgrade migrations, and every service as its own process with the chart's environment
// variables, with two replicas of the Shopify connector and two of qbo. Replicas of a service
// share its NATS queue group and JetStream durable consumers, so they share the work.
//
// It sends Shopify's sample orders and CLUSTER_ORDERS generated orders (default 300) as signed
// webhooks spread over both connector replicas, stops one qbo replica with SIGTERM half-way
// through, kills one connector replica with SIGKILL at three quarters (webhooks that fail on it
// are sent again to the other replica, as Shopify retries a failed delivery), waits for every
// order's outcome, and checks in the sandbox QuickBooks company, with its own OAuth token, that
// every order posted exactly once. It exits 1 otherwise.
//
//   npm run cluster                      build, then run
//   CLUSTER_ORDERS=1000 npm run cluster  more generated orders
//   CLUSTER_KILL_CONNECTOR=0 ...         keep both connector replicas running

const { connectDemoAccount, listSyncEvents } = require('./stack/account');
const { loadTemplateOrder, makeOrder, sendOrderWebhook } = require('./stack/shopify-orders');
const mongoose = require('mongoose');

const { databaseUri, startInfrastructure, resetData } = require('./stack/infra');
const {
  openAuditSession,
  listSalesReceipts,
  receiptsByOrderId,
} = require('./stack/quickbooks-audit');
const { runMigrations, stackEnvironment, startService, stopService } = require('./stack/services');

const MIGRATED_SERVICES = ['gateway', 'connectors', 'rules', 'qbo'];
const ORDER_COUNT = Number(process.env.CLUSTER_ORDERS ?? 300);
const SEND_CONCURRENCY = Number(process.env.CLUSTER_CONCURRENCY ?? 16);
const KILL_CONNECTOR = process.env.CLUSTER_KILL_CONNECTOR !== '0';
const WAIT_MS = Number(process.env.CLUSTER_TIMEOUT_MS ?? 180_000);
/** HTTP ports of the second replicas are the first replica's port plus this. */
const SECOND_REPLICA_PORT_STEP = 10;
const TERMINAL = new Set(['posted', 'failed', 'rejected']);

async function main() {
  if (!Number.isInteger(ORDER_COUNT) || ORDER_COUNT < 1) {
    throw new Error(`CLUSTER_ORDERS must be a positive whole number, got "${ORDER_COUNT}"`);
  }

  const infra = startInfrastructure();
  await resetData(infra);
  const stack = clusterEnvironment(infra);
  const running = [];
  try {
    await dropClusterDatabases(infra);
    await migrate(stack);

    const start = async (service, replica) => {
      const port = stack.ports[service] + (replica === 2 ? SECOND_REPLICA_PORT_STEP : 0);
      const handle = await startService(stack, service, {
        replica: replica ? String(replica) : undefined,
        env: { HTTP_PORT: String(port) },
      });
      handle.name = replica ? `${service}-${replica}` : service;
      running.push(handle);
      console.log(`started ${handle.name} on port ${port} (logs: ${handle.logFile})`);

      return handle;
    };

    await start('sandbox');
    await start('gateway');
    const connectors = [await start('connectors', 1), await start('connectors', 2)];
    await start('rules');
    const qbo = [await start('qbo', 1), await start('qbo', 2)];

    const account = await connectDemoAccount(stack, { name: 'Cluster shop' });
    await enableMulticurrency(stack, account.realmId);
    console.log(
      `account ${account.accountId} connected to ${account.shopDomain} and QuickBooks company ${account.realmId}`,
    );

    const sampleIds = await replaySampleOrders(stack, account, connectors);
    console.log(
      `delivered ${sampleIds.length} sample orders twice each, once to each connector replica`,
    );

    const delivery = await sendGeneratedOrders(stack, account, connectors, qbo);
    const orderIds = [...new Set([...sampleIds, ...delivery.orderIds])];
    const outcomes = await waitForOutcomes(stack, account.accountId, orderIds);
    delivery.qboHandled.push({
      name: qbo[1].name,
      count: await ordersHandled(qbo[1]),
      when: 'by the end',
    });
    const ok = await report(stack, account, orderIds, outcomes, delivery);
    process.exitCode = ok ? 0 : 1;
  } finally {
    for (const handle of running.reverse()) {
      await stopService(handle);
    }
  }
}

/**
 * Returns the stack's environment with databases of their own (`qbsync-cluster-<service>`), so the run
 * starts from empty databases without touching the demo's, as a new installation does.
 */
function clusterEnvironment(infra) {
  const stack = stackEnvironment(infra, { logLevel: process.env.LOG_LEVEL ?? 'warn' });
  const env = stack.env.bind(stack);
  stack.env = (service) => ({
    ...env(service),
    MONGODB_URI: databaseUri(infra.MONGODB_URI, `cluster-${service}`),
  });

  return stack;
}

async function dropClusterDatabases(infra) {
  for (const service of MIGRATED_SERVICES) {
    const uri = databaseUri(infra.MONGODB_URI, `cluster-${service}`);
    const connection = await mongoose.createConnection(uri).asPromise();
    await connection.dropDatabase();
    await connection.close();
  }
}

/**
 * Runs every service's migrations as the pre-upgrade Job does: twice at once per service, to show
 * that racing runners apply each migration once, then once more, which must apply nothing.
 */
async function migrate(stack) {
  // The summary below reads the runner's info lines.
  const options = { env: { LOG_LEVEL: 'info' } };
  for (const round of ['concurrent', 'repeat']) {
    const runs = MIGRATED_SERVICES.flatMap((service) =>
      round === 'concurrent'
        ? [runMigrations(stack, service, options), runMigrations(stack, service, options)]
        : [runMigrations(stack, service, options)],
    );
    for (const result of await Promise.all(runs)) {
      const lines = result.output.trim().split('\n').filter(Boolean).map(parseLogLine);
      if (result.code !== 0) {
        throw new Error(
          `${result.service} migrations exited with ${result.code}:\n${result.output.trim()}`,
        );
      }

      const applied = lines.filter((line) => line.msg === 'Applied migration');
      const finished = lines.find((line) => line.msg === 'Migrations finished');
      console.log(
        `migrate ${result.service} (${round}): applied ${applied.map((line) => line.migrationId).join(', ') || 'nothing'}, already applied ${finished?.alreadyApplied ?? '?'}`,
      );
    }
  }
}

function parseLogLine(line) {
  try {
    return JSON.parse(line);
  } catch {
    return { msg: line };
  }
}

/** Shopify's samples include a EUR order, which a US company posts only with multicurrency on. */
async function enableMulticurrency(stack, realmId) {
  const response = await fetch(`${stack.sandboxUrl}/__sandbox/realms/${realmId}/settings`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ multiCurrencyEnabled: true }),
  });
  if (!response.ok) {
    throw new Error(`sandbox settings returned ${response.status}: ${await response.text()}`);
  }
}

/** Has the sandbox deliver every sample order once to each connector replica. */
async function replaySampleOrders(stack, account, connectors) {
  const orderIds = new Set();
  for (const connector of connectors) {
    const response = await fetch(`${stack.sandboxUrl}/__sandbox/shopify/replay`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        targetUrl: `http://127.0.0.1:${connector.port}/webhooks/shopify`,
        shopDomain: account.shopDomain,
        secret: account.webhookSecret,
        topic: 'orders/create',
        repeatDeliveries: 0,
      }),
    });
    if (!response.ok) {
      throw new Error(`sandbox replay returned ${response.status}: ${await response.text()}`);
    }

    const body = await response.json();
    const deliveries = Array.isArray(body) ? body : body.deliveries;
    const rejected = deliveries.filter((delivery) => delivery.status !== 200);
    if (rejected.length > 0) {
      throw new Error(
        `${connector.name} rejected ${rejected.length} deliveries: ${JSON.stringify(rejected.slice(0, 3))}`,
      );
    }

    deliveries.forEach((delivery) => orderIds.add(String(delivery.orderId)));
  }

  return [...orderIds];
}

/**
 * Sends the generated orders, alternating between the connector replicas that are still running.
 * Half-way through it stops qbo replica 1 with SIGTERM (without waiting), and at three quarters
 * it kills connector replica 2 with SIGKILL.
 */
async function sendGeneratedOrders(stack, account, connectors, qbo) {
  const template = loadTemplateOrder();
  const firstId = Date.now() * 1000;
  const orders = Array.from({ length: ORDER_COUNT }, (_, index) =>
    makeOrder(template, firstId + index + 1, '#C', index + 1),
  );
  const perReplica = new Map(connectors.map((connector) => [connector.name, 0]));
  const events = [];
  let resent = 0;
  let next = 0;
  const qboHandled = [];
  let qboStopped;

  const onProgress = (sent) => {
    if (!qboStopped && sent >= Math.floor(ORDER_COUNT / 2)) {
      events.push(`SIGTERM to ${qbo[0].name} after ${sent} orders`);
      console.log(`sending SIGTERM to ${qbo[0].name} after ${sent} of ${ORDER_COUNT} orders`);
      qboStopped = ordersHandled(qbo[0]).then((count) => {
        qboHandled.push({ name: qbo[0].name, count, when: 'before its SIGTERM' });

        return stopService(qbo[0]);
      });
    }

    if (KILL_CONNECTOR && !connectors[1].exited && sent >= Math.floor((ORDER_COUNT * 3) / 4)) {
      events.push(`SIGKILL to ${connectors[1].name} after ${sent} orders`);
      console.log(
        `sending SIGKILL to ${connectors[1].name} after ${sent} of ${ORDER_COUNT} orders`,
      );
      connectors[1].child.kill('SIGKILL');
      connectors[1].exited = true;
    }
  };

  const senders = Array.from({ length: SEND_CONCURRENCY }, async () => {
    while (next < orders.length) {
      const sequence = next++;
      const order = orders[sequence];
      onProgress(sequence);
      for (let attempt = 0; ; attempt++) {
        const live = connectors.filter((connector) => !connector.exited);
        const connector = live[(sequence + attempt) % live.length];
        try {
          await sendWebhook(connector, account, order);
          perReplica.set(connector.name, perReplica.get(connector.name) + 1);
          break;
        } catch (error) {
          if (attempt >= 5) {
            throw error;
          }

          resent++;
        }
      }
    }
  });
  await Promise.all(senders);
  await qboStopped;
  console.log(
    `delivered ${ORDER_COUNT} generated orders: ${[...perReplica].map(([name, count]) => `${count} to ${name}`).join(', ')}, ${resent} sent again after a failed delivery`,
  );

  return {
    orderIds: orders.map((order) => String(order.id)),
    perReplica,
    resent,
    events,
    qboHandled,
    qboStopCode: qbo[0].child.exitCode,
  };
}

function sendWebhook(connector, account, order) {
  return sendOrderWebhook(`http://127.0.0.1:${connector.port}`, account, order);
}

/** Polls the sync activity log until every order has a final outcome or WAIT_MS passes. */
async function waitForOutcomes(stack, accountId, orderIds) {
  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const outcomes = new Map();
    for (const status of TERMINAL) {
      for (const event of await listSyncEvents(stack, accountId, { status })) {
        outcomes.set(event.channelOrderId, event);
      }
    }

    if (orderIds.every((id) => outcomes.has(id)) || Date.now() > deadline) {
      return outcomes;
    }

    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

async function report(stack, account, orderIds, outcomes, delivery) {
  const audit = await openAuditSession(stack.sandboxUrl, account.realmId);
  const receipts = await listSalesReceipts(audit);
  const byOrder = receiptsByOrderId(receipts);
  const statuses = {};
  for (const id of orderIds) {
    const status = outcomes.get(id)?.status ?? 'no outcome';
    statuses[status] = (statuses[status] ?? 0) + 1;
  }

  const missing = orderIds.filter((id) => (byOrder.get(id) ?? []).length === 0);
  const duplicated = orderIds.filter((id) => (byOrder.get(id) ?? []).length > 1);
  const notPosted = orderIds.filter((id) => outcomes.get(id)?.status !== 'posted');

  console.log('');
  console.log(`orders:                 ${orderIds.length} (sample and generated)`);
  console.log(`outcomes:               ${JSON.stringify(statuses)}`);
  console.log(`disruptions:            ${delivery.events.join('; ') || 'none'}`);
  console.log(`qbo-1 exit code:        ${delivery.qboStopCode ?? 'still running'}`);
  console.log(
    `sales receipts:         ${receipts.length} in QuickBooks, ${missing.length} orders missing, ${duplicated.length} posted more than once`,
  );
  console.log(
    `messages handled, qbo: ${delivery.qboHandled.map(({ name, count, when }) => `${name} ${count} ${when}`).join(', ')}`,
  );
  for (const id of [...notPosted, ...duplicated].slice(0, 10)) {
    const event = outcomes.get(id);
    console.log(
      `  order ${id}: ${event ? `${event.status}: ${event.message}` : 'no outcome'}, ${(byOrder.get(id) ?? []).length} receipts`,
    );
  }

  const ok =
    missing.length === 0 &&
    duplicated.length === 0 &&
    notPosted.length === 0 &&
    receipts.length === orderIds.length;
  console.log(
    ok
      ? `All ${orderIds.length} orders posted exactly once across the replicas.`
      : 'Some orders did not post exactly once.',
  );

  return ok;
}

/** Sums `qbsync_messages_handled_total` of the qbo-order-ready consumer from a replica's /metrics. */
async function ordersHandled(handle) {
  const response = await fetch(`http://127.0.0.1:${handle.port}/metrics`);
  const text = await response.text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (
      line.startsWith('qbsync_messages_handled_total{') &&
      line.includes('consumer="qbo-order-ready"')
    ) {
      total += Number(line.split(' ').at(-1));
    }
  }

  return total;
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
