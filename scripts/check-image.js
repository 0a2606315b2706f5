'use strict';
// Assembles each service's runtime image folder the way the Dockerfile's stages do, without a
// container engine. The folder has production dependencies only (`npm ci --omit=dev` for the
// service's workspace), the built `dist` folders, `entry.js` and `healthcheck.js`, all owned by
// root. The service then runs from it as an unprivileged user: the check waits for /health/ready,
// runs the health check, sends SIGTERM and expects exit code 0.
//
//   node scripts/check-image.js                  every service
//   node scripts/check-image.js qbo connectors   some services
//
// Run `npm run build` first. As root the service runs as uid 10001, as in the image; as another
// user it runs as that user. Prints the size of each image's application folder.
const { execFileSync, spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { startInfrastructure } = require('@qbsync/testing');

const { REPO_ROOT } = require('./stack/infra');
const { stackEnvironment } = require('./stack/services');

const IMAGE_UID = 10001;
const SERVICES = ['gateway', 'connectors', 'rules', 'qbo', 'qbd', 'sandbox'].filter((service) =>
  fs.existsSync(path.join(REPO_ROOT, 'services', service, 'package.json')),
);
const STOP_TIMEOUT_MS = 15_000;

function workspaceDirectories() {
  const { workspaces } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

  return workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) {
      return [pattern];
    }

    const parent = pattern.slice(0, -2);

    return fs
      .readdirSync(path.join(REPO_ROOT, parent))
      .map((name) => `${parent}/${name}`)
      .filter((dir) => fs.existsSync(path.join(REPO_ROOT, dir, 'package.json')));
  });
}

function copy(source, target) {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.cpSync(source, target, { recursive: true });
}

/** Builds /app of the runtime stage for `service` in a new folder and returns its path. */
function assembleImage(service) {
  const app = fs.mkdtempSync(path.join(os.tmpdir(), `qbsync-image-${service}-`));

  fs.chmodSync(app, 0o755);

  // Stage "manifests" and "production-dependencies".
  for (const file of ['package.json', 'package-lock.json']) {
    copy(path.join(REPO_ROOT, file), path.join(app, file));
  }

  for (const dir of workspaceDirectories()) {
    copy(path.join(REPO_ROOT, dir, 'package.json'), path.join(app, dir, 'package.json'));
  }

  execFileSync(
    'npm',
    [
      'ci',
      '--omit=dev',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--ignore-scripts',
      `--workspace=@qbsync/${service}`,
    ],
    { cwd: app, stdio: ['ignore', 'ignore', 'inherit'] },
  );

  // Stage "build": every built library and the service's dist, plus the sandbox's fixtures.
  for (const dir of [
    ...fs.readdirSync(path.join(REPO_ROOT, 'libs')).map((name) => `libs/${name}`),
    `services/${service}`,
  ]) {
    const dist = path.join(REPO_ROOT, dir, 'dist');

    if (!fs.existsSync(dist)) {
      continue;
    }

    copy(dist, path.join(app, dir, 'dist'));
  }

  if (service === 'sandbox') {
    copy(path.join(REPO_ROOT, 'fixtures'), path.join(app, 'fixtures'));
  }

  fs.writeFileSync(
    path.join(app, 'entry.js'),
    `'use strict';\nrequire('./services/${service}/dist/main.js');\n`,
  );
  const portVariable = service === 'sandbox' ? 'SANDBOX_PORT' : 'HTTP_PORT';
  fs.writeFileSync(
    path.join(app, 'healthcheck.js'),
    [
      "'use strict';",
      `const url = 'http://127.0.0.1:' + process.env.${portVariable} + '/health/live';`,
      'fetch(url, { signal: AbortSignal.timeout(4000) }).then(',
      '  (response) => process.exit(response.ok ? 0 : 1),',
      '  () => process.exit(1),',
      ');',
      '',
    ].join('\n'),
  );

  return app;
}

/** Lists the packages under node_modules that the lockfile marks as development-only. */
function developmentPackagesIn(app) {
  const lock = JSON.parse(fs.readFileSync(path.join(app, 'package-lock.json'), 'utf8'));

  return Object.entries(lock.packages)
    .filter(([location, entry]) => entry.dev && location.startsWith('node_modules/'))
    .map(([location]) => location)
    .filter((location) => fs.existsSync(path.join(app, location)));
}

