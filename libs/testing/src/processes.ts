import { type ChildProcess, spawn, type SpawnOptions } from 'node:child_process';
import { accessSync, constants, readFileSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';

/** Maximum number of characters of server output kept for error messages. */
const OUTPUT_LIMIT = 64 * 1024;

const STOP_GRACE_MS = 10_000;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

let setprivPath: string | null | undefined;

/** Finds util-linux setpriv on PATH, on Linux only. The result is cached. */
function findSetpriv(): string | null {
  if (setprivPath !== undefined) {
    return setprivPath;
  }
  setprivPath = null;
  if (process.platform === 'linux') {
    for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
      try {
        accessSync(path.join(dir, 'setpriv'), constants.X_OK);
        setprivPath = path.join(dir, 'setpriv');
        break;
      } catch {
        // Not in this folder.
      }
    }
  }

  return setprivPath;
}

/**
 * Spawns the server through `setpriv --pdeathsig KILL` where setpriv exists, so that Linux kills
 * it when the spawning thread ends. This also covers a killed test process, and Jest, which gives
 * each test file its own copy of `process` whose 'exit' event never fires. Because setpriv execs
 * the server, the child pid is the server pid.
 */
function spawnServer(
  binary: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): ChildProcess {
  const setpriv = findSetpriv();
  const options: SpawnOptions = { env, stdio: ['ignore', 'pipe', 'pipe'] };

  if (setpriv === null) {
    return spawn(binary, args, options);
  }

  return spawn(setpriv, ['--pdeathsig', 'KILL', '--', binary, ...args], options);
}

/**
 * A server process started by this library. It keeps the tail of the process output and removes
 * its temp folder when it stops. A server still running when the Node process ends is killed by
 * the 'exit' handler below, or on Linux with setpriv by the parent-death signal.
 */
export class ServerProcess {
  readonly exited: Promise<ExitStatus>;
  private exitStatus: ExitStatus | undefined;
  private outputText = '';
  private readonly child: ChildProcess;

  constructor(
    readonly name: string,
    binary: string,
    args: readonly string[],
    readonly tempDir: string,
    env: NodeJS.ProcessEnv = process.env,
  ) {
    this.child = spawnServer(binary, args, env);
    this.exited = new Promise<ExitStatus>((resolve) => {
      this.child.once('exit', (code, signal) => {
        this.exitStatus = { code, signal };
        untrack(this);
        resolve(this.exitStatus);
      });
      // A spawn failure (such as a missing binary) emits 'error' and no 'exit'.
      this.child.once('error', (error) => {
        this.appendOutput(`${error.message}\n`);
        this.exitStatus = { code: null, signal: null };
        untrack(this);
        resolve(this.exitStatus);
      });
    });
    this.collectOutput(this.child.stdout);
    this.collectOutput(this.child.stderr);
    // An unreferenced child does not keep the test process alive when a test does not call stop().
    // The 'exit' handler below or the parent-death signal kills it then.
    this.child.unref();
    track(this);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitStatus !== undefined;
  }

  /** Returns the last 64 KiB of the combined stdout and stderr. */
  output(): string {
    return this.outputText;
  }

  /** Sends SIGTERM, then SIGKILL after 10 s, waits for the exit and removes the temp folder. */
  async stop(): Promise<ExitStatus> {
    if (!this.hasExited) {
      // Referenced again, so that a plain script waiting for the exit is not ended early.
      this.child.ref();
      this.child.kill('SIGTERM');

      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);

      await this.exited;
      clearTimeout(timer);
    }
    await rm(this.tempDir, { recursive: true, force: true });

    return this.exited;
  }

  /** Kills the process at once and removes its temp folder synchronously, for exit handlers. */
  killNow(): void {
    if (!this.hasExited) {
      this.child.kill('SIGKILL');
    }
    rmSync(this.tempDir, { recursive: true, force: true });
  }

  private collectOutput(stream: Readable | null): void {
    if (stream === null) {
      return;
    }
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => this.appendOutput(chunk));
    (stream as Readable & { unref?: () => void }).unref?.();
  }

  private appendOutput(chunk: string): void {
    this.outputText = (this.outputText + chunk).slice(-OUTPUT_LIMIT);
  }
}

const running = new Set<ServerProcess>();
let exitHandlerInstalled = false;

function track(server: ServerProcess): void {
  running.add(server);
  if (!exitHandlerInstalled) {
    exitHandlerInstalled = true;
    process.once('exit', killAll);
  }
}

function untrack(server: ServerProcess): void {
  running.delete(server);
}

function killAll(): void {
  for (const server of running) {
    server.killNow();
  }
  running.clear();
}

/**
 * Checks whether a process with this pid runs, including ones owned by other users. On Linux a
 * zombie (ended, but not yet reaped by its parent) counts as ended.
 */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }

  try {
    // The state follows the command name in parentheses, which may itself contain spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');

    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}

/** Returns the servers of this process that have not exited yet. */
export function runningServers(): readonly ServerProcess[] {
  return [...running];
}
