import { createHash } from 'node:crypto';

import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_CONFIG, AppLogger, SyncEventPublisher } from '@qbsync/platform';

import { ExclusiveClaimRepository } from '../common/exclusive-claim.repository';
import { type QboConfig } from '../qbo.config';
import {
  type QboConnection,
  QboConnectionRepository,
  type QboTokens,
} from './qbo-connection.repository';

/** Refresh an access token this long before it expires, so no request starts with a dying token. */
const REFRESH_MARGIN_MILLISECONDS = 5 * 60 * 1000;
const REFRESH_LOCK_MILLISECONDS = 30_000;
const LOCK_WAIT_ATTEMPTS = 20;
const LOCK_WAIT_MILLISECONDS = 250;

/** The company must be connected again: the refresh token was revoked or expired. */
export class QboReconnectNeededError extends Error {
  constructor(readonly accountId: string) {
    super(
      'QuickBooks Online rejected the refresh token (invalid_grant); the company must be reconnected',
    );
    this.name = 'QboReconnectNeededError';
  }
}

interface TokenResponse {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  x_refresh_token_expires_in: number;
}

/**
 * OAuth 2.0 tokens for QuickBooks Online: exchanges authorisation codes, and refreshes access tokens
 * before they expire. Intuit rotates the refresh token on each refresh, so the newest one is stored
 * at once, and a database lock makes sure only one replica refreshes a company at a time.
 */
@Injectable()
export class QboTokenService {
  private readonly logger: AppLogger;
  private readonly refreshesInFlight = new Map<string, Promise<QboConnection>>();

  constructor(
    private readonly connections: QboConnectionRepository,
    private readonly claims: ExclusiveClaimRepository,
    @Inject(APP_CONFIG) private readonly config: QboConfig,
    logger: AppLogger,
    // Optional so that token tests can run without NATS; the service module always provides it.
    @Optional() private readonly syncEvents?: SyncEventPublisher,
  ) {
    this.logger = logger.child(QboTokenService.name);
  }

  async exchangeCode(code: string, redirectUri: string): Promise<QboTokens> {
    return this.requestTokens({
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectUri,
    });
  }

  /** Returns the connection with an access token valid for at least the refresh margin. */
  async getFreshConnection(connection: QboConnection): Promise<QboConnection> {
    if (connection.accessTokenExpiresAt.getTime() - Date.now() > REFRESH_MARGIN_MILLISECONDS) {
      return connection;
    }

    return this.refresh(connection.accountId);
  }

  /** Refreshes now, for example after QuickBooks answered 401 to a token that looked valid. */
  async refresh(accountId: string): Promise<QboConnection> {
    const inFlight = this.refreshesInFlight.get(accountId);

    if (inFlight) {
      return inFlight;
    }

    const refresh = this.refreshWithLock(accountId).finally(() =>
      this.refreshesInFlight.delete(accountId),
    );

    this.refreshesInFlight.set(accountId, refresh);

    return refresh;
  }

  private async refreshWithLock(accountId: string): Promise<QboConnection> {
    const before = await this.requireConnection(accountId);
    const lockId = refreshLockId(before);

    for (let attempt = 0; attempt < LOCK_WAIT_ATTEMPTS; attempt++) {
      if (await this.claims.tryClaim(lockId, 'qbo-token-refresh')) {
        return this.refreshLocked(before, lockId);
      }

      // Another replica is refreshing: wait for its new token instead of spending the refresh token.
      await sleep(LOCK_WAIT_MILLISECONDS);
      const current = await this.requireConnection(accountId);

      if (current.accessToken !== before.accessToken) {
        return current;
      }
    }

    throw new Error(
      `Timed out waiting for another replica to refresh the QuickBooks tokens of account ${accountId}`,
    );
  }

  private async refreshLocked(connection: QboConnection, lockId: string): Promise<QboConnection> {
    const { accountId } = connection;

    try {
      const tokens = await this.requestTokens({
        grant_type: 'refresh_token',
        refresh_token: connection.refreshToken,
      });

      await this.connections.saveRefreshedTokens(accountId, tokens);
      this.logger.info('Refreshed QuickBooks Online tokens', {
        accountId,
        realmId: connection.realmId,
      });

      return { ...connection, ...tokens, status: 'connected' };
    } catch (error) {
      if (error instanceof InvalidGrantError) {
        await this.connections.markReconnectNeeded(accountId);
        this.logger.error('QuickBooks Online connection needs to be reconnected', error, {
          accountId,
          realmId: connection.realmId,
        });
        await this.recordReconnectNeeded(connection, lockId);
        throw new QboReconnectNeededError(accountId);
      }

      await this.claims.release(lockId);
      throw error;
    }
  }

