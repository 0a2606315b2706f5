'use strict';
// Connector benchmark: normalisation throughput per channel on one core, then webhook acceptance
// latency of the Shopify connector under a steady request rate.
//
//   npx turbo run build --filter=@qbsync/connectors && node scripts/bench-connectors.js
//   BENCH_RATE=200 BENCH_SECONDS=10 node scripts/bench-connectors.js
//   BENCH_CHANNELS=shopify,custom node scripts/bench-connectors.js   (normalisation only for these)
//
// Every channel in CHANNEL_REGISTRATIONS (services/connectors/src/channel-registrations.ts) is
// measured. A channel with `benchmarkSamples` gets a webhook row: each sample delivery is
// identified, verified and parsed in a loop, as the webhook handler does. A channel with
// `benchmarkRecords` gets an API record row: each record's JSON body, as a poll or fetch reads it,
// is parsed and run through the channel's order normaliser in a loop. BigCommerce and Square
// webhooks carry only ids, so their orders are counted on the record row. Amazon, eBay, Etsy and
// Walmart have no order webhooks and get only a record row. Each row prints orders per second.
//
// The latency run starts its own nats-server and FerretDB on free ports (through @qbsync/testing),
// runs the connectors service as a child process with CHANNEL=shopify, connects a shop and sends
// signed orders/create webhooks at BENCH_RATE per second, each a new order. Latency is from
// sending the request to reading the whole response, which comes after JetStream stored the work.
// The load generator runs in this process, on the same machine.

const { spawn } = require('node:child_process');
const { createHmac, randomBytes, randomUUID } = require('node:crypto');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '..');
const NORMALISE_SECONDS = Number(process.env.BENCH_NORMALISE_SECONDS ?? 2);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CHANNEL_FILTER = process.env.BENCH_CHANNELS?.split(',').map((name) => name.trim());

function loadRegistrations() {
  const modulePath = path.join(REPO_ROOT, 'services/connectors/dist/channel-registrations.js');

  try {
    return require(modulePath).CHANNEL_REGISTRATIONS;
  } catch (error) {
    throw new Error(
      `Cannot load ${modulePath} (${error.message}); build it first with npx turbo run build --filter=@qbsync/connectors`,
    );
  }
}

/** Parses every sample repeatedly for NORMALISE_SECONDS and returns orders normalised per second. */
function measureNormalisation(channel, registration) {
  const samples = registration.benchmarkSamples();
  const { adapter } = registration;
  const connection = {
    accountId: 'bench-account',
    connectionId: 'bench-connection',
    channel,
    settings: { statusFilter: [], storeFilter: [], pollIntervalMinutes: 5 },
  };
  const deadline = process.hrtime.bigint() + BigInt(Math.round(NORMALISE_SECONDS * 1e9));
  let orders = 0;
  let rejected = 0;
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();

  while (process.hrtime.bigint() < deadline) {
    for (const sample of samples) {
      const delivery = { ...sample.delivery, receivedAt: new Date().toISOString() };
      const withCredentials = { ...connection, credentials: sample.credentials };
      const identity = adapter.identifyWebhook ? adapter.identifyWebhook(delivery) : {};

      if ('error' in identity || !adapter.verifyWebhook(delivery, withCredentials)) {
        throw new Error(`${sample.name}: the benchmark sample does not pass identify and verify`);
      }

      try {
        const events = adapter.parseWebhook(delivery, {
          connection: withCredentials,
          receivedAt: delivery.receivedAt,
          deliveryId: identity.deliveryId,
          topic: identity.topic,
        });

        orders += events.filter((event) => event.kind === 'order').length;
      } catch {
        rejected += 1;
      }
    }
  }

  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;

  return {
    samples: samples.length,
    orders,
    rejected,
    perSecond: orders / seconds,
    perCpuSecond: orders / cpuSeconds,
  };
}

/**
 * Runs every benchmark record's normaliser repeatedly for NORMALISE_SECONDS and returns the counts
 * and the orders normalised per second. A record that throws is counted as rejected.
 */
