import { createHash, randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import {
  APP_CONFIG,
  AppLogger,
  NATS_CONNECTION,
  SecretBox,
  SyncEventPublisher,
} from '@qbsync/platform';
import { type KV, type KvEntry, type NatsConnection } from 'nats';

import { type ConnectorsConfig } from '../connectors.config';
import { type ChannelAdapter, type ChannelCallContext } from './channel-adapter';
import { ChannelConnectionRepository } from './channel-connection.repository';
import {
  type ChannelAccessTokens,
  type ChannelOAuthGrant,
  ChannelReconnectNeededError,
  exchangeToken,
  type ExchangedToken,
  grantLabel,
} from './channel-oauth-grant';
import { CHANNEL_ADAPTER } from './channel.tokens';

/** The NATS key-value bucket that contains every connection's sealed access token. */
export const OAUTH_TOKEN_BUCKET = 'connector_oauth_tokens';
/** An access token is renewed this long before it expires, so no call starts with a dying one. */
export const RENEW_BEFORE_MS = 60_000;
/**
 * How long one replica may hold a connection's refresh lock. A replica that stops mid-refresh
 * frees the connection after this time, and the waiting replicas give up after it too.
 */
const REFRESH_LOCK_MS = 30_000;
const WAIT_POLL_MS = 100;
/** Age limit of bucket entries. Channel access tokens last hours at most, so a day is ample. */
const ENTRY_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** The cached token as stored in the bucket, before sealing. */
interface SharedToken {
  accessToken: string;
  /** Epoch milliseconds at which the channel stops accepting the token. */
  expiresAt: number;
}

/** The refresh lock value: which store instance refreshes, until when (epoch milliseconds). */
interface RefreshLock {
  owner: string;
  until: number;
}

/**
 * The framework's OAuth token store for adapters that declare `oauth`.
 *
 * - Caches each connection's access token until `RENEW_BEFORE_MS` before `expires_in` runs out,
 *   in this process and in a NATS key-value bucket that every replica shares. The bucket entry is
 *   sealed with SecretBox, so NATS never contains a plaintext token.
 * - Refreshes single-flight per connection: one refresh per process at a time, and across
 *   replicas a lock key created with compare-and-set, so one replica exchanges the refresh token
 *   while the others wait for the token it stores.
 * - Stores a rotated refresh token into the connection's sealed credentials. Etsy issues a new
 *   one on every refresh and rejects the used one. The write is a compare-and-set on the
 *   connection document, so two refreshes never overwrite the newest token with an older one.
 * - On `invalid_grant` or HTTP 401 from the token endpoint, marks the connection
 *   `reconnect_needed` and records a sync event. Later calls fail at once without a request.
 */
@Injectable()
export class ChannelOAuthTokenStore {
  private kv?: Promise<KV>;
  private readonly logger: AppLogger;
  private readonly secretBox: SecretBox;
  private readonly owner = randomUUID();
  private readonly cached = new Map<string, SharedToken>();
  private readonly refreshes = new Map<string, Promise<string>>();

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    private readonly connections: ChannelConnectionRepository,
    private readonly syncEvents: SyncEventPublisher,
    @Inject(CHANNEL_ADAPTER) private readonly adapter: ChannelAdapter,
    @Inject(APP_CONFIG) config: ConnectorsConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child(ChannelOAuthTokenStore.name);
    this.secretBox = new SecretBox(config.ENCRYPTION_KEY);
  }

  /** Returns the token source of one call, or undefined when the adapter declares no `oauth`. */
  forCall(call: ChannelCallContext): ChannelAccessTokens | undefined {
    const grant = this.adapter.oauth;

    if (!grant) {
      return undefined;
    }

    return {
      accessToken: () => this.accessToken(call, grant),
      invalidate: (token) => this.invalidate(call.connection.connectionId, token),
    };
  }

  /** Returns a cached access token, or waits for the single refresh of this connection. */
  async accessToken(call: ChannelCallContext, grant: ChannelOAuthGrant): Promise<string> {
    const { connectionId } = call.connection;
    const local = this.cached.get(connectionId);

    if (local && isFresh(local, call.now().getTime())) {
      return local.accessToken;
    }

    const running = this.refreshes.get(connectionId);

    if (running) {
      return running;
    }

    const refresh = this.obtain(call, grant).finally(() => this.refreshes.delete(connectionId));

    this.refreshes.set(connectionId, refresh);

    return refresh;
  }

  /** Drops `token` from this process and from the bucket, unless a newer token replaced it. */
  async invalidate(connectionId: string, token: string): Promise<void> {
    if (this.cached.get(connectionId)?.accessToken === token) {
      this.cached.delete(connectionId);
    }

    const kv = await this.bucket();
    const entry = await kv.get(tokenKey(connectionId));
    const shared = entry ? this.unseal(entry) : undefined;

    if (entry && shared?.accessToken === token) {
      try {
        await kv.delete(tokenKey(connectionId), { previousSeq: entry.revision });
      } catch (error) {
        if (!isWrongRevision(error)) {
          throw error;
        }
      }
    }
  }

  /**
   * Reads the shared token, or takes the connection's refresh lock and exchanges a new one. While
   * another replica holds the lock, polls the bucket for the token that replica stores.
   */
  private async obtain(call: ChannelCallContext, grant: ChannelOAuthGrant): Promise<string> {
    const { connectionId } = call.connection;
    const kv = await this.bucket();
    const deadline = Date.now() + REFRESH_LOCK_MS + WAIT_POLL_MS * 10;

    while (Date.now() < deadline) {
      const entry = await kv.get(tokenKey(connectionId));
      const shared = entry ? this.unseal(entry) : undefined;

      if (shared && isFresh(shared, call.now().getTime())) {
        this.cached.set(connectionId, shared);

        return shared.accessToken;
      }

      if (await this.tryLock(kv, connectionId)) {
        try {
          return await this.refresh(call, grant, kv);
        } finally {
          await this.unlock(kv, connectionId);
        }
      }

      await sleep(WAIT_POLL_MS);
    }

    throw new Error(
      `Timed out after ${REFRESH_LOCK_MS / 1000} s waiting for another replica to refresh the ` +
        `${this.adapter.displayName} access token of connection ${connectionId}; the next call retries`,
    );
  }

  /** Exchanges a new token (the caller holds the lock), stores it, and persists a rotated grant. */
  private async refresh(
    call: ChannelCallContext,
    grant: ChannelOAuthGrant,
    kv: KV,
  ): Promise<string> {
    const { connectionId } = call.connection;
    const stored = await this.connections.findById(connectionId, true);

    if (stored?.status === 'reconnect_needed') {
      throw new ChannelReconnectNeededError(
        `${this.adapter.displayName} connection ${connectionId} needs to be reconnected because ` +
          `${this.adapter.displayName} rejected its ${grantLabel(grant)}; ${grant.reconnectFix}`,
        connectionId,
      );
    }

    if (!stored && grant.grantType === 'refresh_token') {
      throw new Error(
        `${this.adapter.displayName} connection ${connectionId} was not found, so a rotated ` +
          'refresh token would be lost; store the connection before calling the channel',
      );
    }

    // The stored credentials are newer than the call's copy when another replica rotated them.
    const current = { ...call, connection: { ...call.connection, ...stored } };
    const refreshToken = grant.refreshTokenField
      ? readString(current.connection.credentials, grant.refreshTokenField)
      : undefined;
    let token: ExchangedToken;

    try {
      token = await exchangeToken(current, grant, this.adapter.displayName, refreshToken);
    } catch (error) {
      if (error instanceof ChannelReconnectNeededError && stored) {
        await this.markReconnectNeeded(current, grant, refreshToken, error);
      }

      throw error;
    }

    // The rotated refresh token is stored before anything else, because the spent one no longer
    // works and nothing else can recover the connection.
    if (token.refreshToken && refreshToken && token.refreshToken !== refreshToken) {
      await this.storeRotatedRefreshToken(connectionId, grant, refreshToken, token.refreshToken);
    }

    const shared: SharedToken = { accessToken: token.accessToken, expiresAt: token.expiresAt };

    await kv.put(tokenKey(connectionId), this.secretBox.encrypt(JSON.stringify(shared)));
    this.cached.set(connectionId, shared);
    this.logger.info('Exchanged a channel access token', {
      connectionId,
      channel: this.adapter.channel,
      expiresAt: new Date(token.expiresAt).toISOString(),
      refreshTokenRotated: token.refreshToken !== undefined && token.refreshToken !== refreshToken,
    });

    return token.accessToken;
  }

  /**
   * Writes the new refresh token only while the document still contains the one just spent. When
   * it does not, another refresh stored a newer token first and that one is kept.
   */
  private async storeRotatedRefreshToken(
    connectionId: string,
    grant: ChannelOAuthGrant,
    spent: string,
    rotated: string,
  ): Promise<void> {
    const field = String(grant.refreshTokenField);
    const stored = await this.connections.replaceSecret(connectionId, field, spent, rotated);

    if (!stored) {
      this.logger.warn('Kept the newer refresh token another refresh stored first', {
        connectionId,
        channel: this.adapter.channel,
      });
    }
  }

  private async markReconnectNeeded(
    call: ChannelCallContext,
    grant: ChannelOAuthGrant,
    refreshToken: string | undefined,
    error: ChannelReconnectNeededError,
  ): Promise<void> {
    const { connection } = call;
    const name = this.adapter.displayName;

    await this.connections.markReconnectNeeded(connection.connectionId, error.message);
    this.logger.error('Channel connection needs to be reconnected', error, {
      accountId: connection.accountId,
      connectionId: connection.connectionId,
      channel: this.adapter.channel,
    });

    // The event id names the rejected grant, so replicas and retries that meet the same
    // rejection record one entry, and a later reconnect that fails again records a new one.
    const grantHash = createHash('sha256')
      .update(refreshToken ?? grant.clientId(connection.credentials))
      .digest('hex')
      .slice(0, 16);

    try {
      await this.syncEvents.publish({
        eventId: `${connection.connectionId}:reconnect-needed:${grantHash}`,
        accountId: connection.accountId,
        connectionId: connection.connectionId,
        channel: this.adapter.channel,
        entity: 'connection',
        entityId: connection.connectionId,
        stage: 'connector',
        status: 'failed',
        connectionStatus: 'reconnect_needed',
        message:
          `${name} connection ${connection.connectionId} needs to be reconnected: ${name} rejected ` +
          `its ${grantLabel(grant)}, so polling and inventory updates stop until it is reconnected`,
        fix: `Reconnect ${name} connection ${connection.connectionId}: ${grant.reconnectFix}`,
      });
    } catch (publishError) {
      this.logger.error('Could not record the reconnect-needed sync event', publishError, {
        connectionId: connection.connectionId,
      });
    }
  }

  /**
   * Creates the lock key, or takes over a lock whose holder let it expire. Both are
   * compare-and-set writes, so exactly one store instance wins.
   */
  private async tryLock(kv: KV, connectionId: string): Promise<boolean> {
    const key = lockKey(connectionId);
    const lock = JSON.stringify({
      owner: this.owner,
      until: Date.now() + REFRESH_LOCK_MS,
    } satisfies RefreshLock);
    const entry = await kv.get(key);

    try {
      if (!entry || entry.operation !== 'PUT' || entry.length === 0) {
        await kv.create(key, lock);

        return true;
      }

      if (entry.json<RefreshLock>().until < Date.now()) {
        await kv.update(key, lock, entry.revision);

        return true;
      }

      return false;
    } catch (error) {
      if (isWrongRevision(error)) {
        return false;
      }

      throw error;
    }
  }

  private async unlock(kv: KV, connectionId: string): Promise<void> {
    const entry = await kv.get(lockKey(connectionId));

    if (entry?.operation === 'PUT' && entry.json<RefreshLock>().owner === this.owner) {
      try {
        await kv.delete(lockKey(connectionId), { previousSeq: entry.revision });
      } catch (error) {
        // A lock that expired and was taken over belongs to its new holder now.
        if (!isWrongRevision(error)) {
          throw error;
        }
      }
    }
  }

  /** Opens the shared token, or returns undefined for a deleted entry or a foreign key's seal. */
  private unseal(entry: KvEntry): SharedToken | undefined {
    if (entry.operation !== 'PUT' || entry.length === 0) {
      return undefined;
    }

    try {
      return JSON.parse(this.secretBox.decrypt(entry.string())) as SharedToken;
    } catch (error) {
      // Sealed under another ENCRYPTION_KEY (during a key rotation): exchange a new token instead.
      this.logger.warn('Ignored a shared access token that does not decrypt', {
        key: entry.key,
        reason: (error as Error).message,
      });

      return undefined;
    }
  }

  private bucket(): Promise<KV> {
    this.kv ??= this.nats
      .jetstream()
      .views.kv(OAUTH_TOKEN_BUCKET, { history: 1, ttl: ENTRY_MAX_AGE_MS });

    return this.kv;
  }
}

function isFresh(token: SharedToken, nowMs: number): boolean {
  return token.expiresAt - RENEW_BEFORE_MS > nowMs;
}

function tokenKey(connectionId: string): string {
  return `${safeKey(connectionId)}.token`;
}

function lockKey(connectionId: string): string {
  return `${safeKey(connectionId)}.lock`;
}

function safeKey(connectionId: string): string {
  return connectionId.replace(/[^-/_=a-zA-Z0-9]/g, '_');
}

function readString(credentials: unknown, field: string): string | undefined {
  const value = (credentials as Record<string, unknown>)[field];

  return typeof value === 'string' ? value : undefined;
}

function isWrongRevision(error: unknown): boolean {
  const text = error instanceof Error ? error.message : String(error);

  return /wrong last sequence|key exists|10071/i.test(text);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
