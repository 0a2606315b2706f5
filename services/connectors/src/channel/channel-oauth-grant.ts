import {
  type ChannelCallContext,
  ChannelHttpError,
  type ChannelHttpResponse,
} from './channel-adapter';

/**
 * The token grant of a channel, declared by the adapter as `oauth`. The framework's token
 * store (`channel-oauth.ts`) performs the exchange, caches the token for every replica and writes
 * a rotated refresh token back to the connection, so no adapter keeps its own copy of this code.
 */
export interface ChannelOAuthGrant<Credentials = unknown> {
  /**
   * `refresh_token` exchanges the merchant's stored refresh token (Amazon LWA, eBay, Etsy);
   * `client_credentials` exchanges the app's own id and secret (Walmart).
   */
  grantType: 'refresh_token' | 'client_credentials';
  /** The token endpoint: an absolute URL, or a path below the call's base URL. */
  tokenUrl(call: ChannelCallContext<Credentials>): string;
  /**
   * Client authentication as the channel documents it: `basic` sends
   * `Authorization: Basic base64(id:secret)`, `form` sends `client_id` (and `client_secret` when
   * there is one) as form fields. A PKCE public client (Etsy) has no secret.
   */
  clientAuthentication: 'basic' | 'form';
  clientId(credentials: Credentials): string;
  clientSecret?(credentials: Credentials): string | undefined;
  /**
   * The secret credential field that contains the refresh token, required for the
   * `refresh_token` grant. A new refresh token in the response is stored back into this field.
   */
  refreshTokenField?: keyof Credentials & string;
  /** Further form fields, such as eBay's `scope`. */
  extraForm?(credentials: Credentials): Record<string, string>;
  /** Further headers, such as Walmart's `WM_SVC.NAME`, built anew for each token request. */
  headers?(): Record<string, string>;
  /** Lifetime in seconds assumed when the response has no `expires_in`. */
  defaultExpiresInSeconds: number;
  /** The `RateLimitPolicy.buckets` entry token requests use, or the default bucket when absent. */
  bucket?: string;
  /** The fix shown to the merchant when the channel rejects the grant, as one sentence. */
  reconnectFix: string;
}

/**
 * The connection's access tokens, from the framework's token store. Adapters with `oauth` receive
 * it as `ChannelCallContext.accessTokens`.
 */
export interface ChannelAccessTokens {
  /** Returns an access token valid for at least a minute, exchanging a new one when needed. */
  accessToken(): Promise<string>;
  /**
   * Drops `token` from the cache of every replica after the channel rejected it (revoked or
   * expired early), so the next `accessToken()` exchanges a new one.
   */
  invalidate(token: string): Promise<void>;
}

/** The result of one token exchange. */
export interface ExchangedToken {
  accessToken: string;
  /** Epoch milliseconds at which the channel stops accepting the access token. */
  expiresAt: number;
  /** The refresh token in the response, when the channel returned one. */
  refreshToken?: string;
}

/**
 * The channel rejected the stored grant (`invalid_grant`, or HTTP 401 from the token endpoint).
 * Retrying cannot help: the merchant must reconnect, so the connection is marked
 * `reconnect_needed` and every later call fails with this error until they do.
 */
export class ChannelReconnectNeededError extends ChannelHttpError {
  constructor(
    message: string,
    readonly connectionId: string,
    status?: number,
  ) {
    super(message, status);
    this.name = 'ChannelReconnectNeededError';
  }
}

/** Returns the call's token source, or throws when the context was built without the framework. */
export function requireAccessTokens(call: ChannelCallContext<unknown>): ChannelAccessTokens {
  if (!call.accessTokens) {
    throw new Error(
      `The call context of connection ${call.connection.connectionId} has no accessTokens; ` +
        "build it with ChannelCallFactory, which adds them for adapters that declare 'oauth'",
    );
  }

  return call.accessTokens;
}

