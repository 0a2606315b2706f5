import { randomBytes } from 'node:crypto';

import { connectorsService } from '@qbsync/connectors';
import { type Channel, Streams } from '@qbsync/contracts';
import { gatewayService } from '@qbsync/gateway';
import { type RunningService, startService } from '@qbsync/platform';
import { rulesService } from '@qbsync/rules';
import { createSandboxApp } from '@qbsync/sandbox/dist/app.factory';
import { freePort, type InfrastructureHandle, waitFor } from '@qbsync/testing';
import { connect, JSONCodec, type NatsConnection } from 'nats';

/**
 * The services the connector tests need: the sandbox (channel stand-ins), the gateway, the rules
 * service (which stores a new account's rule set) and replicas of one channel's connector, all in this process against real NATS and FerretDB.
 */
export interface ConnectorsHarness {
  sandboxUrl: string;
  gatewayUrl: string;
  apiToken: string;
  channel: Channel;
  replicas: RunningService<object>[];
  nats: NatsConnection;
  /** Starts one more connector replica with the same settings. */
  addReplica(): Promise<RunningService<object>>;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  channel: Channel;
  replicas?: number;
  /** Variables added to the connectors' environment. */
  env?: Record<string, string>;
  /** Variables added to the gateway's environment, given the sandbox's base URL. */
  gatewayEnv?: (sandboxUrl: string) => Record<string, string>;
  /**
   * Points CHANNEL_BASE_URL at the sandbox (default). Off for channels whose connections name
   * their own server, such as the custom store.
   */
  sandboxBaseUrl?: boolean;
}

type SandboxApp = Awaited<ReturnType<typeof createSandboxApp>>;

export async function startConnectorsHarness(
  infra: InfrastructureHandle,
  options: HarnessOptions,
): Promise<ConnectorsHarness> {
  const logLevel = process.env.E2E_LOG_LEVEL ?? 'error';
  const apiToken = randomBytes(24).toString('hex');
  const encryptionKey = randomBytes(32).toString('base64');
  const sandbox: SandboxApp = await createSandboxApp(
    { port: 0, host: '127.0.0.1' },
    { logger: false },
  );

  await sandbox.listen(0, '127.0.0.1');
  const sandboxUrl = (await sandbox.getUrl()).replace('[::1]', '127.0.0.1');
  const gatewayPort = await freePort();
  const database = (service: string): string => {
    const url = new URL(infra.mongoUri);

    url.pathname = `/qbsync-${service}`;

    return url.toString();
  };
  const shared = {
    NODE_ENV: 'test',
    LOG_LEVEL: logLevel,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    NATS_URL: infra.natsUrl,
    ENCRYPTION_KEY: encryptionKey,
    SHUTDOWN_TIMEOUT_MS: '10000',
  };
  const gateway = await startService(gatewayService, {
    ...shared,
    MONGODB_URI: database('gateway'),
    HTTP_PORT: String(gatewayPort),
    GATEWAY_API_TOKEN: apiToken,
    PUBLIC_URL: `http://127.0.0.1:${gatewayPort}`,
    QBO_CLIENT_ID: 'sandbox-client-id',
    QBO_AUTHORIZE_URL: `${sandboxUrl}/oauth2/authorize`,
    ...options.gatewayEnv?.(sandboxUrl),
  });
  // The gateway stores each new account's rule set in the rules service.
  const rules = await startService(rulesService, { ...shared, MONGODB_URI: database('rules') });
  const connectorEnv = {
    ...shared,
    MONGODB_URI: database('connectors'),
    CHANNEL: options.channel,
    ...(options.sandboxBaseUrl === false ? {} : { CHANNEL_BASE_URL: sandboxUrl }),
    POLL_TICK_SECONDS: '3600',
    ...options.env,
  };
  const replicas: RunningService<object>[] = [];
  const addReplica = async (): Promise<RunningService<object>> => {
    const replica = await startService(connectorsService, connectorEnv);

    replicas.push(replica);

    return replica;
  };

  for (let index = 0; index < (options.replicas ?? 1); index += 1) {
    await addReplica();
  }

  const nats = await connect({ servers: infra.natsUrl });

  return {
    sandboxUrl,
    gatewayUrl: gateway.url,
    apiToken,
    channel: options.channel,
    replicas,
    nats,
    addReplica,
    stop: async () => {
      await nats.close();

      for (const replica of [...replicas].reverse()) {
        await replica.stop().catch(() => undefined);
      }

      await rules.stop();
      await gateway.stop();
      await sandbox.close();
    },
  };
}

