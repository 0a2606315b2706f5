import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { ensureBinaries } from './install';
import { freePort } from './ports';
import { listensOn } from './probes';
import { isProcessAlive, ServerProcess } from './processes';

/** Number of ports tried when a freshly found free port is taken before the server binds it. */
const PORT_ATTEMPTS = 3;
const READY_POLL_MS = 50;

/** File in each server temp folder that contains the pid of the Node process that made it. */
const OWNER_FILE = '.owner-pid';

export interface ServerLaunch {
  /** Name for messages and the temp folder prefix, such as "nats-server". */
  name: string;
  binary: string;
  /** Fixed port. Without it, a free port is chosen, and another one if that is taken. */
  port?: number;
  startTimeoutMs: number;
  args(port: number, tempDir: string): string[];
  env?: NodeJS.ProcessEnv;
  /** Resolves true once the server on the port serves requests. */
  isReady(port: number): Promise<boolean>;
}

export interface LaunchedServer {
  port: number;
  process: ServerProcess;
}

/**
 * Installs the binary if needed, starts the server in a fresh temp folder and waits until it is
 * ready. Throws with the server output when it exits early or does not get ready in time.
 */
export async function launchServer(launch: ServerLaunch): Promise<LaunchedServer> {
  await ensureBinaries([launch.binary]);

  for (let attempt = 1; ; attempt++) {
    const port = launch.port ?? (await freePort());
    const tempDir = await createTempDir(launch.name);
    const server = new ServerProcess(
      launch.name,
      launch.binary,
      launch.args(port, tempDir),
      tempDir,
      launch.env,
    );

    try {
      await waitUntilReady(launch, server, port);

      return { port, process: server };
    } catch (error) {
      await server.stop();

      const retry =
        launch.port === undefined && attempt < PORT_ATTEMPTS && reportsPortInUse(server.output());

      if (!retry) {
        throw error;
      }
    }
  }
}

async function createTempDir(name: string): Promise<string> {
  await removeAbandonedTempDirs(name);

  const dir = await mkdtemp(path.join(os.tmpdir(), `qbsync-${name}-`));

  await writeFile(path.join(dir, OWNER_FILE), `${process.pid}\n`);

  return dir;
}

/**
 * Removes the temp folders of servers whose Node process ended without stop() and without its
 * 'exit' handler, such as a killed Jest worker. Folders without an owner file are left alone.
 */
async function removeAbandonedTempDirs(name: string): Promise<void> {
  const prefix = `qbsync-${name}-`;
  const entries = await readdir(os.tmpdir()).catch(() => [] as string[]);

  for (const entry of entries.filter((candidate) => candidate.startsWith(prefix))) {
    const dir = path.join(os.tmpdir(), entry);
    const owner = await readFile(path.join(dir, OWNER_FILE), 'utf8').catch(() => '');
    const ownerPid = Number.parseInt(owner, 10);

    if (Number.isInteger(ownerPid) && !isProcessAlive(ownerPid)) {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

async function waitUntilReady(
  launch: ServerLaunch,
  server: ServerProcess,
  port: number,
): Promise<void> {
  const deadline = Date.now() + launch.startTimeoutMs;

  while (Date.now() < deadline) {
    if (server.hasExited) {
      const status = await server.exited;

      throw new Error(
        `${launch.name} exited during startup on port ${port} ` +
          `(code ${status.code}, signal ${status.signal}):\n${tail(server.output())}`,
      );
    }
    // The probe may reach another process that took the port first, while the started server
    // is about to exit, so the port must also belong to the started process.
    if ((await launch.isReady(port)) && (await ownsPort(server, port))) {
      return;
    }
    await sleep(READY_POLL_MS);
  }

  throw new Error(
    `${launch.name} did not get ready on 127.0.0.1:${port} within ${launch.startTimeoutMs} ms:\n` +
      tail(server.output()),
  );
}

async function ownsPort(server: ServerProcess, port: number): Promise<boolean> {
  if (server.hasExited || server.pid === undefined) {
    return false;
  }

  // Without /proc (outside Linux), a running process is the best available evidence.
  return (await listensOn(server.pid, port)) ?? !server.hasExited;
}

function reportsPortInUse(output: string): boolean {
  return /address already in use/i.test(output);
}

function tail(output: string): string {
  const lines = output.trimEnd().split('\n').slice(-20);

  return lines.length > 0 && lines[0] !== '' ? lines.join('\n') : '(no output)';
}
