'use strict';
// Measures the rules engine alone, on one thread of this process. It prints orders per CPU second
// of this process and per wall-clock second through rule sets of 100 and 1,000 rules of mixed
// kinds. It also prints the latency of a preview's engine work: compiling the draft and explaining
// every rule on one order, without database and NATS time. Build first:
// npx turbo run build --filter=@qbsync/rules
//
//   node scripts/bench-rules.js
//   BENCH_SECONDS=5 node scripts/bench-rules.js     measure each rule set for longer
//   BENCH_SERVICE=0 node scripts/bench-rules.js     skip the preview through the running service
//
// The last figure is a preview end to end. The rules service runs in this process against its own
// nats-server and FerretDB on free ports (from .tools/bin). Each preview is a NATS request that
// reads the newest version's head and a kept order from FerretDB and explains 1,000 rules.
//
// Targets: 20,000 orders/s through 100 rules, 2,000 orders/s through 1,000 rules, preview under
// 200 ms, and a 50-line order through 100,000 rules (mostly SKU mappings) under 50 ms.

const { performance } = require('node:perf_hooks');

const { CompiledRuleSet } = require('../services/rules/dist/engine/compile');
const { ruleInputSchema } = require('../services/rules/dist/engine/rule.model');
const {
  buildLine,
  buildOrder,
  buildPayment,
  buildShippingLine,
} = require('@qbsync/testing/dist/orders');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WITH_SERVICE = process.env.BENCH_SERVICE !== '0';
const CHANNELS = ['shopify', 'amazon', 'ebay', 'woocommerce'];
const GATEWAYS = ['shopify_payments', 'PayPal Express', 'stripe', 'manual'];

/** Builds the i-th rule of a mixed set: most conditions miss, as in a real account's rule list. */
function mixedRule(i) {
  const kinds = [
    () => ({
      conditions: [{ field: 'channel', comparison: 'equals', value: `channel-${i}` }],
      action: { kind: 'class', value: `Class ${i}` },
    }),
    () => ({
      type: 'map_product',
      conditions: [{ field: 'line.sku', comparison: 'equals', value: `SKU-${i}` }],
      action: { kind: 'item', value: `Item ${i}` },
    }),
    () => ({
      conditions: [{ field: 'line.sku', comparison: 'starts_with', value: `PFX-${i}-` }],
      action: { kind: 'line_class', value: `Line class ${i}` },
    }),
    () => ({
      conditions: [
        { field: 'payment_method', comparison: 'contains', value: `gateway-${i}` },
        { join: 'and', field: 'total', comparison: 'greater_than', value: String(i) },
      ],
      action: { kind: 'deposit_account', value: `Deposit ${i}` },
    }),
    () => ({
      conditions: [{ field: 'tag', comparison: 'in_list', values: [`tag-${i}`, `vip-${i}`] }],
      action: { kind: 'transaction_type', value: 'Invoice' },
    }),
    () => ({
      conditions: [
        { field: 'customer_email', comparison: 'matches', value: `user${i}@[a-z]+\\.com` },
      ],
      action: { kind: 'customer_name', value: `Customer ${i}` },
    }),
    () => ({
      conditions: [
        { field: 'shipping_method', comparison: 'equals', value: `Method ${i}` },
        { join: 'or', field: 'shipping_state', comparison: 'equals', value: `S${i}` },
      ],
      action: { kind: 'shipping_item', value: `Shipping ${i}` },
    }),
    () => ({
      conditions: [{ field: 'order_date', comparison: 'less_than', value: '2001-01-01' }],
      action: { kind: 'do_not_import' },
    }),
    () => ({
      conditions: [{ field: 'line.sku', comparison: 'ends_with', value: `-OLD${i}` }],
      action: { kind: 'sku', value: `NEW-${i}` },
    }),
    () => ({
      conditions: [{ field: 'custom.channel_note', comparison: 'contains', value: `note ${i}` }],
      action: { kind: 'memo', value: `Memo ${i}` },
    }),
  ];
  const input = ruleInputSchema.parse({ name: `Rule ${i}`, ...kinds[i % kinds.length]() });

  return { ...input, ruleId: `rule-${i}` };
}

