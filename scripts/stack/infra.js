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

/** Returns a MongoDB URI for a service's own database on the same server. */
function databaseUri(baseUri, service) {
  const url = new URL(baseUri);
  url.pathname = `/qbsync-${service}`;

  return url.toString();
}

module.exports = { REPO_ROOT, startInfrastructure, databaseUri };
