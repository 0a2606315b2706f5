import path from 'node:path';

import { toolPath } from './install';
import { acceptsConnections } from './probes';
import { launchServer } from './server';

export interface FerretDbOptions {
  /** Fixed port on 127.0.0.1. Default: a free port. */
  port?: number;
  /** Database name in the returned URI (default "qbsync"). */
  databaseName?: string;
  /** Maximum time for the server to start, in milliseconds (default 30 000). */
  startTimeoutMs?: number;
  /** Path of the ferretdb binary. Default: `<repo>/.tools/bin/ferretdb`. */
  binary?: string;
  /** FerretDB log level: debug, info, warn or error (default warn). */
  logLevel?: 'debug' | 'info' | 'warn' | 'error';
  /** More command-line arguments for ferretdb. */
  extraArgs?: string[];
}

export interface FerretDbServer {
  /** MongoDB connection string, such as `mongodb://127.0.0.1:41235/qbsync`. */
  uri: string;
  port: number;
  databaseName: string;
  /** Temp folder with the SQLite databases and the FerretDB state, removed by stop(). */
  dataDir: string;
  pid: number | undefined;
  /** Returns the last 64 KiB of the server log. */
  output(): string;
  /** Stops the server and removes its temp folder. Safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Starts FerretDB (a MongoDB wire protocol server) on 127.0.0.1 with the SQLite backend in a
 * temp folder, for one test suite.
 */
export async function startFerretDb(options: FerretDbOptions = {}): Promise<FerretDbServer> {
  const databaseName = options.databaseName ?? 'qbsync';

  // MongoDB rejects these characters in database names, and "/" or "?" would also break the URI.
  if (!/^[^/\\. "$*<>:|?]{1,63}$/.test(databaseName)) {
    throw new Error(
      `Invalid databaseName "${databaseName}": use 1 to 63 characters without /\\. "$*<>:|?`,
    );
  }
  const { port, process: server } = await launchServer({
    name: 'ferretdb',
    binary: options.binary ?? toolPath('ferretdb'),
    port: options.port,
    startTimeoutMs: options.startTimeoutMs ?? 30_000,
    args: (chosenPort, tempDir) => [
      '--handler=sqlite',
      // FerretDB requires the SQLite URI of a folder to end with a slash.
      `--sqlite-url=file:${tempDir}${path.sep}`,
      `--state-dir=${tempDir}`,
      `--listen-addr=127.0.0.1:${chosenPort}`,
      '--telemetry=disable',
      '--debug-addr=-',
      `--log-level=${options.logLevel ?? 'warn'}`,
      ...(options.extraArgs ?? []),
    ],
    isReady: acceptsConnections,
  });

  return {
    uri: `mongodb://127.0.0.1:${port}/${databaseName}`,
    port,
    databaseName,
    dataDir: server.tempDir,
    pid: server.pid,
    output: () => server.output(),
    stop: async () => {
      await server.stop();
    },
  };
}