/** Builds `count` mixed rules whose last three match every order, so each run also rewrites a line. */
function ruleSet(count) {
  const rules = Array.from({ length: count - 3 }, (_, i) => mixedRule(i));
  const matching = [
    {
      name: 'Channel class',
      conditions: [{ field: 'channel', comparison: 'map_all' }],
      action: { kind: 'class' },
    },
    {
      name: 'Shipping item',
      type: 'map_value',
      action: { kind: 'shipping_item', value: 'Shipping' },
    },
    {
      name: 'Rename gift SKU',
      conditions: [{ field: 'line.sku', comparison: 'equals', value: 'GIFT-1' }],
      action: { kind: 'sku', value: 'GIFT-CARD' },
    },
  ];

  matching.forEach((input, i) =>
    rules.push({ ...ruleInputSchema.parse(input), ruleId: `match-${i}` }),
  );

  return rules;
}

function orders(count) {
  return Array.from({ length: count }, (_, i) =>
    buildOrder({
      channelOrderId: String(10_000 + i),
      orderNumber: `#${10_000 + i}`,
      channel: CHANNELS[i % CHANNELS.length],
      customer: { email: `buyer${i}@example.com` },
      lines: [
        buildLine({ lineId: '1', sku: `SKU-${(i * 7) % 2000}`, unitPrice: 1500 }),
        buildLine({ lineId: '2', sku: 'GIFT-1', unitPrice: 2500 }),
        buildLine({ lineId: '3', sku: `PFX-${i % 50}-A`, unitPrice: 999 }),
      ],
      shippingLines: [buildShippingLine({ title: 'UPS Ground' })],
      payments: [buildPayment({ gateway: GATEWAYS[i % GATEWAYS.length], amount: 5499 })],
      totals: { subtotal: 4999, discounts: 0, shipping: 500, tax: 0, total: 5499 },
      tags: ['retail', `batch-${i % 10}`],
      customFields: [{ name: 'channel_note', value: 'leave at door' }],
      shippingAddress: { regionCode: 'NY', countryCode: 'US' },
    }),
  );
}

function compile(rules) {
  const result = CompiledRuleSet.compile(rules, 1);

  if (!result.ok) {
    throw new Error(`Benchmark rules do not compile: ${JSON.stringify(result.problems[0])}`);
  }

  return result.ruleSet;
}

function throughput(count, sample) {
  const set = compile(ruleSet(count));

  // Warm up so V8 optimises the closures before the clock starts.
  for (let i = 0; i < 2_000; i += 1) {
    set.run(sample[i % sample.length]);
  }

  let done = 0;
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const deadline = started + SECONDS * 1000;

  while (performance.now() < deadline) {
    for (let i = 0; i < 100; i += 1) {
      set.run(sample[done % sample.length]);
      done += 1;
    }
  }

  const wallSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;

  // On a shared machine the wall clock also counts time other processes held the core, so the
  // rate per CPU second of this process is the steadier figure for "one core".
  return { wall: done / wallSeconds, cpu: done / cpuSeconds };
}

function previewLatency(count, sample) {
  const rules = ruleSet(count);
  const timings = [];

  for (let i = 0; i < 50; i += 1) {
    const started = performance.now();

    compile(rules).explain(sample[i % sample.length]);
    timings.push(performance.now() - started);
  }

  timings.sort((a, b) => a - b);

  return { median: timings[Math.floor(timings.length / 2)], max: timings[timings.length - 1] };
}

/**
 * Times a 50-line order through 100,000 rules: 99,990 SKU-to-item mappings as a mapping table
 * produces, with ten mixed rules in front of them.
 */
function largeMappingLatency() {
  const rules = Array.from({ length: 10 }, (_, i) => mixedRule(i));

  for (let i = 0; i < 99_990; i += 1) {
    const input = ruleInputSchema.parse({
      name: `SKU ${i}`,
      type: 'map_product',
      conditions: [{ field: 'line.sku', comparison: 'equals', value: `MAP-${i}` }],
      action: { kind: 'item', value: `Item ${i}` },
    });

    rules.push({ ...input, ruleId: `map-${i}` });
  }

  const compileStarted = performance.now();
  const set = compile(rules);
  const compileMs = performance.now() - compileStarted;
  const order = buildOrder({
    lines: Array.from({ length: 50 }, (_, i) =>
      buildLine({ lineId: String(i + 1), sku: `MAP-${i * 1_999}` }),
    ),
    totals: { subtotal: 50_000, discounts: 0, shipping: 0, tax: 0, total: 50_000 },
  });
  const timings = [];

  // Warm up first: the first runs pay for V8 optimising the closures and for collecting the
  // garbage that compiling 100,000 rules left behind.
  for (let i = 0; i < 20; i += 1) {
    set.run(order);
  }

  for (let i = 0; i < 200; i += 1) {
    const started = performance.now();

    set.run(order);
    timings.push(performance.now() - started);
  }

  timings.sort((a, b) => a - b);

  return { compileMs, median: timings[100], p99: timings[197], max: timings[timings.length - 1] };
}

