import { randomBytes } from 'node:crypto';

import {
  type ChannelAdapter,
  type ChannelCallContext,
  type ChannelConnection,
} from '@qbsync/connectors/dist/channel/channel-adapter';
import { ChannelConnectionRepository } from '@qbsync/connectors/dist/channel/channel-connection.repository';
import { ChannelOAuthTokenStore } from '@qbsync/connectors/dist/channel/channel-oauth';
import { type ConnectorsConfig } from '@qbsync/connectors/dist/connectors.config';
import { Streams } from '@qbsync/contracts';
import {
  AppLogger,
  createRootLogger,
  JetStreamService,
  MetricsService,
  SyncEventPublisher,
} from '@qbsync/platform';
import mongoose, { type Connection } from 'mongoose';
import { connect, type NatsConnection } from 'nats';

import { type CallOptions, type ChannelBench } from './channel-calls';

/**
 * The framework's OAuth token store for channel e2e specs: what `ChannelCallFactory` adds to a
 * call in the connectors service. Connections are stored in FerretDB, so a rotated refresh token
 * is written back, and access tokens are shared through NATS.
 */
export interface TokenBench {
  /**
   * Builds the call with `ChannelBench.call`, stores its connection and adds the token store's
   * `accessTokens`, as the connectors service does for a stored connection.
   */
  call<C>(
    adapter: ChannelAdapter<C>,
    credentials: C,
    options?: CallOptions,
  ): Promise<ChannelCallContext<C>>;
  /**
   * Stores the call's connection with its credentials and returns the call with the token
   * store's `accessTokens`, as the connectors service builds it.
   */
  connect<C>(
    adapter: ChannelAdapter<C>,
    call: ChannelCallContext<C>,
  ): Promise<ChannelCallContext<C>>;
  /** Adds this instance's `accessTokens` to a call whose connection is already stored. */
  attach<C>(adapter: ChannelAdapter<C>, call: ChannelCallContext<C>): ChannelCallContext<C>;
  /** Returns the connection as stored, with decrypted credentials and its status. */
  read<C>(adapter: ChannelAdapter<C>, connectionId: string): Promise<ChannelConnection<C> | null>;
  /**
   * Starts another connector instance on the same servers and encryption key: new NATS and
   * database connections and a new token store, as after a restart or on another replica.
   */
  restart(): Promise<TokenBench>;
  stop(): Promise<void>;
}

const DATABASE_NAME = 'qbsync-channel-tokens';

export async function startTokenBench(
  channels: ChannelBench,
  natsUrl: string,
  mongoUri: string,
  encryptionKey = randomBytes(32).toString('base64'),
): Promise<TokenBench> {
  const url = new URL(mongoUri);

  url.pathname = `/${DATABASE_NAME}`;

  const nats: NatsConnection = await connect({ servers: natsUrl });
  const database: Connection = await mongoose.createConnection(url.toString()).asPromise();
  const logger = new AppLogger(
    createRootLogger('e2e-channel-tokens', process.env.E2E_LOG_LEVEL ?? 'silent'),
  );
  const jetStream = new JetStreamService(nats, logger, new MetricsService());
  const syncEvents = new SyncEventPublisher(jetStream, logger);
  const config = { ENCRYPTION_KEY: encryptionKey } as ConnectorsConfig;
  const repositories = new Map<string, ChannelConnectionRepository>();
  const stores = new Map<string, ChannelOAuthTokenStore>();

  await jetStream.ensureStreams([Streams.Sync]);

  function repository(adapter: ChannelAdapter): ChannelConnectionRepository {
    let found = repositories.get(adapter.channel);

    if (!found) {
      found = new ChannelConnectionRepository(database, config, adapter);
      repositories.set(adapter.channel, found);
    }

    return found;
  }

  function store(adapter: ChannelAdapter): ChannelOAuthTokenStore {
    let found = stores.get(adapter.channel);

    if (!found) {
      found = new ChannelOAuthTokenStore(
        nats,
        repository(adapter),
        syncEvents,
        adapter,
        config,
        logger,
      );
      stores.set(adapter.channel, found);
    }

    return found;
  }

  const bench: TokenBench = {
    call(adapter, credentials, options) {
      return bench.connect(adapter, channels.call(adapter, credentials, options));
    },
    async connect<C>(adapter: ChannelAdapter<C>, call: ChannelCallContext<C>) {
      const { connection } = call;

      await repository(adapter as unknown as ChannelAdapter).store({
        accountId: connection.accountId,
        connectionId: connection.connectionId,
        credentials: connection.credentials as Record<string, unknown>,
        settings: connection.settings,
      });

      return bench.attach(adapter, call);
    },
    attach<C>(adapter: ChannelAdapter<C>, call: ChannelCallContext<C>) {
      const accessTokens = store(adapter as unknown as ChannelAdapter).forCall(
        call as ChannelCallContext,
      );

      return { ...call, ...(accessTokens ? { accessTokens } : {}) };
    },
    async read<C>(adapter: ChannelAdapter<C>, connectionId: string) {
      const connection = await repository(adapter as unknown as ChannelAdapter).findById(
        connectionId,
        true,
      );

      return connection as ChannelConnection<C> | null;
    },
    restart() {
      return startTokenBench(channels, natsUrl, mongoUri, encryptionKey);
    },
    async stop() {
      await nats.drain();
      await database.close();
    },
  };

  return bench;
}
