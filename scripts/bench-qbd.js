'use strict';
// Posts orders to QuickBooks Desktop through the Web Connector stand-in and prints orders per
// minute, orders per Web Connector session and the sessions lost to the client's time budget.
//
//   npx turbo run build --filter=@qbsync/qbd --filter=@qbsync/sandbox && node scripts/bench-qbd.js
//   BENCH_QBD_ORDERS=500 node scripts/bench-qbd.js          fewer orders (default 5,000)
//   BENCH_QBD_QB_MS_PER_REQUEST=20                          simulated QuickBooks time per request
//   BENCH_QBD_SESSION_BUDGET_SECONDS=60                     the service's work budget per session
//   BENCH_QBD_CLIENT_BUDGET_SECONDS=120                     when the Web Connector gives up
//
// The qbd service runs in this process against its own nats-server and FerretDB (SQLite) on free
// ports. Orders enter through JetStream as the rules service publishes them. The measured time is
// the Web Connector's, from the first authenticate to the session that finds no work.

const { startInfrastructure, waitFor } = require('@qbsync/testing');
const {
  buildLine,
  buildOrder,
  buildPayment,
  buildShippingLine,
} = require('@qbsync/testing/dist/orders');
const { Subjects } = require('@qbsync/contracts');
const { JetStreamService, startService } = require('@qbsync/platform');
const { qbdService } = require('@qbsync/qbd');
const { QbdConnectionHandler } = require('@qbsync/qbd/dist/company/qbd-connection.handler');
const { QueueRepository } = require('@qbsync/qbd/dist/queue/queue.repository');
const { seedCompany } = require('@qbsync/sandbox/dist/qbwc/company/company-seed');
const { WebConnectorClient } = require('@qbsync/sandbox/dist/qbwc/client/web-connector-client');

const ORDER_COUNT = Number(process.env.BENCH_QBD_ORDERS ?? 5000);
const QB_MS_PER_REQUEST = Number(process.env.BENCH_QBD_QB_MS_PER_REQUEST ?? 20);
const SESSION_BUDGET_SECONDS = Number(process.env.BENCH_QBD_SESSION_BUDGET_SECONDS ?? 60);
const CLIENT_BUDGET_SECONDS = Number(process.env.BENCH_QBD_CLIENT_BUDGET_SECONDS ?? 120);
const CUSTOMERS = 250;
const SKUS = 40;
const PUBLISH_CONCURRENCY = 64;

