import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

import { Streams, Subjects, type SyncEvent } from '@qbsync/contracts';
import {
  AppLogger,
  createRootLogger,
  JetStreamService,
  MetricsService,
  SyncEventPublisher,
} from '@qbsync/platform';
import { withInfrastructure } from '@qbsync/testing';
import { type Connection } from 'mongoose';
import { connect, type NatsConnection } from 'nats';

import {
  type ChannelAdapter,
  type ChannelCallContext,
  type ChannelConnection,
} from '../../src/channel/channel-adapter';
import { ChannelConnectionRepository } from '../../src/channel/channel-connection.repository';
import { FrameworkHttpClient } from '../../src/channel/channel-http.client';
import { ChannelOAuthTokenStore, OAUTH_TOKEN_BUCKET } from '../../src/channel/channel-oauth';
import { ChannelReconnectNeededError } from '../../src/channel/channel-oauth-grant';
import { SharedRateLimiter } from '../../src/channel/shared-rate-limiter';
import { type ConnectorsConfig } from '../../src/connectors.config';
import { etsyAdapter } from '../../src/etsy/etsy.adapter';
import { walmartAdapter } from '../../src/walmart/walmart.adapter';
import { ensureIndexes, openTestDatabase } from '../database';

const logger = new AppLogger(createRootLogger('connectors-test', 'silent'));
const config = { ENCRYPTION_KEY: randomBytes(32).toString('base64') } as ConnectorsConfig;
const FIRST_REFRESH_TOKEN = '812345.first-refresh-token';

/**
 * A token endpoint that behaves as Etsy documents its refresh grant: each refresh returns a new
 * refresh token and spends the one sent, which is then rejected with `invalid_grant`. Walmart's
 * client credentials grant returns 401 for a wrong secret.
 */
