'use strict';
// Starts NATS and FerretDB through scripts/infra and reads the URLs it wrote.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const REPO_ROOT = path.resolve(__dirname, '../..');

function startInfrastructure() {
  execFileSync('bash', [path.join(REPO_ROOT, 'scripts/infra'), 'start'], { stdio: 'inherit' });
  const envFile = path.join(REPO_ROOT, '.data/infra.env');
  const values = {};
  for (const line of fs.readFileSync(envFile, 'utf8').split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (match) {
      values[match[1]] = match[2];
    }
  }

  if (!values.NATS_URL || !values.MONGODB_URI) {
    throw new Error(
      `${envFile} does not name NATS_URL and MONGODB_URI; run scripts/infra start and read its output`,
    );
  }

  return values;
}

const SERVICE_DATABASES = ['gateway', 'connectors', 'rules', 'qbo', 'qbd'];

/**
 * Empties what an earlier run left on the project's own servers: every JetStream stream (orders,
 * sync events, key-value buckets) and every service database. The sandbox keeps its QuickBooks
 * companies and shops in memory, so data kept from an earlier run refers to records the new
 * sandbox does not have. Servers reused with INFRA_REUSE=1 are not the project's and are left
 * alone.
 */
async function resetData(infra) {
  if (process.env.INFRA_REUSE === '1') {
    console.log('infra: INFRA_REUSE=1, so data from earlier runs is kept on those servers');

    return;
  }

  const { connect } = require('nats');
  const mongoose = require('mongoose');
  const nats = await connect({ servers: infra.NATS_URL });

  try {
    const manager = await nats.jetstreamManager();

    for (const stream of await manager.streams.list().next()) {
      await manager.streams.delete(stream.config.name);
    }
  } finally {
    await nats.close();
  }

  for (const service of SERVICE_DATABASES) {
    const connection = await mongoose
      .createConnection(databaseUri(infra.MONGODB_URI, service), {
        serverSelectionTimeoutMS: 10_000,
      })
      .asPromise();

    try {
      await connection.dropDatabase();
    } finally {
      await connection.close();
    }
  }
}

/** Returns a MongoDB URI for a service's own database on the same server. */
function databaseUri(baseUri, service) {
  const url = new URL(baseUri);
  url.pathname = `/qbsync-${service}`;

  return url.toString();
}

module.exports = { REPO_ROOT, startInfrastructure, resetData, databaseUri };
