'use strict';
// Runs every benchmark in turn and leaves each one's figures on the console.
//
//   npm run bench                        every benchmark
//   BENCH_ONLY=rules,qbd npm run bench   some of them (names below)
//
// Each benchmark is its own script, so it can also run alone with `node scripts/<file>`.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const BENCHMARKS = [
  { name: 'pipeline', file: 'bench.js', about: 'Shopify webhooks through every service' },
  { name: 'connectors', file: 'bench-connectors.js', about: 'normalisation and webhook latency' },
  { name: 'rules', file: 'bench-rules.js', about: 'orders through 100 and 1,000 rules' },
  { name: 'qbo', file: 'bench-qbo.js', about: 'one QuickBooks Online company at its limits' },
  { name: 'qbd', file: 'bench-qbd.js', about: 'orders through the Web Connector' },
];

function selected() {
  const only = (process.env.BENCH_ONLY ?? '').split(',').filter(Boolean);
  const unknown = only.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));

  if (unknown.length > 0) {
    throw new Error(
      `BENCH_ONLY names unknown benchmarks (${unknown.join(', ')}); choose from ${BENCHMARKS.map((benchmark) => benchmark.name).join(', ')}`,
    );
  }

  return only.length === 0
    ? BENCHMARKS
    : BENCHMARKS.filter((benchmark) => only.includes(benchmark.name));
}

function main() {
  const failed = [];

  for (const benchmark of selected()) {
    const script = path.join(__dirname, benchmark.file);

    if (!fs.existsSync(script)) {
      continue;
    }

    console.log(`\n=== ${benchmark.name}: ${benchmark.about} (node scripts/${benchmark.file})\n`);
    const result = spawnSync(process.execPath, [script], { stdio: 'inherit' });

    if (result.status !== 0) {
      failed.push(benchmark.name);
    }
  }

  if (failed.length > 0) {
    console.error(`\nbench: ${failed.join(', ')} failed; see their output above`);
    process.exitCode = 1;
  }
}

try {
  main();
} catch (error) {
  console.error(`bench: ${error.message}`);
  process.exitCode = 1;
}
