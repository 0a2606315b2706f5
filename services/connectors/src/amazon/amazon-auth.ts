import { ChannelHttpError, type ChannelCallContext } from '../channel/channel-adapter';
import { expectJson } from '../channel-support';
import { type AmazonCredentials } from './amazon.credentials';

/** Login with Amazon's token endpoint, for every SP-API region. */
export const LWA_TOKEN_URL = 'https://api.amazon.com/auth/o2/token';
/** Access tokens are renewed this long before `expires_in` ends, so no call carries a stale one. */
const RENEW_BEFORE_MS = 60_000;

const tokens = new Map<string, { token: string; expiresAt: number }>();

/**
 * Returns the token endpoint: the `lwaTokenUrl` credential when set, else the LWA path below an
 * overridden base URL (the sandbox serves both), else Amazon's own endpoint.
 */
export function lwaTokenUrl(
  call: ChannelCallContext<AmazonCredentials>,
  defaultBaseUrl: string,
): string {
  if (call.connection.credentials.lwaTokenUrl) {
    return call.connection.credentials.lwaTokenUrl;
  }

  return call.baseUrl.replace(/\/+$/, '') === defaultBaseUrl
    ? LWA_TOKEN_URL
    : `${call.baseUrl.replace(/\/+$/, '')}/auth/o2/token`;
}

/**
 * Returns an SP-API access token for the connection, exchanging the LWA refresh token when the
 * cached one is missing or about to expire. Tokens live in this process only; the refresh token
 * does not change when it is used, so nothing has to be stored back.
 */
export async function amazonAccessToken(
  call: ChannelCallContext<AmazonCredentials>,
  defaultBaseUrl: string,
): Promise<string> {
  const cached = tokens.get(call.connection.connectionId);
  const now = call.now().getTime();

  if (cached && cached.expiresAt - RENEW_BEFORE_MS > now) {
    return cached.token;
  }

  const { credentials } = call.connection;
  const response = await call.http.request({
    method: 'POST',
    path: lwaTokenUrl(call, defaultBaseUrl),
    headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: credentials.refreshToken,
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    }).toString(),
    bucket: 'lwa',
  });

  if (response.status === 400 || response.status === 401) {
    throw new ChannelHttpError(
      `Login with Amazon rejected the refresh token (HTTP ${response.status}: ` +
        `${response.text.slice(0, 200)}); authorise the app again in Seller Central`,
      response.status,
    );
  }

  const body = expectJson(response, 'Exchanging the LWA refresh token') as {
    access_token?: string;
    expires_in?: number;
  };

  if (!body.access_token) {
    throw new ChannelHttpError('Login with Amazon returned no access_token', response.status);
  }

  tokens.set(call.connection.connectionId, {
    token: body.access_token,
    expiresAt: now + (body.expires_in ?? 3600) * 1000,
  });

  return body.access_token;
}

/** Drops the cached token after the SP-API returned 403 Unauthorized for it. */
export function forgetAmazonToken(connectionId: string): void {
  tokens.delete(connectionId);
}
