import { spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
  closeSync,
} from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { isProcessAlive } from './processes';
import { repoRoot } from './repo';

/** Maximum time to wait for another process that holds the install lock. */
const LOCK_WAIT_MS = 15 * 60_000;
const LOCK_POLL_MS = 500;

/** Returns the path of a server binary that `scripts/infra install` places in `<repo>/.tools/bin`. */
export function toolPath(name: 'nats-server' | 'ferretdb'): string {
  return path.join(repoRoot(), '.tools', 'bin', name);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);

    return true;
  } catch {
    return false;
  }
}

let installRun: Promise<void> | undefined;

/**
 * Runs `scripts/infra install` when one of the binaries is missing. Throws for a missing binary
 * outside `<repo>/.tools/bin`, because the install cannot provide it. Parallel Jest workers
 * serialize on the lock file `<repo>/.tools/install.lock`, and callers in one process share a
 * single run.
 */
export async function ensureBinaries(binaries: readonly string[]): Promise<void> {
  if (binaries.every(isExecutable)) {
    return;
  }

  const toolsDir = path.dirname(toolPath('nats-server'));
  const foreign = binaries.filter(
    (binary) => !isExecutable(binary) && path.dirname(path.resolve(binary)) !== toolsDir,
  );

  if (foreign.length > 0) {
    throw new Error(
      `Server binary not found or not executable: ${foreign.join(', ')}. ` +
        `Only binaries in ${toolsDir} are installed automatically`,
    );
  }

  installRun ??= installUnderLock(binaries).finally(() => {
    installRun = undefined;
  });
  await installRun;

  const missing = binaries.filter((binary) => !isExecutable(binary));

  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} still missing after scripts/infra install; ` +
        `run "${installCommand()}" and read its output`,
    );
  }
}

function installCommand(): string {
  return `${path.join(repoRoot(), 'scripts', 'infra')} install`;
}

async function installUnderLock(binaries: readonly string[]): Promise<void> {
  const lockPath = path.join(repoRoot(), '.tools', 'install.lock');

  mkdirSync(path.dirname(lockPath), { recursive: true });
  await acquireLock(lockPath);
  try {
    // Another process may have finished the install while this one waited for the lock.
    if (!binaries.every(isExecutable)) {
      await runInstall();
    }
  } finally {
    unlinkSync(lockPath);
  }
}

async function acquireLock(lockPath: string): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;

  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');

      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);

      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw error;
      }
    }

    removeStaleLock(lockPath);
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${LOCK_WAIT_MS / 60_000} minutes waiting for the install lock ` +
          `${lockPath}; delete it if no "scripts/infra install" is running`,
      );
    }
    await sleep(LOCK_POLL_MS);
  }
}

/** Deletes the lock file when the process whose pid it contains no longer runs. */
function removeStaleLock(lockPath: string): void {
  let pid: number;

  try {
    pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
  } catch {
    return;
  }
  if (Number.isNaN(pid) || isProcessAlive(pid)) {
    return;
  }
  // NOTE: two waiters that both find the same stale lock can both delete it and then install at
  // the same time. That costs build time but no damage, because scripts/infra install renames
  // each finished binary into place.
  try {
    unlinkSync(lockPath);
  } catch {
    // Another waiter removed it first.
  }
}

async function runInstall(): Promise<void> {
  const script = path.join(repoRoot(), 'scripts', 'infra');
  const child = spawn('bash', [script, 'install'], {
    cwd: repoRoot(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';

  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));

  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });

  if (code !== 0) {
    throw new Error(
      `"${installCommand()}" failed with exit code ${code}. Run it in a shell to retry; ` +
        `its output was:\n${output.slice(-8000)}`,
    );
  }
}