function measureRecordNormalisation(registration) {
  const records = registration.benchmarkRecords();
  const deadline = process.hrtime.bigint() + BigInt(Math.round(NORMALISE_SECONDS * 1e9));
  let orders = 0;
  let rejected = 0;
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();

  while (process.hrtime.bigint() < deadline) {
    for (const record of records) {
      try {
        orders += record.normalise();
      } catch {
        rejected += 1;
      }
    }
  }

  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;

  return {
    samples: records.length,
    orders,
    rejected,
    perSecond: orders / seconds,
    perCpuSecond: orders / cpuSeconds,
  };
}

/** Prints one normalisation row: the channel, what the row measured, and the rates. */
function printNormalisationRow(channel, source, result) {
  console.log(
    `  ${channel.padEnd(12)} ${source.padEnd(12)} ${Math.round(result.perCpuSecond).toLocaleString('en-US').padStart(9)} orders per CPU-second` +
      `  (${Math.round(result.perSecond).toLocaleString('en-US')}/s wall clock; ${result.samples} ${source === 'webhook' ? 'samples' : 'records'}, ` +
      `${result.orders} orders, ${result.rejected} rejected)`,
  );
}

/** CPU seconds (user + system) a process has used, from /proc; undefined where there is none. */
function processCpuSeconds(pid) {
  try {
    const fields = require('node:fs')
      .readFileSync(`/proc/${pid}/stat`, 'utf8')
      .split(') ')[1]
      .split(' ');
    // Fields 14 and 15 of /proc/<pid>/stat (utime, stime), counted from the state field as 3.
    const ticks = Number(fields[11]) + Number(fields[12]);

    return ticks / 100;
  } catch {
    return undefined;
  }
}

function percentile(sorted, share) {
  if (sorted.length === 0) {
    return NaN;
  }

  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
}

