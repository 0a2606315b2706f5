'use strict';
// Single-company saturation run. Signed Shopify orders for one QuickBooks Online company go
// through every service, each its own process, with two qbo replicas sharing the rate governor.
// The sandbox enforces Intuit's per-realm limits: 500 requests a minute, 10 a second, 10 in
// flight and 40 batch calls a minute. The run starts its own nats-server and FerretDB in
// temporary folders and prints documents posted per minute against the maximum those limits
// allow, QuickBooks API calls per order once caches are warm, the 429s received, and the CPU time
// each process spent per order (the machine may be shared, so CPU time is the steadier figure).
//
//   npm run build && node scripts/bench-qbo.js      5,000 orders (about 5 minutes)
//   BENCH_QBO_ORDERS=1000 node scripts/bench-qbo.js fewer orders
//   BENCH_QBO_REPLICAS=1 node scripts/bench-qbo.js  one qbo process instead of two
//
// Targets: at least 90% of the limit-derived maximum, at most 1.2 API calls per order, no 429.

const fs = require('node:fs');

const { connect, JSONCodec } = require('nats');

const { startInfrastructure } = require('@qbsync/testing');

const { connectDemoAccount } = require('./stack/account');
const { listSalesReceipts, openAuditSession } = require('./stack/quickbooks-audit');
const { loadTemplateOrder, makeOrder, sendOrderWebhook } = require('./stack/shopify-orders');
const {
  cpuSeconds,
  peakRssMiB,
  stackEnvironment,
  startService,
  stopService,
} = require('./stack/services');

const ORDER_COUNT = readPositiveInteger('BENCH_QBO_ORDERS', 5000);
const QBO_REPLICAS = readPositiveInteger('BENCH_QBO_REPLICAS', 2);
/** Orders posted before the measured run, so customers and items are already matched. */
const WARM_UP_ORDERS = readPositiveInteger('BENCH_QBO_WARM_UP', 60);
const SEND_CONCURRENCY = 16;

/** Intuit's published limits per realm and app, which the sandbox enforces in this run. */
const INTUIT_LIMITS = { requestsPerMinute: 500, requestsPerSecond: 10, batchesPerMinute: 40 };
const MAX_BATCH_OPERATIONS = 30;

function readPositiveInteger(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') {
    return fallback;
  }

  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`${name} must be a positive whole number, got "${raw}"`);
  }

  return value;
}

async function main() {
  // Servers of its own, in temporary folders: streams and databases left over from other runs
  // would add their backlog to the measured work.
  const servers = await startInfrastructure();
  const infra = { NATS_URL: servers.natsUrl, MONGODB_URI: servers.mongoUri };
  const stack = stackEnvironment(infra, { logLevel: 'warn' });
  const running = [];
  let nats;
  // Ctrl-C stops the services this run started instead of leaving them running.
  process.once('SIGINT', () => {
    console.error('interrupted: stopping the services');
    Promise.all(running.map((handle) => stopService(handle)))
      .then(() => servers.stop())
      .finally(() => process.exit(130));
  });
  try {
    running.push(await startService(stack, 'sandbox'));
    await sandboxControl(stack, 'PUT', '/limits', { preset: 'intuit' });
    for (const service of ['gateway', 'connectors', 'rules', 'qbo']) {
      running.push(await startService(stack, service));
    }

    for (let replica = 2; replica <= QBO_REPLICAS; replica++) {
      const port = stack.ports.qbo + 100 * (replica - 1);
      running.push(await startService(stack, 'qbo', { replica, env: { HTTP_PORT: String(port) } }));
    }

    const account = await connectDemoAccount(stack, { name: 'Saturation shop' });
    nats = await connect({ servers: infra.NATS_URL });
    const outcomes = watchOutcomes(nats);
    const template = loadTemplateOrder();

    console.log(
      `warm-up: ${WARM_UP_ORDERS} orders; then ${ORDER_COUNT} orders for realm ${account.realmId}, ${QBO_REPLICAS} qbo process(es), Intuit limits enforced`,
    );
    await sendAndWait(stack, account, template, outcomes, 1, WARM_UP_ORDERS);
    const before = await realmStats(stack, account.realmId);
    const processes = [
      ...running.map((handle) => ({ name: serviceName(handle), pid: handle.child.pid })),
      { name: 'ferretdb', pid: servers.ferretDb.pid },
      { name: 'nats-server', pid: servers.nats.pid },
    ];
    const cpuBefore = processes.map((entry) => processCpuSeconds(entry.pid));
    const sampler = sampleRequests(stack, account.realmId);
    const run = await sendAndWait(
      stack,
      account,
      template,
      outcomes,
      1 + WARM_UP_ORDERS,
      ORDER_COUNT,
    );
    const after = await realmStats(stack, account.realmId);
    run.cpu = processes.map((entry, index) => ({
      name: entry.name,
      seconds: (processCpuSeconds(entry.pid) ?? NaN) - (cpuBefore[index] ?? NaN),
    }));
    run.middleRate = sampler.stop();
    const exactlyOnce = await checkExactlyOnce(stack, account, WARM_UP_ORDERS + ORDER_COUNT);

    const ok = printReport(run, before, after, exactlyOnce, running);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await nats?.close();
    for (const handle of running.reverse()) {
      await stopService(handle);
    }

    await servers.stop();
  }
}

