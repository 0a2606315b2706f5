import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Access scopes the product needs: orders and refunds, products and inventory levels for the
 * inventory comparison and push, and Shopify Payments payouts.
 */
export const SHOPIFY_REQUIRED_SCOPES = [
  'read_orders',
  'read_products',
  'read_inventory',
  'write_inventory',
  'read_shopify_payments_payouts',
] as const;

/** A shop's permanent domain, as Shopify's own libraries check it before any redirect. */
export const SHOP_DOMAIN_PATTERN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/**
 * Checks the `hmac` parameter of an OAuth redirect in constant time. Shopify signs every other
 * parameter except `signature`, sorted by name and form-encoded as `name=value&...` with spaces as
 * `%20`: the hex HMAC-SHA256 keyed with the app's client secret. This is `stringifyQueryForAdmin`
 * in Shopify's `@shopify/shopify-api` (lib/utils/hmac-validator.ts and processed-query.ts).
 */
export function isValidShopifyQueryHmac(
  query: Readonly<Record<string, string>>,
  clientSecret: string,
): boolean {
  const received = query.hmac ?? '';

  if (!/^[0-9a-f]{64}$/i.test(received)) {
    return false;
  }

  const message = new URLSearchParams(
    Object.keys(query)
      .filter((name) => name !== 'hmac' && name !== 'signature')
      .sort((left, right) => left.localeCompare(right))
      .map((name): [string, string] => [name, query[name]]),
  )
    .toString()
    .replace(/\+/g, '%20');
  const expected = createHmac('sha256', clientSecret).update(message).digest();

  return timingSafeEqual(expected, Buffer.from(received, 'hex'));
}

/** Checks `X-Shopify-Hmac-Sha256`: the base64 HMAC-SHA256 of the raw body, in constant time. */
export function isValidShopifyWebhookHmac(
  rawBody: Buffer,
  header: string | undefined,
  clientSecret: string,
): boolean {
  if (!header) {
    return false;
  }

  const expected = createHmac('sha256', clientSecret).update(rawBody).digest();
  const received = Buffer.from(header, 'base64');

  return received.length === expected.length && timingSafeEqual(received, expected);
}

/**
 * Returns the required scopes the grant lacks. A granted `write_` scope covers its `read_`
 * scope, because Shopify's token response leaves out a read scope implied by a granted write scope.
 */
export function missingShopifyScopes(granted: readonly string[]): string[] {
  const grantedSet = new Set(granted);

  return SHOPIFY_REQUIRED_SCOPES.filter(
    (scope) =>
      !grantedSet.has(scope) &&
      !(scope.startsWith('read_') && grantedSet.has(`write_${scope.slice('read_'.length)}`)),
  );
}

/** A token exchange that failed; the message names the shop, the reason and what to do. */
export class ShopifyTokenExchangeError extends Error {
  override readonly name = 'ShopifyTokenExchangeError';
}

export interface ShopifyAccessGrant {
  accessToken: string;
  scopes: string[];
}

/**
 * Exchanges an authorization code at `POST <shop origin>/admin/oauth/access_token` for an offline
 * access token and the scopes granted. Redirects are not followed, so the client secret goes only
 * to the shop's own origin.
 */
export async function exchangeShopifyCode(input: {
  shopOrigin: string;
  shopDomain: string;
  clientId: string;
  clientSecret: string;
  code: string;
  timeoutMs: number;
}): Promise<ShopifyAccessGrant> {
  let response: Response;

  try {
    response = await fetch(`${input.shopOrigin}/admin/oauth/access_token`, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(input.timeoutMs),
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({
        client_id: input.clientId,
        client_secret: input.clientSecret,
        code: input.code,
      }),
    });
  } catch (error) {
    throw new ShopifyTokenExchangeError(
      `Shopify did not respond to the token exchange of ${input.shopDomain} (${(error as Error).message}); check that the gateway can reach ${input.shopOrigin} over HTTPS (Helm: gateway.internetEgress)`,
      { cause: error },
    );
  }

  const text = await response.text();
  let body: {
    access_token?: unknown;
    scope?: unknown;
    error?: unknown;
    error_description?: unknown;
  };

  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    body = {};
  }

  if (!response.ok) {
    const detail = [body.error, body.error_description]
      .filter((part) => typeof part === 'string' && part)
      .join(': ');

    throw new ShopifyTokenExchangeError(
      `Shopify rejected the authorization code of ${input.shopDomain} with HTTP ${response.status}` +
        (detail ? ` (${detail})` : ''),
    );
  }

  if (typeof body.access_token !== 'string' || !body.access_token) {
    throw new ShopifyTokenExchangeError(
      `Shopify's token response for ${input.shopDomain} has no access_token`,
    );
  }

  return {
    accessToken: body.access_token,
    scopes:
      typeof body.scope === 'string' ? body.scope.split(',').map((scope) => scope.trim()) : [],
  };
}