async function waitForReady(url, child) {
  const deadline = Date.now() + 60_000;

  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the connectors service exited with code ${child.exitCode} while starting`);
    }

    try {
      const response = await fetch(`${url}/health/ready`);

      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }

    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  throw new Error(`the connectors service at ${url} was not ready within 60 s`);
}

async function measureWebhookLatency() {
  const { startInfrastructure, freePort } = require('@qbsync/testing');
  const { connect, JSONCodec } = require('nats');
  const infra = await startInfrastructure();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const database = new URL(infra.mongoUri);

  database.pathname = '/qbsync-connectors-bench';
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'services/connectors/dist/main.js')],
    {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(port),
        NATS_URL: infra.natsUrl,
        MONGODB_URI: database.toString(),
        ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        CHANNEL: 'shopify',
        POLLING_ENABLED: 'false',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const nats = await connect({ servers: infra.natsUrl });

  try {
    await waitForReady(url, child);
    const secret = 'bench-client-secret';
    const shopDomain = 'bench-latency.myshopify.com';
    const codec = JSONCodec();
    const reply = codec.decode(
      (
        await nats.request(
          'connectors.shopify.connection-put.1',
          codec.encode({
            accountId: 'bench-account',
            connectionId: randomUUID(),
            channel: 'shopify',
            credentials: { shopDomain, webhookSecret: secret },
            backfillDays: 0,
          }),
          { timeout: 10_000 },
        )
      ).data,
    );

    if (!reply.ok) {
      throw new Error(`connecting the bench shop failed: ${JSON.stringify(reply.error)}`);
    }

    const sample = require(
      path.join(REPO_ROOT, 'services/connectors/dist/shopify/shopify-benchmark.js'),
    )
      .loadShopifyBenchmarkSamples()
      .find((candidate) => candidate.name === 'shopify order 450789469');
    const template = JSON.parse(sample.delivery.rawBody.toString('utf8'));
    const total = Math.round(RATE * SECONDS);
    const cpuBefore = processCpuSeconds(child.pid);
    const latencies = [];
    const failures = new Map();
    const started = Date.now();
    const sends = [];

    for (let index = 0; index < total; index += 1) {
      const due = started + (index * 1000) / RATE;
      const wait = due - Date.now();

      if (wait > 0) {
        await new Promise((resolve) => setTimeout(resolve, wait));
      }

      const body = Buffer.from(
        JSON.stringify({
          ...template,
          id: 800_000_000 + index,
          updated_at: new Date().toISOString(),
        }),
      );
      const sentAt = process.hrtime.bigint();

      sends.push(
        fetch(`${url}/webhooks/shopify`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-shopify-topic': 'orders/create',
            'x-shopify-shop-domain': shopDomain,
            'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
            'x-shopify-webhook-id': randomUUID(),
          },
          body,
        })
          .then(async (response) => {
            await response.arrayBuffer();
            latencies.push(Number(process.hrtime.bigint() - sentAt) / 1e6);

            if (response.status !== 200) {
              failures.set(response.status, (failures.get(response.status) ?? 0) + 1);
            }
          })
          .catch((error) => failures.set(error.message, (failures.get(error.message) ?? 0) + 1)),
      );
    }

    await Promise.all(sends);
    const elapsed = (Date.now() - started) / 1000;
    const cpuAfter = processCpuSeconds(child.pid);
    const cpuMsPerRequest =
      cpuBefore === undefined || cpuAfter === undefined
        ? NaN
        : ((cpuAfter - cpuBefore) * 1000) / total;
    const sorted = latencies.sort((left, right) => left - right);

    return {
      requests: total,
      achievedRate: total / elapsed,
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      max: sorted[sorted.length - 1],
      cpuMsPerRequest,
      failures: Object.fromEntries(failures),
    };
  } finally {
    await nats.close();
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await infra.stop();
  }
}

async function main() {
  const registrations = loadRegistrations();

  // Orders per CPU-second is the one-core figure even when other processes share the cores; the
  // wall-clock rate is printed beside it.
  console.log(
    `Normalisation, one core, ${NORMALISE_SECONDS} s per channel (target 2,000 orders/s):`,
  );

  for (const [channel, registration] of Object.entries(registrations)) {
    if (!registration || (CHANNEL_FILTER && !CHANNEL_FILTER.includes(channel))) {
      continue;
    }

    if (!registration.benchmarkSamples && !registration.benchmarkRecords) {
      console.log(
        `  ${channel.padEnd(12)} not measured, because its registration has neither benchmarkSamples nor benchmarkRecords. Add one of them`,
      );
      process.exitCode = 1;
      continue;
    }

    if (registration.benchmarkSamples) {
      const result = measureNormalisation(channel, registration);

      printNormalisationRow(channel, 'webhook', result);

      if (result.orders === 0) {
        console.log(
          `  ${''.padEnd(12)} no orders: this channel's webhooks carry ids only, so its orders are normalised after the API read` +
            (registration.benchmarkRecords ? ', measured on the API record row' : ''),
        );
      }
    }

    if (registration.benchmarkRecords) {
      printNormalisationRow(channel, 'API records', measureRecordNormalisation(registration));
    }
  }

  console.log(
    `\nLoad average before the latency run: ${require('node:os')
      .loadavg()
      .map((value) => value.toFixed(1))
      .join(', ')}`,
  );
  console.log(
    `Shopify webhook acceptance at ${RATE} requests/s for ${SECONDS} s (target p99 < 100 ms):`,
  );
  const latency = await measureWebhookLatency();

  console.log(
    `  ${latency.requests} requests at ${latency.achievedRate.toFixed(1)}/s: ` +
      `p50 ${latency.p50.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms, ` +
      `p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms`,
  );
  // The service's own CPU time per accepted webhook bounds the rate one core can take, whatever
  // else runs on the machine.
  console.log(
    `  connectors CPU per request: ${latency.cpuMsPerRequest.toFixed(2)} ms ` +
      `(one core: about ${Math.floor(1000 / latency.cpuMsPerRequest)} requests/s)`,
  );

  if (Object.keys(latency.failures).length > 0) {
    console.log(`  non-200 outcomes: ${JSON.stringify(latency.failures)}`);
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(`bench-connectors: ${error.stack ?? error.message}`);
  process.exit(1);
});
