import {
  type ChannelAdapter,
  type ChannelCallContext,
  type ChannelConnection,
} from '@qbsync/connectors/dist/channel/channel-adapter';
import { FrameworkHttpClient } from '@qbsync/connectors/dist/channel/channel-http.client';
import { SharedRateLimiter } from '@qbsync/connectors/dist/channel/shared-rate-limiter';
import { AppLogger, createRootLogger } from '@qbsync/platform';
import { createSandboxApp } from '@qbsync/sandbox/dist/app.factory';
import { type InfrastructureHandle } from '@qbsync/testing';
import { connect, type NatsConnection } from 'nats';

type SandboxApp = Awaited<ReturnType<typeof createSandboxApp>>;

/**
 * The sandbox stand-ins on a free loopback port and a NATS connection for the framework's shared
 * rate limiter: what a channel adapter needs to run against a channel stand-in without the rest
 * of the connectors service.
 */
export interface ChannelBench {
  sandboxUrl: string;
  nats: NatsConnection;
  /** Builds the context the framework would pass to an adapter call for this connection. */
  call<C>(adapter: ChannelAdapter<C>, credentials: C, options?: CallOptions): ChannelCallContext<C>;
  /** POSTs JSON to a sandbox control endpoint and returns the parsed response. */
  control<T = unknown>(path: string, body?: unknown): Promise<T>;
  /** GETs a sandbox control endpoint, such as a stand-in's stats. */
  read<T = unknown>(path: string): Promise<T>;
  stop(): Promise<void>;
}

export interface CallOptions {
  /** Path below the sandbox URL that plays the channel's API host, such as "/woocommerce". */
  basePath?: string;
  connectionId?: string;
  statusFilter?: string[];
  now?: () => Date;
}

export async function startChannelBench(natsUrl: string): Promise<ChannelBench> {
  const sandbox: SandboxApp = await createSandboxApp(
    { port: 0, host: '127.0.0.1' },
    { logger: false },
  );

  await sandbox.listen(0, '127.0.0.1');

  const sandboxUrl = (await sandbox.getUrl()).replace('[::1]', '127.0.0.1');
  const nats = await connect({ servers: natsUrl });
  const logger = new AppLogger(
    createRootLogger('e2e-channels', process.env.E2E_LOG_LEVEL ?? 'silent'),
  );
  const limiter = new SharedRateLimiter(nats, logger);
  let connections = 0;

  return {
    sandboxUrl,
    nats,
    call<C>(
      adapter: ChannelAdapter<C>,
      credentials: C,
      options: CallOptions = {},
    ): ChannelCallContext<C> {
      connections += 1;

      const connection: ChannelConnection<C> = {
        accountId: 'e2e-account',
        connectionId: options.connectionId ?? `e2e-${adapter.channel}-${connections}-${Date.now()}`,
        channel: adapter.channel,
        credentials,
        settings: {
          statusFilter: options.statusFilter ?? [],
          storeFilter: [],
          pollIntervalMinutes: 5,
        },
      };
      const baseUrl = `${sandboxUrl}${options.basePath ?? ''}`;

      return {
        connection,
        baseUrl,
        now: options.now ?? (() => new Date()),
        http: new FrameworkHttpClient({
          connectionId: connection.connectionId,
          baseUrl,
          policy: adapter.rateLimit,
          limiter,
          logger,
          timeoutMs: 10_000,
        }),
      };
    },
    async control<T>(path: string, body: unknown = {}): Promise<T> {
      const response = await fetch(`${sandboxUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();

      if (!response.ok) {
        throw new Error(`POST ${path} returned ${response.status}: ${text}`);
      }

      return (text ? JSON.parse(text) : undefined) as T;
    },
    async read<T>(path: string): Promise<T> {
      const response = await fetch(`${sandboxUrl}${path}`);

      if (!response.ok) {
        throw new Error(`GET ${path} returned ${response.status}`);
      }

      return (await response.json()) as T;
    },
    async stop(): Promise<void> {
      await nats.drain();
      await sandbox.close();
    },
  };
}

export interface ChannelBenchHandle {
  /** The running bench; throws outside the tests of the describe block that started it. */
  readonly current: ChannelBench;
}

/**
 * Starts a channel bench before the tests of the enclosing describe block and stops it after
 * them. Before each test it resets the channel's stand-in through `/__sandbox/<channel>/reset`,
 * so every test starts from the published sample data.
 */
export function useChannelBench(infra: InfrastructureHandle, channel: string): ChannelBenchHandle {
  let bench: ChannelBench | undefined;

  beforeAll(async () => {
    bench = await startChannelBench(infra.natsUrl);
  });
  afterAll(async () => {
    await bench?.stop();
    bench = undefined;
  });
  beforeEach(async () => {
    await handle.current.control(`/__sandbox/${channel}/reset`);
  });

  const handle: ChannelBenchHandle = {
    get current(): ChannelBench {
      if (bench === undefined) {
        throw new Error(
          'The channel bench is not running: read it inside a test, after useChannelBench() started it',
        );
      }

      return bench;
    },
  };

  return handle;
}
