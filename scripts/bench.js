'use strict';
// Pushes signed Shopify orders through the whole path, every service as its own process, and
// prints sustained throughput, webhook-to-posted latency and each service's peak memory.
//
//   npm run bench                      2,000 orders as fast as they are accepted, then a latency run
//   BENCH_ORDERS=500 npm run bench     fewer orders
//
// Latency is measured from the moment a webhook is sent to the moment the qbo service publishes
// the order's `posted` sync event, observed on NATS.

const { connect, JSONCodec } = require('nats');

const { connectDemoAccount } = require('./stack/account');
const { loadTemplateOrder, makeOrder, sendOrderWebhook } = require('./stack/shopify-orders');
const { startInfrastructure, resetData } = require('./stack/infra');
const { openAuditSession, listSalesReceipts } = require('./stack/quickbooks-audit');
const {
  cpuSeconds,
  peakRssMiB,
  stackEnvironment,
  startService,
  stopService,
} = require('./stack/services');

const SERVICES = ['sandbox', 'gateway', 'connectors', 'rules', 'qbo'];
const ORDER_COUNT = Number(process.env.BENCH_ORDERS ?? 2000);
const SEND_CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const LATENCY_RATE = Number(process.env.BENCH_LATENCY_RATE ?? 20);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 20);
// This run measures the services, not Intuit's limits: all orders go to one sandbox company, which
// enforces no limits here, so qbo's per-company governor is opened wide. bench-qbo.js measures one
// company at Intuit's limits (500 requests a minute).
const UNTHROTTLED_QBO = {
  QBO_REQUESTS_PER_MINUTE: '1000000',
  QBO_REQUESTS_PER_SECOND: '100000',
  QBO_MAX_IN_FLIGHT: '64',
};

async function main() {
  const infra = startInfrastructure();
  await resetData(infra);
  const stack = stackEnvironment(infra, { logLevel: 'warn' });
  const running = [];
  let nats;
  try {
    for (const service of SERVICES) {
      const env = service === 'qbo' ? UNTHROTTLED_QBO : {};

      running.push(await startService(stack, service, { env }));
    }

    const account = await connectDemoAccount(stack, { name: 'Benchmark shop' });
    nats = await connect({ servers: infra.NATS_URL });
    const posted = watchPostedEvents(nats);
    const template = loadTemplateOrder();

    console.log(`throughput run: ${ORDER_COUNT} orders, ${SEND_CONCURRENCY} webhooks in flight`);
    const throughput = await runThroughput(stack, account, template, posted);
    console.log(`latency run: ${LATENCY_RATE} orders/s for ${LATENCY_SECONDS} s`);
    const latency = await runAtRate(stack, account, template, posted);
    const exactlyOnce = await checkExactlyOnce(
      stack,
      account,
      throughput.ids.length + latency.ids.length,
    );

    printReport(throughput, latency, exactlyOnce, running);
    process.exitCode = exactlyOnce.ok ? 0 : 1;
  } finally {
    await nats?.close();
    for (const handle of running.reverse()) {
      await stopService(handle);
    }
  }
}

let nextOrderId = Date.now() * 1000;

function makeBenchOrder(template, sequence) {
  return makeOrder(template, nextOrderId++, '#B', sequence);
}