async function sandboxControl(stack, method, path, body) {
  const response = await fetch(`${stack.sandboxUrl}/__sandbox${path}`, {
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

function realmStats(stack, realmId) {
  return sandboxControl(stack, 'GET', `/realms/${realmId}/stats`);
}

/**
 * Reads the realm's request count every 5 seconds and returns, on stop, the requests per minute
 * the sandbox received over the middle half of the samples, which leaves out start and finish.
 */
function sampleRequests(stack, realmId) {
  const samples = [];
  const timer = setInterval(() => {
    realmStats(stack, realmId)
      .then((stats) => samples.push({ at: performance.now(), total: stats.totalRequests }))
      .catch(() => undefined);
  }, 5000);

  return {
    stop() {
      clearInterval(timer);
      if (samples.length < 4) {
        return undefined;
      }

      const first = samples[Math.floor(samples.length / 4)];
      const last = samples[Math.floor((samples.length * 3) / 4)];

      return ((last.total - first.total) / (last.at - first.at)) * 60_000;
    },
  };
}

/** Records the first sync outcome of each order from the sync events on NATS. */
function watchOutcomes(nats) {
  const codec = JSONCodec();
  const outcomes = new Map();
  const waiters = new Map();
  const subscription = nats.subscribe('sync.event.recorded.1');
  (async () => {
    for await (const message of subscription) {
      const event = codec.decode(message.data);
      if (event.channelOrderId && event.stage === 'qbo' && !outcomes.has(event.channelOrderId)) {
        outcomes.set(event.channelOrderId, { at: performance.now(), status: event.status });
        waiters.get(event.channelOrderId)?.();
      }
    }
  })();

  return {
    outcomes,
    wait(orderId, timeoutMs = 30 * 60_000) {
      if (outcomes.has(orderId)) {
        return Promise.resolve();
      }

      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`order ${orderId} had no QuickBooks outcome within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.set(orderId, () => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}

let nextOrderId = Date.now() * 1000;

/** Sends `count` orders as fast as the connector accepts them and waits for every outcome. */
async function sendAndWait(stack, account, template, watcher, firstSequence, count) {
  const orders = Array.from({ length: count }, (_, index) =>
    makeOrder(template, nextOrderId++, '#S', firstSequence + index),
  );
  const started = performance.now();
  let next = 0;
  const senders = Array.from({ length: SEND_CONCURRENCY }, async () => {
    while (next < orders.length) {
      await sendOrderWebhook(stack.connectorsUrl, account, orders[next++]);
    }
  });
  await Promise.all(senders);
  const ids = orders.map((order) => String(order.id));
  await Promise.all(ids.map((id) => watcher.wait(id)));
  const statuses = {};
  for (const id of ids) {
    const status = watcher.outcomes.get(id).status;
    statuses[status] = (statuses[status] ?? 0) + 1;
  }

  const times = ids.map((id) => watcher.outcomes.get(id).at);
  const finished = Math.max(...times);
  const firstOutcome = Math.min(...times);

  return {
    ids,
    seconds: (finished - started) / 1000,
    // From the first outcome to the last: the rate once the pipeline is full.
    steadySeconds: (finished - firstOutcome) / 1000,
    statuses,
  };
}

async function checkExactlyOnce(stack, account, expected) {
  const audit = await openAuditSession(stack.sandboxUrl, account.realmId);
  const receipts = await listSalesReceipts(audit);
  const perOrder = new Map();
  for (const receipt of receipts) {
    perOrder.set(receipt.PrivateNote, (perOrder.get(receipt.PrivateNote) ?? 0) + 1);
  }

  const duplicates = [...perOrder.values()].filter((count) => count > 1).length;

  return {
    ok: receipts.length === expected && duplicates === 0,
    receipts: receipts.length,
    expected,
    duplicates,
  };
}

function callsOf(stats, entity, method) {
  return stats.requests[entity]?.[method] ?? 0;
}

/**
 * Computes the maximum documents a minute the limits allow, with how it was derived. With one
 * create per call that is 500. With batches it is 40 batch calls of 30 creates plus one create in
 * each of the other 460 calls, because a batch call also counts as one of the 500 requests.
 */
function maximumPerMinute(usedBatches) {
  const singles = INTUIT_LIMITS.requestsPerMinute;

  if (!usedBatches) {
    return { value: singles, derivation: `${singles} calls of one create each` };
  }

  const batched = INTUIT_LIMITS.batchesPerMinute * MAX_BATCH_OPERATIONS;
  const rest = INTUIT_LIMITS.requestsPerMinute - INTUIT_LIMITS.batchesPerMinute;

  return {
    value: batched + rest,
    derivation: `${INTUIT_LIMITS.batchesPerMinute} batch calls x ${MAX_BATCH_OPERATIONS} creates + ${rest} single-create calls`,
  };
}

/** Returns the user plus system CPU seconds of process `pid`, from /proc (Linux only). */
function processCpuSeconds(pid) {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');

    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

function serviceName(handle) {
  return `${handle.service}${handle.logFile.match(/-(\d+)\.log$/)?.[0]?.replace('.log', '') ?? ''}`;
}

function printReport(run, before, after, exactlyOnce, running) {
  const calls = after.totalRequests - before.totalRequests;
  const throttled = after.throttledRequests - before.throttledRequests;
  const batchCalls = callsOf(after, 'batch', 'POST') - callsOf(before, 'batch', 'POST');
  const posted = run.statuses.posted ?? 0;
  const perMinute = posted / (run.seconds / 60);
  const limit = maximumPerMinute(batchCalls > 0);
  const maximum = limit.value;
  const share = perMinute / maximum;
  const singleCallShare = perMinute / INTUIT_LIMITS.requestsPerMinute;
  const callsPerOrder = calls / run.ids.length;
  const byEntity = Object.entries(after.requests)
    .map(([entity, methods]) => {
      const counts = Object.entries(methods)
        .map(([method, count]) => [method, count - callsOf(before, entity, method)])
        .filter(([, count]) => count > 0);
      return counts.length > 0 ? `${entity} ${counts.map(([m, c]) => `${m} ${c}`).join(', ')}` : '';
    })
    .filter(Boolean)
    .join('; ');

  console.log('');
  console.log(`orders:                    ${run.ids.length} (${JSON.stringify(run.statuses)})`);
  const steadyPerMinute = (posted - 1) / (run.steadySeconds / 60);
  console.log(
    `run time:                  ${run.seconds.toFixed(1)} s from the first webhook, ${run.steadySeconds.toFixed(1)} s from the first posting`,
  );
  console.log(
    `documents posted:          ${perMinute.toFixed(1)} per minute, ${(share * 100).toFixed(1)}% of the limit-derived maximum of ${maximum} per minute (${limit.derivation})`,
  );
  if (batchCalls > 0) {
    console.log(
      `  against one create per call: ${(singleCallShare * 100).toFixed(1)}% of ${INTUIT_LIMITS.requestsPerMinute} per minute; ${batchCalls} batch calls`,
    );
  }
  console.log(
    `  once the pipeline is full: ${steadyPerMinute.toFixed(1)} per minute, ${((steadyPerMinute / maximum) * 100).toFixed(1)}% of the maximum`,
  );
  if (run.middleRate !== undefined) {
    console.log(
      `  calls the sandbox received over the middle of the run: ${run.middleRate.toFixed(1)} per minute`,
    );
  }
  console.log(
    `API calls per order:       ${callsPerOrder.toFixed(3)} (${calls} calls: ${byEntity})`,
  );
  console.log(
    `429 responses received:    ${throttled} during the run, ${after.throttledRequests} in total`,
  );
  console.log(
    `exactly once:              ${exactlyOnce.receipts} sales receipts for ${exactlyOnce.expected} orders, ${exactlyOnce.duplicates} duplicated`,
  );
  console.log('per service:               peak RSS, CPU seconds since start');
  for (const handle of running) {
    const rss = peakRssMiB(handle);
    const cpu = cpuSeconds(handle);
    console.log(
      `  ${serviceName(handle).padEnd(12)} ${(rss === undefined ? 'n/a' : `${rss.toFixed(0)} MiB`).padStart(8)}  ${(cpu === undefined ? 'n/a' : cpu.toFixed(1)).padStart(7)}`,
    );
  }

  const cpuTotal = run.cpu.reduce((sum, entry) => sum + entry.seconds, 0);
  console.log(
    `CPU per order:             ${((cpuTotal / run.ids.length) * 1000).toFixed(1)} ms over every process during the measured run (${run.cpu.map((entry) => `${entry.name} ${((entry.seconds / run.ids.length) * 1000).toFixed(1)}`).join(', ')})`,
  );

  const targets = [
    [share >= 0.9, 'at least 90% of the maximum'],
    [callsPerOrder <= 1.2, 'at most 1.2 API calls per order'],
    [throttled === 0, 'no 429'],
    [exactlyOnce.ok, 'every order posted exactly once'],
  ];
  for (const [met, target] of targets) {
    console.log(`${met ? 'met   ' : 'MISSED'}  ${target}`);
  }

  return targets.every(([met]) => met);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