class TokenEndpoint {
  readonly refreshTokens = new Set<string>();
  requests = 0;
  delayMs = 0;
  expiresIn = 3600;
  private server?: Server;
  baseUrl = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      void this.answer(request).then(({ status, body }) => {
        response.writeHead(status, { 'content-type': 'application/json' });
        response.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async answer(request: IncomingMessage): Promise<{ status: number; body: unknown }> {
    let text = '';

    for await (const chunk of request) {
      text += String(chunk);
    }

    this.requests += 1;

    if (this.delayMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    }

    const form = new URLSearchParams(text);
    const accessToken = `access-${randomUUID()}`;

    if (request.url === '/v3/token') {
      return request.headers.authorization === basic('walmart-client-id', 'walmart-secret-1')
        ? { status: 200, body: { access_token: accessToken, expires_in: 900 } }
        : { status: 401, body: { error: [{ code: 'UNAUTHORIZED.GMP_GATEWAY_API' }] } };
    }

    const refreshToken = form.get('refresh_token') ?? '';

    if (!this.refreshTokens.delete(refreshToken)) {
      return { status: 400, body: { error: 'invalid_grant', error_description: 'used' } };
    }

    const next = `812345.${randomUUID()}`;

    this.refreshTokens.add(next);

    return {
      status: 200,
      body: { access_token: accessToken, expires_in: this.expiresIn, refresh_token: next },
    };
  }
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

describe('ChannelOAuthTokenStore', () => {
  const infra = withInfrastructure();
  const endpoint = new TokenEndpoint();
  let database: Connection;
  let natsA: NatsConnection;
  let natsB: NatsConnection;
  let etsyConnections: ChannelConnectionRepository;
  let walmartConnections: ChannelConnectionRepository;
  let jetStream: JetStreamService;

  beforeAll(async () => {
    await endpoint.start();
    database = await openTestDatabase(`${infra.mongoUri}-oauth-tokens`);
    natsA = await connect({ servers: infra.natsUrl });
    natsB = await connect({ servers: infra.natsUrl });
    etsyConnections = new ChannelConnectionRepository(
      database,
      config,
      etsyAdapter as unknown as ChannelAdapter,
    );
    walmartConnections = new ChannelConnectionRepository(
      database,
      config,
      walmartAdapter as unknown as ChannelAdapter,
    );
    await ensureIndexes(database);
    jetStream = new JetStreamService(natsA, logger, new MetricsService());
    await jetStream.ensureStreams([Streams.Sync]);
  }, 60_000);

  afterAll(async () => {
    await natsA?.close();
    await natsB?.close();
    await database?.close();
    await endpoint.stop();
  });

  beforeEach(() => {
    endpoint.requests = 0;
    endpoint.delayMs = 0;
    endpoint.expiresIn = 3600;
  });

  function etsyStore(nats: NatsConnection, connections = etsyConnections): ChannelOAuthTokenStore {
    return new ChannelOAuthTokenStore(
      nats,
      connections,
      new SyncEventPublisher(new JetStreamService(nats, logger, new MetricsService()), logger),
      etsyAdapter as unknown as ChannelAdapter,
      config,
      logger,
    );
  }

  function walmartStore(): ChannelOAuthTokenStore {
    return new ChannelOAuthTokenStore(
      natsA,
      walmartConnections,
      new SyncEventPublisher(jetStream, logger),
      walmartAdapter as unknown as ChannelAdapter,
      config,
      logger,
    );
  }

  /** Stores an Etsy connection whose refresh token the endpoint accepts once. */
  async function storeEtsyConnection(): Promise<ChannelConnection> {
    const refreshToken = `${FIRST_REFRESH_TOKEN}-${randomUUID()}`;

    endpoint.refreshTokens.add(refreshToken);

    return etsyConnections.store({
      accountId: 'oauth-account',
      connectionId: `etsy-${randomUUID()}`,
      credentials: { keystring: 'etsytestkeystring', shopId: 30123456, refreshToken },
      settings: { statusFilter: [], storeFilter: [], pollIntervalMinutes: 5 },
    });
  }

  /** Stores a Walmart connection with the client secret, under a new id unless one is given. */
  async function storeWalmartConnection(
    clientSecret: string,
    connectionId = `walmart-${randomUUID()}`,
  ): Promise<ChannelConnection> {
    return walmartConnections.store({
      accountId: 'oauth-account',
      connectionId,
      credentials: { clientId: 'walmart-client-id', clientSecret },
      settings: { statusFilter: [], storeFilter: [], pollIntervalMinutes: 5 },
    });
  }

  function call(
    nats: NatsConnection,
    store: ChannelOAuthTokenStore,
    connection: ChannelConnection,
    now: () => Date = () => new Date(),
  ): ChannelCallContext {
    const context: ChannelCallContext = {
      connection,
      baseUrl: endpoint.baseUrl,
      now,
      http: new FrameworkHttpClient({
        connectionId: connection.connectionId,
        baseUrl: endpoint.baseUrl,
        policy: { requestsPerSecond: 100, burst: 100, maxRetries: 0 },
        limiter: new SharedRateLimiter(nats, logger),
        logger,
        timeoutMs: 10_000,
      }),
    };

    context.accessTokens = store.forCall(context);

    return context;
  }

  async function latestSyncEvent(): Promise<SyncEvent> {
    const manager = await natsA.jetstreamManager();
    const message = await manager.streams.getMessage(Streams.Sync.name, {
      last_by_subj: Subjects.SyncEventRecorded,
    });

    return message.json<SyncEvent>();
  }

  it('reuses the cached token', async () => {
    const store = etsyStore(natsA);
    const context = call(natsA, store, await storeEtsyConnection());
    const first = await context.accessTokens!.accessToken();
    const second = await context.accessTokens!.accessToken();

    expect(second).toBe(first);
    expect(endpoint.requests).toBe(1);
  }, 30_000);

  it('renews a minute before expiry', async () => {
    const store = etsyStore(natsA);
    const connection = await storeEtsyConnection();
    const first = await call(natsA, store, connection).accessTokens!.accessToken();
    // 3,600 s lifetime: 59 minutes and 30 seconds later the token is inside the renewal minute.
    const later = () => new Date(Date.now() + 3570 * 1000);
    const renewed = await call(natsA, store, connection, later).accessTokens!.accessToken();

    expect(renewed).not.toBe(first);
    expect(endpoint.requests).toBe(2);
  }, 30_000);

  it('shares the token between replicas', async () => {
    const connection = await storeEtsyConnection();
    const replicaA = etsyStore(natsA);
    const replicaB = etsyStore(natsB);
    const fromA = await call(natsA, replicaA, connection).accessTokens!.accessToken();
    const fromB = await call(natsB, replicaB, connection).accessTokens!.accessToken();

    expect(fromB).toBe(fromA);
    expect(endpoint.requests).toBe(1);
  }, 30_000);

  it('refreshes once for concurrent callers', async () => {
    const connection = await storeEtsyConnection();
    const replicaA = etsyStore(natsA);
    const replicaB = etsyStore(natsB);

    endpoint.delayMs = 500;

    const tokens = await Promise.all([
      call(natsA, replicaA, connection).accessTokens!.accessToken(),
      call(natsA, replicaA, connection).accessTokens!.accessToken(),
      call(natsB, replicaB, connection).accessTokens!.accessToken(),
      call(natsB, replicaB, connection).accessTokens!.accessToken(),
    ]);

    expect(new Set(tokens).size).toBe(1);
    expect(endpoint.requests).toBe(1);
  }, 30_000);

  it('drops an invalidated token everywhere', async () => {
    const connection = await storeEtsyConnection();
    const replicaA = etsyStore(natsA);
    const replicaB = etsyStore(natsB);
    const rejected = await call(natsA, replicaA, connection).accessTokens!.accessToken();

    await call(natsA, replicaA, connection).accessTokens!.invalidate(rejected);

    const fromB = await call(natsB, replicaB, connection).accessTokens!.accessToken();
    const fromA = await call(natsA, replicaA, connection).accessTokens!.accessToken();

    expect(fromB).not.toBe(rejected);
    expect(fromA).toBe(fromB);
    expect(endpoint.requests).toBe(2);
  }, 30_000);

  it('seals the token in NATS', async () => {
    const connection = await storeEtsyConnection();
    const token = await call(natsA, etsyStore(natsA), connection).accessTokens!.accessToken();
    const kv = await natsA.jetstream().views.kv(OAUTH_TOKEN_BUCKET);
    const entry = await kv.get(`${connection.connectionId}.token`);

    expect(entry?.string()).toMatch(/^v1\./);
    expect(entry?.string()).not.toContain(token);
  }, 30_000);

  it('stores the rotated refresh token', async () => {
    const connection = await storeEtsyConnection();
    const spent = (connection.credentials as { refreshToken: string }).refreshToken;

    await call(natsA, etsyStore(natsA), connection).accessTokens!.accessToken();

    const stored = await etsyConnections.findById(connection.connectionId, true);
    const rotated = (stored?.credentials as { refreshToken: string }).refreshToken;

    expect(rotated).not.toBe(spent);
    expect(endpoint.refreshTokens.has(rotated)).toBe(true);
  }, 30_000);

  it('uses the rotated token after a restart', async () => {
    const connection = await storeEtsyConnection();

    await call(natsA, etsyStore(natsA), connection).accessTokens!.accessToken();

    // A new process: new NATS and database connections and a new store. The call still carries
    // the credentials read before the rotation, and its clock is past the cached token's expiry.
    const restartedNats = await connect({ servers: infra.natsUrl });
    const restartedDatabase = await openTestDatabase(`${infra.mongoUri}-oauth-tokens`);
    const restartedConnections = new ChannelConnectionRepository(
      restartedDatabase,
      config,
      etsyAdapter as unknown as ChannelAdapter,
    );

    try {
      const twoHoursLater = () => new Date(Date.now() + 2 * 3600 * 1000);
      const context = call(
        restartedNats,
        etsyStore(restartedNats, restartedConnections),
        connection,
        twoHoursLater,
      );

      await expect(context.accessTokens!.accessToken()).resolves.toMatch(/^access-/);
      expect(endpoint.requests).toBe(2);
    } finally {
      await restartedNats.close();
      await restartedDatabase.close();
    }
  }, 30_000);

  it('keeps a newer refresh token', async () => {
    const connection = await storeEtsyConnection();
    const current = (connection.credentials as { refreshToken: string }).refreshToken;

    expect(
      await etsyConnections.replaceSecret(
        connection.connectionId,
        'refreshToken',
        '812345.older-token',
        '812345.from-a-stale-refresh',
      ),
    ).toBe(false);

    const stored = await etsyConnections.findById(connection.connectionId, true);

    expect((stored?.credentials as { refreshToken: string }).refreshToken).toBe(current);
  }, 30_000);

  it('marks invalid_grant as reconnect needed', async () => {
    const connection = await storeEtsyConnection();
    const spent = (connection.credentials as { refreshToken: string }).refreshToken;

    // The endpoint no longer accepts the stored token, as after the shop owner revoked the app.
    endpoint.refreshTokens.delete(spent);

    const store = etsyStore(natsA);

    await expect(call(natsA, store, connection).accessTokens!.accessToken()).rejects.toThrow(
      ChannelReconnectNeededError,
    );

    const stored = await etsyConnections.findById(connection.connectionId, true);
    const event = await latestSyncEvent();

    expect(stored?.status).toBe('reconnect_needed');
    expect(event.connectionId).toBe(connection.connectionId);
    expect(event.entity).toBe('connection');
    expect(event.status).toBe('failed');
    expect(event.message).toContain(`Etsy connection ${connection.connectionId}`);
    expect(event.fix).toMatch(/^Reconnect Etsy connection/);

    // Later calls fail without another token request.
    await expect(call(natsA, store, connection).accessTokens!.accessToken()).rejects.toThrow(
      /needs to be reconnected/,
    );
    expect(endpoint.requests).toBe(1);
  }, 30_000);

  it('marks a 401 from the token endpoint as reconnect needed', async () => {
    const connection = await storeWalmartConnection('wrong-secret-value');
    const store = walmartStore();

    await expect(call(natsA, store, connection).accessTokens!.accessToken()).rejects.toThrow(
      /Walmart rejected the client credentials/,
    );
    expect((await walmartConnections.findById(connection.connectionId, true))?.status).toBe(
      'reconnect_needed',
    );
  }, 30_000);

  it('clears reconnect needed when stored again', async () => {
    const connection = await storeWalmartConnection('wrong-secret-value');
    const store = walmartStore();

    await expect(call(natsA, store, connection).accessTokens!.accessToken()).rejects.toThrow(
      ChannelReconnectNeededError,
    );

    const reconnected = await storeWalmartConnection('walmart-secret-1', connection.connectionId);

    await expect(call(natsA, store, reconnected).accessTokens!.accessToken()).resolves.toMatch(
      /^access-/,
    );
  }, 30_000);
});