function watchPostedEvents(nats) {
  const codec = JSONCodec();
  const postedAt = new Map();
  const waiters = new Map();
  const subscription = nats.subscribe('sync.event.recorded.1');
  (async () => {
    for await (const message of subscription) {
      const event = codec.decode(message.data);
      if (event.channelOrderId && !postedAt.has(event.channelOrderId)) {
        postedAt.set(event.channelOrderId, {
          at: performance.now(),
          status: event.status,
          message: event.message,
        });
        waiters.get(event.channelOrderId)?.();
      }
    }
  })();

  return {
    postedAt,
    wait(orderId, timeoutMs = 120_000) {
      if (postedAt.has(orderId)) {
        return Promise.resolve();
      }

      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`order ${orderId} had no outcome within ${timeoutMs} ms`)),
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

function sendWebhook(stack, account, order) {
  return sendOrderWebhook(stack.connectorsUrl, account, order);
}

async function runThroughput(stack, account, template, posted) {
  const orders = Array.from({ length: ORDER_COUNT }, (_, index) =>
    makeBenchOrder(template, index + 1),
  );
  const sentAt = new Map();
  const started = performance.now();
  let next = 0;
  const senders = Array.from({ length: SEND_CONCURRENCY }, async () => {
    while (next < orders.length) {
      const order = orders[next++];
      sentAt.set(String(order.id), performance.now());
      await sendWebhook(stack, account, order);
    }
  });
  await Promise.all(senders);
  const accepted = performance.now();
  const ids = orders.map((order) => String(order.id));
  await Promise.all(ids.map((id) => posted.wait(id)));
  const finished = Math.max(...ids.map((id) => posted.postedAt.get(id).at));

  return {
    ids,
    seconds: (finished - started) / 1000,
    acceptSeconds: (accepted - started) / 1000,
    latencies: ids.map((id) => posted.postedAt.get(id).at - sentAt.get(id)),
    statuses: countStatuses(ids, posted),
  };
}

async function runAtRate(stack, account, template, posted) {
  const total = LATENCY_RATE * LATENCY_SECONDS;
  const interval = 1000 / LATENCY_RATE;
  const sentAt = new Map();
  const ids = [];
  const sends = [];
  const started = performance.now();
  for (let index = 0; index < total; index++) {
    const due = started + index * interval;
    const wait = due - performance.now();
    if (wait > 0) {
      await new Promise((resolve) => setTimeout(resolve, wait));
    }

    const order = makeBenchOrder(template, ORDER_COUNT + index + 1);
    ids.push(String(order.id));
    sentAt.set(String(order.id), performance.now());
    sends.push(sendWebhook(stack, account, order));
  }

  await Promise.all(sends);
  await Promise.all(ids.map((id) => posted.wait(id)));

  return {
    ids,
    latencies: ids.map((id) => posted.postedAt.get(id).at - sentAt.get(id)),
    statuses: countStatuses(ids, posted),
  };
}

function countStatuses(ids, posted) {
  const counts = {};
  for (const id of ids) {
    const status = posted.postedAt.get(id).status;
    counts[status] = (counts[status] ?? 0) + 1;
  }

  return counts;
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

function percentile(values, fraction) {
  const sorted = [...values].sort((a, b) => a - b);

  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

function printReport(throughput, latency, exactlyOnce, running) {
  const ms = (value) => `${value.toFixed(0)} ms`;
  console.log('');
  console.log(
    `orders posted:             ${throughput.ids.length} (${JSON.stringify(throughput.statuses)})`,
  );
  console.log(
    `sustained throughput:      ${(throughput.ids.length / throughput.seconds).toFixed(1)} orders/s (${throughput.seconds.toFixed(1)} s, webhooks accepted in ${throughput.acceptSeconds.toFixed(1)} s)`,
  );
  console.log(
    `latency under full load:   p50 ${ms(percentile(throughput.latencies, 0.5))}, p99 ${ms(percentile(throughput.latencies, 0.99))}`,
  );
  console.log(
    `latency at ${LATENCY_RATE} orders/s:    p50 ${ms(percentile(latency.latencies, 0.5))}, p99 ${ms(percentile(latency.latencies, 0.99))} (${latency.ids.length} orders, ${JSON.stringify(latency.statuses)})`,
  );
  console.log(
    `exactly once:              ${exactlyOnce.receipts} sales receipts for ${exactlyOnce.expected} orders, ${exactlyOnce.duplicates} duplicated`,
  );
  const orders = throughput.ids.length + latency.ids.length;
  console.log('per service:               peak RSS, CPU time per order');
  for (const handle of running) {
    const rss = peakRssMiB(handle);
    const cpu = cpuSeconds(handle);
    const rssText = rss === undefined ? 'n/a' : `${rss.toFixed(0)} MiB`;
    const cpuText = cpu === undefined ? 'n/a' : `${((cpu * 1000) / orders).toFixed(2)} ms`;
    console.log(`  ${handle.service.padEnd(12)} ${rssText.padStart(8)}  ${cpuText.padStart(9)}`);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
