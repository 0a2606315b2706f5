import { toolPath } from './install';
import { readGreeting } from './probes';
import { launchServer } from './server';

export interface NatsServerOptions {
  /** Fixed port on 127.0.0.1. Default: a free port. */
  port?: number;
  /** Enables JetStream with its store in the temp folder (default true). */
  jetStream?: boolean;
  /** Maximum time for the server to start, in milliseconds (default 30 000). */
  startTimeoutMs?: number;
  /** Path of the nats-server binary. Default: `<repo>/.tools/bin/nats-server`. */
  binary?: string;
  /** More command-line arguments for nats-server. */
  extraArgs?: string[];
}

export interface NatsServer {
  /** Client URL, such as `nats://127.0.0.1:41234`. */
  url: string;
  port: number;
  /** JetStream store folder, a temp folder that stop() removes. */
  storeDir: string;
  pid: number | undefined;
  /** Returns the last 64 KiB of the server log. */
  output(): string;
  /** Stops the server and removes its temp folder. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Starts a nats-server on 127.0.0.1, with JetStream unless disabled, for one test suite. */
export async function startNatsServer(options: NatsServerOptions = {}): Promise<NatsServer> {
  const jetStream = options.jetStream ?? true;
  const { port, process: server } = await launchServer({
    name: 'nats-server',
    binary: options.binary ?? toolPath('nats-server'),
    port: options.port,
    startTimeoutMs: options.startTimeoutMs ?? 30_000,
    args: (chosenPort, tempDir) => [
      ...(jetStream ? ['-js', '-sd', tempDir] : []),
      '-a',
      '127.0.0.1',
      '-p',
      String(chosenPort),
      ...(options.extraArgs ?? []),
    ],
    isReady: async (chosenPort) => {
      const greeting = await readGreeting(chosenPort);

      if (greeting === undefined || !greeting.startsWith('INFO ')) {
        return false;
      }

      return !jetStream || greeting.includes('"jetstream":true');
    },
  });

  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir: server.tempDir,
    pid: server.pid,
    output: () => server.output(),
    stop: async () => {
      await server.stop();
    },
  };
}