/** Names the credential the grant spends, for messages ("refresh token", "client credentials"). */
export function grantLabel(grant: ChannelOAuthGrant<never>): string {
  return grant.grantType === 'refresh_token' ? 'refresh token' : 'client credentials';
}

/**
 * Sends one token request through the connection's HTTP client (so the channel's rate limit
 * applies) and reads the response. `refreshToken` is the stored refresh token for the
 * `refresh_token` grant. Throws `ChannelReconnectNeededError` when the channel rejects the grant
 * and `ChannelHttpError` for any other failure, which a later call may retry.
 */
export async function exchangeToken<Credentials>(
  call: ChannelCallContext<Credentials>,
  grant: ChannelOAuthGrant<Credentials>,
  displayName: string,
  refreshToken: string | undefined,
): Promise<ExchangedToken> {
  const { credentials, connectionId } = call.connection;
  const clientId = grant.clientId(credentials);
  const clientSecret = grant.clientSecret?.(credentials);
  const form = new URLSearchParams({ grant_type: grant.grantType });
  const headers: Record<string, string> = {
    ...grant.headers?.(),
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
  };

  if (grant.grantType === 'refresh_token') {
    if (!refreshToken) {
      throw new ChannelReconnectNeededError(
        `${displayName} connection ${connectionId} has no refresh token; ${grant.reconnectFix}`,
        connectionId,
      );
    }

    form.set('refresh_token', refreshToken);
  }

  if (grant.clientAuthentication === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${clientId}:${clientSecret ?? ''}`).toString('base64')}`;
  } else {
    form.set('client_id', clientId);

    if (clientSecret) {
      form.set('client_secret', clientSecret);
    }
  }

  for (const [name, value] of Object.entries(grant.extraForm?.(credentials) ?? {})) {
    form.set(name, value);
  }

  const requestedAt = call.now().getTime();
  const response = await call.http.request({
    method: 'POST',
    path: grant.tokenUrl(call),
    headers,
    body: form.toString(),
    ...(grant.bucket ? { bucket: grant.bucket } : {}),
  });

  if (isRejectedGrant(response)) {
    throw new ChannelReconnectNeededError(
      `${displayName} rejected the ${grantLabel(grant)} of connection ${connectionId} ` +
        `(HTTP ${response.status}: ${response.text.slice(0, 200)}); ${grant.reconnectFix}`,
      connectionId,
      response.status,
    );
  }

  if (response.status < 200 || response.status >= 300) {
    throw new ChannelHttpError(
      `${displayName} token endpoint returned HTTP ${response.status} for connection ` +
        `${connectionId}: ${response.text.slice(0, 200)}`,
      response.status,
    );
  }

  const body = response.json as
    { access_token?: unknown; expires_in?: unknown; refresh_token?: unknown } | undefined;

  if (typeof body?.access_token !== 'string' || body.access_token === '') {
    throw new ChannelHttpError(
      `${displayName} token endpoint returned no access_token for connection ${connectionId}`,
      response.status,
    );
  }

  const expiresIn = Number(body.expires_in);
  const lifetimeSeconds =
    Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : grant.defaultExpiresInSeconds;

  return {
    accessToken: body.access_token,
    expiresAt: requestedAt + lifetimeSeconds * 1000,
    ...(typeof body.refresh_token === 'string' && body.refresh_token !== ''
      ? { refreshToken: body.refresh_token }
      : {}),
  };
}

/**
 * True for a response that rejects the grant itself: RFC 6749 section 5.2 `invalid_grant`
 * (revoked, expired or already used refresh token), or HTTP 401 (client credentials rejected).
 */
function isRejectedGrant(response: ChannelHttpResponse): boolean {
  if (response.status === 401) {
    return true;
  }

  const error = (response.json as { error?: unknown } | undefined)?.error;

  return (
    response.status === 400 && (error === 'invalid_grant' || /invalid_grant/.test(response.text))
  );
}
