'use strict';
// Runs every service as its own process, configured through environment variables as the Helm
// chart configures its pods, and stops them with SIGTERM as Kubernetes does.
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const { REPO_ROOT, databaseUri } = require('./infra');

const DEFAULT_PORTS = {
  gateway: 3000,
  connectors: 3001,
  rules: 3002,
  qbo: 3003,
  qbd: 3004,
  sandbox: 4010,
};

/** Shifts every port by STACK_PORT_OFFSET, so two stacks can run on one machine. */
function offsetPorts() {
  const offset = Number(process.env.STACK_PORT_OFFSET ?? 0);
  if (!Number.isInteger(offset) || offset < 0 || offset > 50000) {
    throw new Error(
      `STACK_PORT_OFFSET must be a whole number from 0 to 50000, got "${process.env.STACK_PORT_OFFSET}"`,
    );
  }

  return Object.fromEntries(
    Object.entries(DEFAULT_PORTS).map(([service, port]) => [service, port + offset]),
  );
}

/** Builds each service's environment for a local stack whose infrastructure is `infra`. */
function stackEnvironment(infra, options = {}) {
  const ports = { ...offsetPorts(), ...(options.ports ?? {}) };
  const sandboxUrl = `http://127.0.0.1:${ports.sandbox}`;
  const shared = {
    NODE_ENV: 'development',
    LOG_LEVEL: options.logLevel ?? 'warn',
    HTTP_HOST: '127.0.0.1',
    NATS_URL: infra.NATS_URL,
    ENCRYPTION_KEY: options.encryptionKey ?? crypto.randomBytes(32).toString('base64'),
  };
  const qboClient = {
    QBO_CLIENT_ID: 'sandbox-client-id',
    QBO_CLIENT_SECRET: 'sandbox-client-secret',
  };

  return {
    ports,
    sandboxUrl,
    gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
    connectorsUrl: `http://127.0.0.1:${ports.connectors}`,
    apiToken: options.apiToken ?? crypto.randomBytes(24).toString('hex'),
    env(service) {
      const common = {
        ...shared,
        HTTP_PORT: String(ports[service]),
        MONGODB_URI: databaseUri(infra.MONGODB_URI, service),
      };
      switch (service) {
        case 'sandbox':
          return {
            ...common,
            SANDBOX_PORT: String(ports.sandbox),
            SANDBOX_QBO_CLIENT_ID: qboClient.QBO_CLIENT_ID,
            SANDBOX_QBO_CLIENT_SECRET: qboClient.QBO_CLIENT_SECRET,
          };
        case 'gateway':
          return {
            ...common,
            GATEWAY_API_TOKEN: this.apiToken,
            PUBLIC_URL: this.gatewayUrl,
            QBO_CLIENT_ID: qboClient.QBO_CLIENT_ID,
            QBO_AUTHORIZE_URL: `${sandboxUrl}/oauth2/authorize`,
            // The Shopify app install talks to the sandbox's shops, never to a real store.
            SHOPIFY_SHOP_URL: `${sandboxUrl}/{shop}`,
          };
        case 'qbo':
          return {
            ...common,
            ...qboClient,
            QBO_API_BASE_URL: sandboxUrl,
            QBO_TOKEN_URL: `${sandboxUrl}/oauth2/v1/tokens/bearer`,
            QBO_REVOKE_URL: `${sandboxUrl}/oauth2/v1/tokens/revoke`,
          };
        case 'qbd':
          return { ...common, QBD_PUBLIC_URL: `http://127.0.0.1:${ports.qbd}` };
        case 'connectors':
          // Channel API calls go to the sandbox stand-ins, never to a real store.
          return { ...common, CHANNEL: 'shopify', CHANNEL_BASE_URL: sandboxUrl };
        default:
          return common;
      }
    },
  };
}

/** Starts `service` (optionally a second replica on another HTTP port) and waits until it is ready. */
async function startService(stack, service, options = {}) {
  const env = { ...process.env, ...stack.env(service), ...(options.env ?? {}) };
  const port = env.HTTP_PORT;
  await assertPortFree(service, Number(port));
  const logDir = path.join(REPO_ROOT, '.data/logs');
  fs.mkdirSync(logDir, { recursive: true });
  const logFile = path.join(
    logDir,
    `${service}${options.replica ? `-${options.replica}` : ''}.log`,
  );
  const log = fs.openSync(logFile, 'w');
  // STACK_NODE_ARGS passes options to every service's node, for example "--cpu-prof".
  const nodeArgs = (process.env.STACK_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    [...nodeArgs, path.join(REPO_ROOT, 'services', service, 'dist/main.js')],
    {
      env,
      stdio: ['ignore', log, log],
    },
  );
  const handle = { service, port, child, logFile, exited: false };
  child.on('exit', () => {
    handle.exited = true;
  });
  await waitUntilReady(handle, `http://127.0.0.1:${port}/health/ready`);

  return handle;
}

async function waitUntilReady(handle, url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (handle.exited) {
      throw new Error(
        `${handle.service} exited during start; see ${handle.logFile}:\n${tail(handle.logFile)}`,
      );
    }

    try {
      const response = await fetch(url);
      if (response.ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }

    await new Promise((resolve) => setTimeout(resolve, 200));
  }

  throw new Error(
    `${handle.service} was not ready at ${url} within ${timeoutMs} ms; see ${handle.logFile}:\n${tail(handle.logFile)}`,
  );
}

/** Fails early when another program listens on `port`, instead of probing that program's health. */
async function assertPortFree(service, port) {
  const free = await new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  if (!free) {
    throw new Error(
      `port ${port} for ${service} is already in use on 127.0.0.1: stop the program using it, or run with STACK_PORT_OFFSET=100 to move every service port`,
    );
  }
}

/**
 * Runs a service's database migrations (`dist/migrate.js`) as the Helm pre-upgrade Job does, and
 * resolves with its exit code and output.
 */
function runMigrations(stack, service, options = {}) {
  const env = { ...process.env, ...stack.env(service), ...(options.env ?? {}) };
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, 'services', service, 'dist/migrate.js')],
    {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));

  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => resolve({ service, code, output }));
  });
}

/** Sends SIGTERM and waits for the process to finish its in-flight work and exit. */
async function stopService(handle, timeoutMs = 20_000) {
  if (handle.exited) {
    return;
  }

  const exited = new Promise((resolve) => handle.child.once('exit', resolve));
  handle.child.kill('SIGTERM');
  const timer = setTimeout(() => handle.child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

/** Peak resident memory of a running process, in MiB (VmHWM from /proc). */
function peakRssMiB(handle) {
  try {
    const status = fs.readFileSync(`/proc/${handle.child.pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+) kB/.exec(status);

    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time a running process has used so far, in seconds (user plus system, from /proc). */
function cpuSeconds(handle) {
  try {
    const fields = fs
      .readFileSync(`/proc/${handle.child.pid}/stat`, 'utf8')
      .split(') ')[1]
      .split(' ');
    const ticksPerSecond = 100;

    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

function tail(file, lines = 20) {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

module.exports = {
  DEFAULT_PORTS,
  stackEnvironment,
  startService,
  stopService,
  runMigrations,
  peakRssMiB,
  cpuSeconds,
};
