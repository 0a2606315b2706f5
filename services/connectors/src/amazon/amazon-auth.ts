import { type ChannelCallContext } from '../channel/channel-adapter';
import { type ChannelOAuthGrant } from '../channel/channel-oauth-grant';
import { type AmazonCredentials, SP_API_ENDPOINTS } from './amazon.credentials';

/** Login with Amazon's token endpoint, for every SP-API region. */
export const LWA_TOKEN_URL = 'https://api.amazon.com/auth/o2/token';

/**
 * Returns the token endpoint: the `lwaTokenUrl` credential when set, else the LWA path below an
 * overridden base URL (the sandbox serves both), else Amazon's own endpoint.
 */
export function lwaTokenUrl(call: ChannelCallContext<AmazonCredentials>): string {
  const { credentials } = call.connection;

  if (credentials.lwaTokenUrl) {
    return credentials.lwaTokenUrl;
  }

  const baseUrl = call.baseUrl.replace(/\/+$/, '');

  return baseUrl === SP_API_ENDPOINTS[credentials.region]
    ? LWA_TOKEN_URL
    : `${baseUrl}/auth/o2/token`;
}

/**
 * Login with Amazon's refresh token grant, with the app's LWA client id and secret as form
 * fields. LWA returns the same refresh token it was given; access tokens last an hour. Token
 * requests use the `lwa` limiter bucket.
 */
export const amazonOAuthGrant: ChannelOAuthGrant<AmazonCredentials> = {
  grantType: 'refresh_token',
  tokenUrl: lwaTokenUrl,
  clientAuthentication: 'form',
  clientId: (credentials) => credentials.clientId,
  clientSecret: (credentials) => credentials.clientSecret,
  refreshTokenField: 'refreshToken',
  defaultExpiresInSeconds: 3600,
  bucket: 'lwa',
  reconnectFix: 'authorise the app again in Seller Central',
};
