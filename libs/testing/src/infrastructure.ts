import { type FerretDbOptions, type FerretDbServer, startFerretDb } from './ferretdb';
import { type NatsServer, type NatsServerOptions, startNatsServer } from './nats-server';

export interface InfrastructureOptions {
  nats?: NatsServerOptions;
  ferretDb?: FerretDbOptions;
}

export interface Infrastructure {
  nats: NatsServer;
  ferretDb: FerretDbServer;
  /** Same as `nats.url`. */
  natsUrl: string;
  /** Same as `ferretDb.uri`. */
  mongoUri: string;
  /** Stops both servers and removes their temp folders. */
  stop(): Promise<void>;
}

/** Starts nats-server and FerretDB in parallel. If one fails to start, stops the other. */
export async function startInfrastructure(
  options: InfrastructureOptions = {},
): Promise<Infrastructure> {
  const [nats, ferretDb] = await Promise.allSettled([
    startNatsServer(options.nats),
    startFerretDb(options.ferretDb),
  ]);

  if (nats.status === 'rejected' || ferretDb.status === 'rejected') {
    await Promise.all([
      nats.status === 'fulfilled' ? nats.value.stop() : undefined,
      ferretDb.status === 'fulfilled' ? ferretDb.value.stop() : undefined,
    ]);
    throw nats.status === 'rejected' ? nats.reason : (ferretDb as PromiseRejectedResult).reason;
  }

  return {
    nats: nats.value,
    ferretDb: ferretDb.value,
    natsUrl: nats.value.url,
    mongoUri: ferretDb.value.uri,
    stop: async () => {
      await Promise.all([nats.value.stop(), ferretDb.value.stop()]);
    },
  };
}

export interface WithInfrastructureOptions extends InfrastructureOptions {
  /**
   * Timeout of the beforeAll hook in milliseconds (default 600 000). It is long because the
   * first run on a machine may build the servers with Go.
   */
  startTimeoutMs?: number;
}

/** Access to the servers that withInfrastructure() starts, valid inside tests and later hooks. */
export interface InfrastructureHandle {
  readonly current: Infrastructure;
  readonly natsUrl: string;
  readonly mongoUri: string;
}

type JestHook = (fn: () => Promise<void>, timeoutMs?: number) => void;

/**
 * Registers Jest beforeAll/afterAll hooks that start both servers once for the enclosing
 * describe block (or file) and stop them afterwards. Call it at the top level of a describe
 * block or file, not inside a test.
 *
 * @example
 * const infra = withInfrastructure();
 * it('stores the order', async () => {
 *   await mongoose.connect(infra.mongoUri);
 * });
 */
export function withInfrastructure(options: WithInfrastructureOptions = {}): InfrastructureHandle {
  const hooks = globalThis as { beforeAll?: JestHook; afterAll?: JestHook };

  if (typeof hooks.beforeAll !== 'function' || typeof hooks.afterAll !== 'function') {
    throw new Error(
      'withInfrastructure() needs the Jest globals beforeAll and afterAll; ' +
        'call it in a test file, or use startInfrastructure() elsewhere',
    );
  }

  let infrastructure: Infrastructure | undefined;

  hooks.beforeAll(async () => {
    infrastructure = await startInfrastructure(options);
  }, options.startTimeoutMs ?? 600_000);
  hooks.afterAll(async () => {
    await infrastructure?.stop();
    infrastructure = undefined;
  });

  const current = (): Infrastructure => {
    if (infrastructure === undefined) {
      throw new Error(
        'The infrastructure is not running: read it inside a test or a later hook, ' +
          'after the beforeAll hook of withInfrastructure() has run',
      );
    }

    return infrastructure;
  };

  return {
    get current() {
      return current();
    },
    get natsUrl() {
      return current().natsUrl;
    },
    get mongoUri() {
      return current().mongoUri;
    },
  };
}