export async function gatewayCall<T = unknown>(
  harness: ConnectorsHarness,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: T }> {
  let encoded: string | undefined;

  if (typeof body === 'string') {
    encoded = body;
  } else if (body !== undefined) {
    encoded = JSON.stringify(body);
  }

  const response = await fetch(`${harness.gatewayUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${harness.apiToken}`, 'Content-Type': contentType },
    body: encoded,
  });
  const text = await response.text();

  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

export async function sandboxCall<T = unknown>(
  harness: ConnectorsHarness,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${harness.sandboxUrl}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();

  if (!response.ok) {
    throw new Error(`${method} ${path} returned ${response.status}: ${text}`);
  }

  return (text ? JSON.parse(text) : undefined) as T;
}

export async function createTestAccount(harness: ConnectorsHarness, name: string): Promise<string> {
  const result = await gatewayCall<{ accountId: string }>(harness, 'POST', '/api/accounts', {
    name,
    target: 'qbo',
  });

  if (result.status !== 201 && result.status !== 200) {
    throw new Error(
      `Creating account ${name} returned ${result.status}: ${JSON.stringify(result.body)}`,
    );
  }

  return result.body.accountId;
}

/**
 * Creates an account and connects it to the channel's stand-in with no backfill of past orders,
 * and returns the connection id. Throws unless the gateway accepts the connection.
 */
export async function connectChannelWithoutBackfill(
  harness: ConnectorsHarness,
  channel: string,
  accountName: string,
  credentials: object,
): Promise<string> {
  const accountId = await createTestAccount(harness, accountName);
  const path = `/api/accounts/${accountId}/connections/${channel}`;
  const reply = await gatewayCall<{ connectionId: string }>(harness, 'POST', path, {
    ...credentials,
    settings: { baseUrl: `${harness.sandboxUrl}/${channel}` },
    backfillDays: 0,
  });

  if (reply.status !== 201 && reply.status !== 200) {
    throw new Error(`POST ${path} returned ${reply.status}: ${JSON.stringify(reply.body)}`);
  }

  return reply.body.connectionId;
}

/**
 * Reads the replica's count of published orders from its /metrics page: the orders JetStream
 * dropped as already published when `duplicate` is true, else the orders it stored.
 */
export async function countPublishedOrders(
  replicaUrl: string,
  duplicate: boolean,
): Promise<number> {
  const text = await (await fetch(`${replicaUrl}/metrics`)).text();

  return text
    .split('\n')
    .filter(
      (line) =>
        line.startsWith('qbsync_connector_records_published_total{') &&
        line.includes('kind="order"') &&
        line.includes(`duplicate="${duplicate}"`),
    )
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

const codec = JSONCodec();

/** Reads every message stored under `subject` whose payload belongs to `connectionId`. */
export async function readStream<T extends { connectionId?: string }>(
  harness: ConnectorsHarness,
  subject: string,
  connectionId: string,
): Promise<{ payload: T; messageId?: string }[]> {
  const stream = subject.startsWith('payouts.')
    ? Streams.Payouts.name
    : subject.startsWith('inventory.')
      ? Streams.Inventory.name
      : subject.startsWith('sync.')
        ? Streams.Sync.name
        : Streams.Orders.name;
  const consumer = await harness.nats.jetstream().consumers.get(stream, {
    filterSubjects: [subject],
  });
  const messages: { payload: T; messageId?: string }[] = [];
  const batch = await consumer.fetch({ max_messages: 100_000, expires: 1500 });

  for await (const message of batch) {
    const payload = codec.decode(message.data) as T;

    if (payload.connectionId === connectionId) {
      messages.push({ payload, messageId: message.headers?.get('Nats-Msg-Id') });
    }

    if (message.info.pending === 0) {
      break;
    }
  }

  return messages;
}

/** Waits until `subject` contains at least `count` messages of the connection, then returns them. */
export async function waitForMessages<T extends { connectionId?: string }>(
  harness: ConnectorsHarness,
  subject: string,
  connectionId: string,
  count: number,
  timeoutMs = 60_000,
): Promise<{ payload: T; messageId?: string }[]> {
  return waitFor(
    async () => {
      const messages = await readStream<T>(harness, subject, connectionId);

      return messages.length >= count ? messages : undefined;
    },
    { timeoutMs, intervalMs: 500, description: `${count} messages on ${subject}` },
  );
}