async function main() {
  const infra = await startInfrastructure();
  const mongo = new URL(infra.mongoUri);
  mongo.pathname = '/bench-qbd';
  let service;

  try {
    service = await startService(qbdService, {
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      NATS_URL: infra.natsUrl,
      MONGODB_URI: mongo.toString(),
      QBD_SESSION_BUDGET_SECONDS: String(SESSION_BUDGET_SECONDS),
    });

    const accountId = 'bench-account';
    const pairing = await service.app.get(QbdConnectionHandler).pair({
      accountId,
      connectionId: 'bench-connection',
    });
    const queue = service.app.get(QueueRepository);
    const jetStream = service.app.get(JetStreamService);

    console.log(
      `${ORDER_COUNT} orders, ${CUSTOMERS} customers, ${SKUS} SKUs; QuickBooks takes ${QB_MS_PER_REQUEST} ms per request; ` +
        `session budget ${SESSION_BUDGET_SECONDS} s, Web Connector gives up after ${CLIENT_BUDGET_SECONDS} s`,
    );

    const intakeStarted = Date.now();
    await publishOrders(jetStream, accountId);
    const expected = ORDER_COUNT + Math.min(ORDER_COUNT, CUSTOMERS) + SKUS;
    let lastReport = Date.now();
    await waitFor(
      async () => {
        const queued = await queue.countInState(accountId, 'queued');
        if (Date.now() - lastReport > 15_000) {
          lastReport = Date.now();
          console.log(`  queued ${queued} of at least ${expected} requests`);
        }
        return queued >= expected;
      },
      { timeoutMs: 30 * 60_000, intervalMs: 1000, description: 'every order in the queue' },
    );
    const intakeSeconds = (Date.now() - intakeStarted) / 1000;

    const company = seedCompany();
    const client = new WebConnectorClient({
      appUrl: `${service.url}/qbwc`,
      userName: pairing.userName,
      password: pairing.password,
      company,
      quickBooksMsPerRequest: QB_MS_PER_REQUEST,
      sessionBudgetMs: CLIENT_BUDGET_SECONDS * 1000,
    });
    const started = Date.now();
    const reports = [];
    for (let index = 0; index < 10_000; index += 1) {
      const report = await client.runSession();
      reports.push(report);
      console.log(
        `  session ${index + 1}: ${report.authentication}, ${report.messages} messages, ` +
          `${report.requests} requests, ${(report.durationMs / 1000).toFixed(1)} s` +
          (report.lostToTimeBudget ? ', lost to the time budget' : ''),
      );
      if (report.authentication !== 'ok') {
        break;
      }
    }
    const seconds = (Date.now() - started) / 1000;
    const receipts = [...company.transactions.values()].filter(
      (txn) => txn.type === 'SalesReceipt',
    );
    const distinctRefs = new Set(receipts.map((txn) => txn.refNumber));
    const working = reports.filter((report) => report.authentication === 'ok');
    const lost = working.filter((report) => report.lostToTimeBudget || !report.closed);
    const messages = working.reduce((sum, report) => sum + report.messages, 0);
    const requests = working.reduce((sum, report) => sum + report.requests, 0);
    const failed = await queue.countInState(accountId, 'failed');

    console.log('');
    console.log(
      `queued in                      ${intakeSeconds.toFixed(1)} s (${((ORDER_COUNT / intakeSeconds) * 60).toFixed(0)} orders/min)`,
    );
    console.log(
      `posted                         ${receipts.length} sales receipts (${distinctRefs.size} distinct numbers), ${failed} failed`,
    );
    console.log(`Web Connector time             ${seconds.toFixed(1)} s`);
    console.log(`orders per minute              ${((receipts.length / seconds) * 60).toFixed(0)}`);
    console.log(`sessions with work             ${working.length}`);
    console.log(
      `orders per session             ${(receipts.length / Math.max(working.length, 1)).toFixed(0)}`,
    );
    console.log(`sessions lost to time budget   ${lost.length}`);
    console.log(
      `qbXML messages                 ${messages} (${(requests / Math.max(messages, 1)).toFixed(1)} requests each)`,
    );
    console.log(
      `longest session                ${(Math.max(...working.map((report) => report.durationMs)) / 1000).toFixed(1)} s`,
    );

    const ok =
      receipts.length === ORDER_COUNT &&
      distinctRefs.size === ORDER_COUNT &&
      lost.length === 0 &&
      failed === 0;
    console.log(
      ok ? '\nOK: every order posted once, no session lost' : '\nFAILED: see the figures above',
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    await service?.stop();
    await infra.stop();
  }
}

async function publishOrders(jetStream, accountId) {
  let next = 0;
  const worker = async () => {
    while (next < ORDER_COUNT) {
      const index = next++;
      await jetStream.publish(Subjects.OrderReadyForQbd, readyOrder(accountId, index), {
        messageId: `bench:${index}`,
      });
    }
  };
  await Promise.all(Array.from({ length: PUBLISH_CONCURRENCY }, worker));
}

/** Builds an order of one or two lines, shipping and tax, from rotating customers and SKUs. */
function readyOrder(accountId, index) {
  const customer = index % CUSTOMERS;
  const quantity = 1 + (index % 3);
  const lines = [
    buildLine({
      lineId: `${index}-1`,
      sku: `SKU-${index % SKUS}`,
      name: `Product ${index % SKUS}`,
      unitPrice: 1999,
      quantity,
    }),
  ];
  if (index % 2 === 0) {
    lines.push(
      buildLine({
        lineId: `${index}-2`,
        sku: `SKU-${(index + 7) % SKUS}`,
        name: 'Accessory',
        unitPrice: 500,
      }),
    );
  }
  const subtotal = lines.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0);
  const shipping = 495;
  const tax = Math.round(subtotal * 0.06);
  const total = subtotal + shipping + tax;

  return {
    order: buildOrder({
      accountId,
      channelOrderId: String(900000 + index),
      orderNumber: `#${100000 + index}`,
      customer: {
        firstName: 'Customer',
        lastName: String(customer),
        email: `c${customer}@example.com`,
      },
      lines,
      shippingLines: [buildShippingLine({ title: 'Standard', price: shipping })],
      taxLines: [{ name: 'State Tax', rate: '0.06', amount: tax }],
      payments: [buildPayment({ amount: total })],
      totals: { subtotal, discounts: 0, shipping, tax, total },
    }),
    target: 'qbd',
    documentKind: 'sales_receipt',
    ruleSetVersion: 1,
    appliedRules: [],
  };
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