  /**
   * Writes one sync-log entry for the dead refresh token. The event id names the token, so replicas
   * and retries that meet the same invalid_grant add no second entry. Only the replica holding the
   * refresh lock gets here, and later refreshes stop at `reconnect_needed` without a token request.
   */
  private async recordReconnectNeeded(connection: QboConnection, lockId: string): Promise<void> {
    if (!this.syncEvents) {
      return;
    }

    const tokenHash = lockId.split('|')[2];

    try {
      await this.syncEvents.publish({
        eventId: `qbo-reconnect-needed|${connection.accountId}|${tokenHash}`,
        accountId: connection.accountId,
        connectionId: connection.connectionId,
        // NOTE: the sync event contract requires a channel, and a QuickBooks connection has none;
        // `custom` is used until the contract makes the channel optional for connection events.
        channel: 'custom',
        entity: 'connection',
        entityId: connection.connectionId,
        stage: 'qbo',
        status: 'failed',
        realmId: connection.realmId,
        message:
          'QuickBooks Online rejected the refresh token (invalid_grant): the connection was revoked ' +
          'or expired, so postings are held',
        fix: 'Reconnect QuickBooks Online as a primary or company admin; held postings resume after that',
      });
    } catch (error) {
      this.logger.error('Could not record the reconnect-needed sync event', error, {
        accountId: connection.accountId,
      });
    }
  }

  /**
   * Revokes the connection's refresh token at Intuit (which also ends its access tokens) and
   * erases the stored tokens. A revoke Intuit rejects is logged and the tokens are erased anyway:
   * the user asked to disconnect, and an erased token can no longer be used from here.
   */
  async disconnect(accountId: string): Promise<QboConnection | null> {
    const connection = await this.connections.findByAccountId(accountId, true);

    if (!connection) {
      return null;
    }

    const token = connection.refreshToken || connection.accessToken;

    if (token) {
      try {
        await this.revoke(token);
        this.logger.info('Revoked QuickBooks Online tokens', {
          accountId,
          realmId: connection.realmId,
        });
      } catch (error) {
        this.logger.warn('QuickBooks Online did not revoke the tokens; erasing them anyway', {
          accountId,
          realmId: connection.realmId,
          reason: (error as Error).message,
        });
      }
    }

    await this.connections.markDisconnected(accountId);

    return { ...connection, status: 'disconnected', accessToken: '', refreshToken: '' };
  }

  private async revoke(token: string): Promise<void> {
    const response = await fetch(this.config.QBO_REVOKE_URL, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${this.clientCredentials()}`,
        'Content-Type': 'application/json',
        Accept: 'application/json',
      },
      body: JSON.stringify({ token }),
      signal: AbortSignal.timeout(this.config.QBO_REQUEST_TIMEOUT_MS),
    });

    if (!response.ok) {
      throw new Error(
        `QuickBooks revoke endpoint returned HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`,
      );
    }
  }

  private clientCredentials(): string {
    return Buffer.from(`${this.config.QBO_CLIENT_ID}:${this.config.QBO_CLIENT_SECRET}`).toString(
      'base64',
    );
  }

  private async requireConnection(accountId: string): Promise<QboConnection> {
    const connection = await this.connections.findByAccountId(accountId, true);

    if (!connection) {
      throw new Error(`Account ${accountId} has no QuickBooks Online connection`);
    }

    if (connection.status !== 'connected') {
      throw new QboReconnectNeededError(accountId);
    }

    return connection;
  }

  private async requestTokens(form: Record<string, string>): Promise<QboTokens> {
    const credentials = this.clientCredentials();
    const response = await fetch(this.config.QBO_TOKEN_URL, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${credentials}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        Accept: 'application/json',
      },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(this.config.QBO_REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();

    if (!response.ok) {
      if (/invalid_grant/.test(text)) {
        throw new InvalidGrantError();
      }

      throw new Error(
        `QuickBooks token endpoint returned HTTP ${response.status}: ${text.slice(0, 200)}`,
      );
    }

    const body = JSON.parse(text) as TokenResponse;
    const now = Date.now();

    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      accessTokenExpiresAt: new Date(now + body.expires_in * 1000),
      refreshTokenExpiresAt: new Date(now + body.x_refresh_token_expires_in * 1000),
    };
  }
}

/**
 * Names the lock for refreshing one refresh token. Only one replica can insert it, so one token
 * is spent once; the 30-second bucket frees the name again if the holder stopped mid-refresh.
 */
function refreshLockId(connection: QboConnection): string {
  const tokenHash = createHash('sha256').update(connection.refreshToken).digest('hex').slice(0, 16);
  const bucket = Math.floor(Date.now() / REFRESH_LOCK_MILLISECONDS);

  return `qbo-refresh|${connection.accountId}|${tokenHash}|${bucket}`;
}

class InvalidGrantError extends Error {
  constructor() {
    super('The token endpoint answered invalid_grant');
    this.name = 'InvalidGrantError';
  }
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
