import { randomBytes } from 'node:crypto';

import { connectorsService } from '@qbsync/connectors';
import { gatewayService } from '@qbsync/gateway';
import { type RunningService, startService } from '@qbsync/platform';
import { qboService } from '@qbsync/qbo';
import { rulesService } from '@qbsync/rules';
import { createSandboxApp } from '@qbsync/sandbox/dist/app.factory';
import { freePort, type Infrastructure, type InfrastructureHandle } from '@qbsync/testing';

/** OAuth client the sandbox QuickBooks Online accepts, shared by the qbo service and the audit. */
export const QBO_CLIENT_ID = 'sandbox-client-id';
export const QBO_CLIENT_SECRET = 'sandbox-client-secret';

export type ServiceName = 'gateway' | 'connectors' | 'rules' | 'qbo';

export interface StackOptions {
  /** pino level of every service (default: E2E_LOG_LEVEL, else "error"). */
  logLevel?: string;
  /** Variables added to, or replacing, one service's environment. */
  env?: Partial<Record<ServiceName, Record<string, string>>>;
}

export interface Stack {
  sandboxUrl: string;
  gatewayUrl: string;
  connectorsUrl: string;
  /** Bearer token of the gateway's `/api` routes. */
  apiToken: string;
  services: Record<ServiceName, RunningService<object>>;
  /** Stops every service, then the sandbox. */
  stop(): Promise<void>;
}

/** Returns a MongoDB URI for the service's own database on the same FerretDB server. */
function databaseUri(mongoUri: string, service: ServiceName): string {
  const url = new URL(mongoUri);

  url.pathname = `/qbsync-${service}`;

  return url.toString();
}

/**
 * Starts the sandbox stand-ins and every service in this process, configured through environment
 * variables as the Helm chart configures the pods. Services listen on 127.0.0.1 only. The gateway
 * gets a fixed free port because its OAuth redirect URI must name its own address.
 */
export async function startStack(
  infra: Infrastructure,
  options: StackOptions = {},
): Promise<Stack> {
  const logLevel = options.logLevel ?? process.env.E2E_LOG_LEVEL ?? 'error';
  const apiToken = randomBytes(24).toString('hex');
  const started: Array<{ stop(): Promise<void> }> = [];

  try {
    const sandbox = await startSandbox(logLevel);

    started.push({ stop: () => sandbox.app.close() });

    const gatewayPort = await freePort();
    const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
    const shared = {
      NODE_ENV: 'test',
      LOG_LEVEL: logLevel,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      NATS_URL: infra.natsUrl,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SHUTDOWN_TIMEOUT_MS: '5000',
    };
    const environments: Record<ServiceName, Record<string, string>> = {
      gateway: {
        HTTP_PORT: String(gatewayPort),
        GATEWAY_API_TOKEN: apiToken,
        PUBLIC_URL: gatewayUrl,
        QBO_CLIENT_ID,
        QBO_AUTHORIZE_URL: `${sandbox.url}/oauth2/authorize`,
      },
      connectors: { CHANNEL: 'shopify' },
      rules: {},
      qbo: {
        QBO_CLIENT_ID,
        QBO_CLIENT_SECRET,
        QBO_API_BASE_URL: sandbox.url,
        QBO_TOKEN_URL: `${sandbox.url}/oauth2/v1/tokens/bearer`,
        QBO_REVOKE_URL: `${sandbox.url}/oauth2/v1/tokens/revoke`,
      },
    };
    const env = (service: ServiceName): NodeJS.ProcessEnv => ({
      ...shared,
      MONGODB_URI: databaseUri(infra.mongoUri, service),
      ...environments[service],
      ...options.env?.[service],
    });
    const track = (running: RunningService<object>): RunningService<object> => {
      started.push(running);

      return running;
    };

    // One at a time, as the services declare the same JetStream streams when they start.
    const gateway = track(await startService(gatewayService, env('gateway')));
    const connectors = track(await startService(connectorsService, env('connectors')));
    const rules = track(await startService(rulesService, env('rules')));
    const qbo = track(await startService(qboService, env('qbo')));

    return {
      sandboxUrl: sandbox.url,
      gatewayUrl: gateway.url,
      connectorsUrl: connectors.url,
      apiToken,
      services: { gateway, connectors, rules, qbo },
      stop: () => stopAll(started),
    };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

type SandboxApp = Awaited<ReturnType<typeof createSandboxApp>>;

async function startSandbox(logLevel: string): Promise<{ app: SandboxApp; url: string }> {
  const app = await createSandboxApp(
    { port: 0, host: '127.0.0.1', qboClientId: QBO_CLIENT_ID, qboClientSecret: QBO_CLIENT_SECRET },
    { logger: logLevel === 'silent' ? false : ['error', 'warn'] },
  );

  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  return { app, url };
}

/** Stops in reverse start order, so no service loses a peer it still calls while it drains. */
async function stopAll(started: Array<{ stop(): Promise<void> }>): Promise<void> {
  for (const running of started.reverse()) {
    await running.stop();
  }
}

/** Access to the stack that useStack() starts, valid inside tests and later hooks. */
export interface StackHandle {
  readonly current: Stack;
}

/**
 * Registers hooks that start the stack once for the enclosing describe block and stop it
 * afterwards. Call it inside a describe block nested in the scope of withInfrastructure(). Jest
 * runs the afterAll hooks of one block in declaration order, so only the nesting stops the
 * services before the servers they use.
 */
export function useStack(infra: InfrastructureHandle, options: StackOptions = {}): StackHandle {
  let stack: Stack | undefined;

  beforeAll(async () => {
    stack = await startStack(infra.current, options);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
    stack = undefined;
  }, 60_000);

  return {
    get current(): Stack {
      if (stack === undefined) {
        throw new Error(
          'The stack is not running: read it inside a test, after useStack() started it',
        );
      }

      return stack;
    },
  };
}