/** Returns the URI of a database of its own on the benchmark's FerretDB server. */
function databaseUri(mongoUri) {
  const url = new URL(mongoUri);

  url.pathname = '/bench-rules';

  return url.toString();
}

/** Times previews through the rules service over NATS, with 1,000 stored rules and a kept order. */
async function servicePreviewLatency(sample) {
  require('reflect-metadata');
  const { ClientProxyFactory, Transport } = require('@nestjs/microservices');
  const { RuleSubjects, Subjects } = require('@qbsync/contracts');
  const { startService } = require('@qbsync/platform');
  const { startInfrastructure } = require('@qbsync/testing');
  const { connect, JSONCodec } = require('nats');
  const { lastValueFrom } = require('rxjs');
  const { rulesService } = require('../services/rules/dist');

  const infra = await startInfrastructure();
  const running = [];

  try {
    const service = await startService(rulesService, {
      NODE_ENV: 'production',
      LOG_LEVEL: 'error',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      NATS_URL: infra.natsUrl,
      MONGODB_URI: databaseUri(infra.mongoUri),
      RULES_COMPANY_LISTS_TIMEOUT_MS: '200',
    });

    running.push(() => service.stop());
    const client = ClientProxyFactory.create({
      transport: Transport.NATS,
      options: { servers: [infra.natsUrl] },
    });

    running.unshift(() => client.close());
    const request = (subject, payload) => lastValueFrom(client.send(subject, payload));
    const accountId = 'bench-account';
    const rules = ruleSet(1_000).map(({ ruleId, ...rule }) => ({ ...rule, ruleId }));

    await request(RuleSubjects.Import, { accountId, format: 'json', content: { rules } });
    const nats = await connect({ servers: infra.natsUrl });
    const order = { ...sample[0], accountId, orderNumber: '#BENCH-1' };

    await nats.jetstream().publish(Subjects.OrderReceived, JSONCodec().encode(order));
    await nats.drain();

    for (let attempt = 0; attempt < 100; attempt += 1) {
      try {
        await request(RuleSubjects.Preview, { accountId, order: 'BENCH-1' });
        break;
      } catch {
        // The order worker may not have kept the order yet.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }

    const timings = [];

    for (let i = 0; i < 50; i += 1) {
      const started = performance.now();

      await request(RuleSubjects.Preview, { accountId, order: 'BENCH-1' });
      timings.push(performance.now() - started);
    }

    timings.sort((a, b) => a - b);

    return { median: timings[25], max: timings[timings.length - 1] };
  } finally {
    for (const stop of running) {
      await stop();
    }

    await infra.stop();
  }
}

async function main() {
  const sample = orders(1_000);
  const format = (value) => Math.round(value).toLocaleString('en-US');

  console.log(`Node ${process.version}, one thread, ${SECONDS} s per rule set, 3-line orders`);

  for (const [count, target] of [
    [100, 20_000],
    [1_000, 2_000],
  ]) {
    const rate = throughput(count, sample);

    console.log(
      `${format(count)} rules: ${format(rate.cpu)} orders per CPU second, ${format(rate.wall)} orders/s by the wall clock (target ${format(target)}) ${rate.cpu >= target ? 'ok' : 'BELOW TARGET'}`,
    );
  }

  for (const count of [100, 1_000]) {
    const latency = previewLatency(count, sample);

    console.log(
      `preview engine work, ${format(count)} rules (compile draft + explain): median ${latency.median.toFixed(2)} ms, max ${latency.max.toFixed(2)} ms (target 200 ms) ${latency.max < 200 ? 'ok' : 'ABOVE TARGET'}`,
    );
  }

  const large = largeMappingLatency();

  console.log(
    `100,000 rules (SKU mappings), 50-line order: median ${large.median.toFixed(2)} ms, p99 ${large.p99.toFixed(2)} ms, max ${large.max.toFixed(2)} ms (target 50 ms) ${large.p99 < 50 ? 'ok' : 'ABOVE TARGET'}; compiling took ${Math.round(large.compileMs)} ms`,
  );

  if (WITH_SERVICE) {
    const preview = await servicePreviewLatency(sample);

    console.log(
      `preview through the rules service (NATS request, FerretDB, 1,000 rules): median ${preview.median.toFixed(1)} ms, max ${preview.max.toFixed(1)} ms (target 200 ms) ${preview.max < 200 ? 'ok' : 'ABOVE TARGET'}`,
    );
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
