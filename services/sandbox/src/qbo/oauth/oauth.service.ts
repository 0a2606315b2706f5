import { randomBytes } from 'node:crypto';

import { Inject, Injectable, Logger } from '@nestjs/common';

import { SandboxClock } from '../../common/sandbox-clock';
import { SANDBOX_CONFIG } from '../../config/config.tokens';
import { type SandboxConfig } from '../../config/sandbox.config';
import { CompanyStore } from '../company/company.store';
import { DEFAULT_REALM_ID } from '../company/company-seed';
import { invalidGrant } from './oauth.errors';

/** Lifetimes Intuit documents for its OAuth 2.0 tokens. */
export const AUTHORIZATION_CODE_TTL_MS = 10 * 60 * 1000;
export const ACCESS_TOKEN_TTL_SECONDS = 3600;
export const REFRESH_TOKEN_TTL_SECONDS = 8_726_400;

/**
 * How long a refresh token still works after it was used. Each refresh returns a new refresh
 * token. Within this window the previous one returns a new access token and the same successor,
 * so a client that lost the response to a refresh can repeat it. Afterwards it is invalid_grant.
 */
export const REFRESH_ROTATION_GRACE_MS = 60 * 1000;

export interface TokenResponse {
  token_type: 'bearer';
  access_token: string;
  refresh_token: string;
  expires_in: number;
  x_refresh_token_expires_in: number;
}

interface AuthorizationCode {
  grantId: string;
  redirectUri: string;
  expiresAtMs: number;
}

interface AccessToken {
  grantId: string;
  realmId: string;
  expiresAtMs: number;
}

interface RefreshToken {
  grantId: string;
  expiresAtMs: number;
  successor?: string;
  rotatedAtMs?: number;
}

interface Grant {
  realmId: string;
  revoked: boolean;
}

/**
 * The authorization server of the QuickBooks stand-in: it approves every authorization request
 * and issues opaque random tokens. A grant is one user's connection of one realm, and revoking any
 * of its tokens disconnects the whole grant.
 */
@Injectable()
export class OAuthService {
  private readonly logger = new Logger(OAuthService.name);
  private readonly grants = new Map<string, Grant>();
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly accessTokens = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, RefreshToken>();

  constructor(
    @Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig,
    private readonly clock: SandboxClock,
    private readonly companies: CompanyStore,
  ) {}

  isValidClientId(clientId: string): boolean {
    return clientId === this.config.qboClientId;
  }

  /** Approves an authorization request and returns the one-time code and the realm connected. */
  approve(redirectUri: string, realmId = DEFAULT_REALM_ID): { code: string; realmId: string } {
    this.companies.getOrCreate(realmId);
    const grantId = newToken(16);

    this.grants.set(grantId, { realmId, revoked: false });
    const code = newToken(24);

    this.codes.set(code, {
      grantId,
      redirectUri,
      expiresAtMs: this.clock.nowMs() + AUTHORIZATION_CODE_TTL_MS,
    });
    this.logger.log({ message: 'Authorization approved', realmId });

    return { code, realmId };
  }

  /** Exchanges a code for tokens. A code works once, before it expires, with its redirect URI. */
  exchangeCode(code: string, redirectUri: string): TokenResponse {
    const record = this.codes.get(code);

    this.codes.delete(code);
    if (!record || record.expiresAtMs <= this.clock.nowMs()) {
      throw invalidGrant('The authorization code is invalid, expired or already used');
    }

    if (record.redirectUri !== redirectUri) {
      throw invalidGrant('redirect_uri does not match the one of the authorization request');
    }

    return this.issueTokens(record.grantId, newToken(32));
  }

  /** Exchanges a refresh token for a new access token and a new refresh token. */
  refresh(refreshToken: string): TokenResponse {
    const record = this.refreshTokens.get(refreshToken);
    const nowMs = this.clock.nowMs();

    if (
      !record ||
      record.expiresAtMs <= nowMs ||
      this.grants.get(record.grantId)?.revoked !== false
    ) {
      throw invalidGrant('The refresh token is invalid, expired or revoked');
    }

    if (record.rotatedAtMs !== undefined && record.successor) {
      if (nowMs - record.rotatedAtMs > REFRESH_ROTATION_GRACE_MS) {
        this.refreshTokens.delete(refreshToken);
        throw invalidGrant('The refresh token was replaced by a newer one');
      }

      return this.issueTokens(record.grantId, record.successor);
    }

    const successor = newToken(32);

    record.successor = successor;
    record.rotatedAtMs = nowMs;

    return this.issueTokens(record.grantId, successor);
  }

  /** Revokes the grant behind an access or refresh token. Unknown tokens are ignored (RFC 7009). */
  revoke(token: string): void {
    const grantId = this.accessTokens.get(token)?.grantId ?? this.refreshTokens.get(token)?.grantId;
    const grant = grantId ? this.grants.get(grantId) : undefined;

    if (grant) {
      grant.revoked = true;
      this.logger.log({ message: 'Grant revoked', realmId: grant.realmId });
    }
  }

  /**
   * Revokes every grant of a realm, as a user disconnecting the app in QuickBooks does: the next
   * refresh returns invalid_grant and API calls return 401. Returns how many grants were revoked.
   */
  revokeRealm(realmId: string): number {
    let revoked = 0;

    for (const grant of this.grants.values()) {
      if (grant.realmId === realmId && !grant.revoked) {
        grant.revoked = true;
        revoked += 1;
      }
    }

    this.logger.log({ message: 'Realm grants revoked', realmId, revoked });

    return revoked;
  }

  /** Returns undefined when the access token may call the realm, else the reason it may not. */
  checkAccessToken(token: string, realmId: string): string | undefined {
    const record = this.accessTokens.get(token);

    if (!record || this.grants.get(record.grantId)?.revoked !== false) {
      return 'Token invalid';
    }

    if (record.expiresAtMs <= this.clock.nowMs()) {
      return 'Token expired';
    }

    if (record.realmId !== realmId) {
      return `Token is not valid for realm ${realmId}`;
    }

    return undefined;
  }

  private issueTokens(grantId: string, refreshToken: string): TokenResponse {
    const grant = this.grants.get(grantId);

    if (!grant || grant.revoked) {
      throw invalidGrant('The grant was revoked');
    }

    const nowMs = this.clock.nowMs();
    const accessToken = newToken(48);

    this.accessTokens.set(accessToken, {
      grantId,
      realmId: grant.realmId,
      expiresAtMs: nowMs + ACCESS_TOKEN_TTL_SECONDS * 1000,
    });
    let refreshRecord = this.refreshTokens.get(refreshToken);

    if (!refreshRecord) {
      refreshRecord = { grantId, expiresAtMs: nowMs + REFRESH_TOKEN_TTL_SECONDS * 1000 };
      this.refreshTokens.set(refreshToken, refreshRecord);
    }

    return {
      token_type: 'bearer',
      access_token: accessToken,
      refresh_token: refreshToken,
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
      x_refresh_token_expires_in: Math.floor((refreshRecord.expiresAtMs - nowMs) / 1000),
    };
  }
}

function newToken(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
