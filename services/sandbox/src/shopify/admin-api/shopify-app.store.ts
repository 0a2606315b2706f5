import { createHmac, randomBytes } from 'node:crypto';

import { Injectable } from '@nestjs/common';

/** A Shopify app as its Partner Dashboard configuration defines it. */
export interface SandboxApp {
  clientId: string;
  clientSecret: string;
  /** Allowed redirection URLs. An empty list allows any loopback callback. */
  redirectUrls: string[];
}

/** An authorization code handed to the app's callback, exchanged once for an access token. */
export interface AuthorizationGrant {
  code: string;
  clientId: string;
  shopDomain: string;
  scopes: string[];
  expiresAt: number;
}

/** How long an authorization code can be exchanged, an estimate because Shopify documents none. */
const CODE_LIFETIME_MS = 10 * 60_000;

/** The sandbox's registered Shopify apps and the authorization codes issued to them, in memory. */
@Injectable()
export class ShopifyAppStore {
  private readonly apps = new Map<string, SandboxApp>();
  private readonly grants = new Map<string, AuthorizationGrant>();

  register(app: SandboxApp): SandboxApp {
    this.apps.set(app.clientId, app);

    return app;
  }

  find(clientId: string | undefined): SandboxApp | undefined {
    return clientId ? this.apps.get(clientId) : undefined;
  }

  issueCode(clientId: string, shopDomain: string, scopes: string[]): AuthorizationGrant {
    const grant: AuthorizationGrant = {
      code: randomBytes(16).toString('hex'),
      clientId,
      shopDomain,
      scopes,
      expiresAt: Date.now() + CODE_LIFETIME_MS,
    };

    this.grants.set(grant.code, grant);

    return grant;
  }

  /** Removes and returns the grant of `code`, so a code works once. Unknown or expired: undefined. */
  takeCode(code: string): AuthorizationGrant | undefined {
    const grant = this.grants.get(code);

    this.grants.delete(code);

    return grant && grant.expiresAt > Date.now() ? grant : undefined;
  }
}

/**
 * Computes the `hmac` query parameter Shopify adds to an OAuth redirect: the hex HMAC-SHA256,
 * keyed with the app's client secret, of the other parameters sorted by name and form-encoded as
 * `name=value&...` with spaces as `%20`, as `@shopify/shopify-api` checks it.
 */
export function signShopifyQuery(
  parameters: Readonly<Record<string, string>>,
  clientSecret: string,
): string {
  const message = new URLSearchParams(
    Object.keys(parameters)
      .filter((name) => name !== 'hmac' && name !== 'signature')
      .sort((left, right) => left.localeCompare(right))
      .map((name): [string, string] => [name, parameters[name]]),
  )
    .toString()
    .replace(/\+/g, '%20');

  return createHmac('sha256', clientSecret).update(message).digest('hex');
}