function folderSizeMiB(folder) {
  const output = execFileSync('du', ['-sk', folder], { encoding: 'utf8' });

  return Number(output.split('\t')[0]) / 1024;
}

/** Runs a command as the image's user when this process may switch users. */
function asImageUser(command, args) {
  if (process.getuid?.() !== 0) {
    return [command, args];
  }

  return [
    'setpriv',
    [`--reuid=${IMAGE_UID}`, `--regid=${IMAGE_UID}`, '--clear-groups', command, ...args],
  ];
}

async function waitForReady(child, url, output) {
  const deadline = Date.now() + 60_000;

  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`exited with code ${child.exitCode} during start:\n${output()}`);
    }

    try {
      if ((await fetch(url)).ok) {
        return;
      }
    } catch {
      // Not listening yet.
    }

    await new Promise((resolve) => setTimeout(resolve, 250));
  }

  throw new Error(`timed out after 60 s waiting for ${url}:\n${output()}`);
}

function runToExit(command, args, options) {
  const child = spawn(command, args, { ...options, stdio: 'ignore' });

  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function checkService(service, stack) {
  const app = assembleImage(service);

  try {
    const leaked = developmentPackagesIn(app);

    if (leaked.length > 0) {
      throw new Error(`development packages in the image: ${leaked.slice(0, 5).join(', ')}`);
    }

    const env = { ...stack.env(service), NODE_ENV: 'production', PATH: process.env.PATH };
    const port = service === 'sandbox' ? env.SANDBOX_PORT : env.HTTP_PORT;
    const [command, args] = asImageUser(process.execPath, ['entry.js']);
    let log = '';
    const child = spawn(command, args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });

    child.stdout.on('data', (chunk) => (log += chunk));
    child.stderr.on('data', (chunk) => (log += chunk));
    const output = () => log.trim().split('\n').slice(-15).join('\n');

    await waitForReady(child, `http://127.0.0.1:${port}/health/ready`, output);

    const [healthCommand, healthArgs] = asImageUser(process.execPath, ['healthcheck.js']);
    const healthCode = await runToExit(healthCommand, healthArgs, { cwd: app, env });

    if (healthCode !== 0) {
      throw new Error(`healthcheck.js exited with ${healthCode}`);
    }

    const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));

    child.kill('SIGTERM');
    const code = await Promise.race([
      exited,
      new Promise((resolve) => setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS)),
    ]);

    if (code !== 0) {
      child.kill('SIGKILL');
      throw new Error(
        `after SIGTERM: ${code === 'timeout' ? 'still running' : `exit ${code}`}\n${output()}`,
      );
    }

    return { service, sizeMiB: folderSizeMiB(app) };
  } finally {
    fs.rmSync(app, { recursive: true, force: true });
  }
}

async function main() {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((service) => !SERVICES.includes(service));

  if (unknown.length > 0) {
    throw new Error(`unknown service ${unknown.join(', ')}; choose from ${SERVICES.join(', ')}`);
  }

  // Servers of its own on free ports, stopped at the end, so the check neither depends on nor
  // collides with the servers a demo left running on the project's ports.
  const servers = await startInfrastructure();
  const infra = { NATS_URL: servers.natsUrl, MONGODB_URI: servers.mongoUri };
  // Service ports away from a running demo, so the check can run beside it.
  const stack = stackEnvironment(infra, {
    logLevel: 'warn',
    ports: { gateway: 3900, connectors: 3901, rules: 3902, qbo: 3903, qbd: 3904, sandbox: 3910 },
  });
  let failed = 0;

  try {
    for (const service of requested.length > 0 ? requested : SERVICES) {
      try {
        const { sizeMiB } = await checkService(service, stack);

        console.log(
          `ok    ${service.padEnd(11)} runs as uid ${IMAGE_UID}, healthy, stops on SIGTERM; /app ${sizeMiB.toFixed(0)} MiB`,
        );
      } catch (error) {
        failed += 1;
        console.log(`FAIL  ${service.padEnd(11)} ${error.message}`);
      }
    }
  } finally {
    await servers.stop();
  }

  if (failed > 0) {
    process.exitCode = 1;
  }
}

main().catch((error) => {
  console.error(`check-image: ${error.message}`);
  process.exitCode = 1;
});
