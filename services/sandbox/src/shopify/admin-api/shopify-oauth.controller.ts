import { randomBytes } from 'node:crypto';

import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { type Response } from 'express';

import { assertLocalTarget, TargetNotAllowedError } from '../webhook-replayer';
import { type AuthorizationGrant, ShopifyAppStore, signShopifyQuery } from './shopify-app.store';
import { ShopifyShopStore } from './shopify-shop.store';

type QueryParams = Record<string, string | undefined>;

/**
 * A stand-in for Shopify's OAuth authorization-code grant. Each shop's host
 * (`https://my-shop.myshopify.com`) is served as the path prefix `/my-shop.myshopify.com`, so one
 * sandbox serves every shop. The merchant approves at once: `authorize` redirects to the app's
 * callback with `code`, `hmac`, `host`, `shop`, `state` and `timestamp`, as Shopify does.
 */
@Controller()
export class ShopifyOAuthController {
  constructor(
    private readonly apps: ShopifyAppStore,
    private readonly shops: ShopifyShopStore,
  ) {}

  /**
   * Grants the requested scopes that the shop allows (all by default, or the `scopes` it was
   * created with), so a test can make the merchant grant less than the app requested.
   */
  @Get(':shopDomain/admin/oauth/authorize')
  authorize(
    @Param('shopDomain') shopDomain: string,
    @Query() query: QueryParams,
    @Res() response: Response,
  ): void {
    const app = this.apps.find(query.client_id);

    if (!app) {
      throw oauthError(
        HttpStatus.BAD_REQUEST,
        'invalid_request',
        `client_id ${query.client_id ?? '(missing)'} is not a registered app; register it with POST /__sandbox/shopify/apps`,
      );
    }

    const shop = this.shops.findByDomain(shopDomain);

    if (!shop) {
      throw oauthError(
        HttpStatus.NOT_FOUND,
        'shop_not_found',
        `shop ${shopDomain} not found; create it with POST /__sandbox/shopify/shops`,
      );
    }

    const callback = this.requireRedirectUri(query.redirect_uri, app.redirectUrls);
    const requested = (query.scope ?? '')
      .split(',')
      .map((scope) => scope.trim())
      .filter(Boolean);
    const grant = this.apps.issueCode(
      app.clientId,
      shop.shopDomain,
      requested.filter((scope) => shop.scopes.includes(scope)),
    );
    const parameters: Record<string, string> = {
      code: grant.code,
      host: Buffer.from(`admin.shopify.com/store/${shop.name}`)
        .toString('base64')
        .replace(/=+$/, ''),
      shop: shop.shopDomain,
      timestamp: String(Math.floor(Date.now() / 1000)),
      ...(query.state === undefined ? {} : { state: query.state }),
    };

    for (const [name, value] of Object.entries(parameters)) {
      callback.searchParams.set(name, value);
    }

    callback.searchParams.set('hmac', signShopifyQuery(parameters, app.clientSecret));
    response.redirect(302, callback.toString());
  }

  @Post(':shopDomain/admin/oauth/access_token')
  @HttpCode(200)
  exchangeForShop(
    @Param('shopDomain') shopDomain: string,
    @Body() body: unknown,
  ): { access_token: string; scope: string } {
    return this.exchange(body, shopDomain);
  }

  /**
   * Exchanges an authorization code for an offline access token. The reply's `scope` leaves out
   * a `read_` scope whose `write_` scope was granted, because Shopify's reply does the same.
   */
  private exchange(body: unknown, shopDomain: string): { access_token: string; scope: string } {
    const request = (body ?? {}) as QueryParams;
    const app = this.apps.find(request.client_id);

    if (!app || app.clientSecret !== request.client_secret) {
      throw oauthError(
        HttpStatus.BAD_REQUEST,
        'invalid_client',
        'client_id or client_secret is invalid',
      );
    }

    const grant: AuthorizationGrant | undefined = request.code
      ? this.apps.takeCode(request.code)
      : undefined;

    if (!grant || grant.clientId !== app.clientId || grant.shopDomain !== shopDomain) {
      throw oauthError(
        HttpStatus.BAD_REQUEST,
        'invalid_request',
        'The authorization code was not found or was already used',
      );
    }

    const shop = this.shops.findByDomain(grant.shopDomain);

    if (!shop) {
      throw oauthError(
        HttpStatus.NOT_FOUND,
        'shop_not_found',
        `shop ${shopDomain} not found; create it with POST /__sandbox/shopify/shops`,
      );
    }

    const accessToken = `shpat_${randomBytes(16).toString('hex')}`;

    this.shops.issueToken(shop, accessToken, grant.scopes);
    shop.installedClientId = app.clientId;

    return {
      access_token: accessToken,
      scope: grant.scopes
        .filter(
          (scope) =>
            !(scope.startsWith('read_') && grant.scopes.includes(`write_${scope.slice(5)}`)),
        )
        .join(','),
    };
  }

  private requireRedirectUri(redirectUri: string | undefined, allowed: string[]): URL {
    if (!redirectUri) {
      throw oauthError(HttpStatus.BAD_REQUEST, 'invalid_request', 'redirect_uri is missing');
    }

    if (allowed.length > 0 && !allowed.includes(redirectUri)) {
      throw oauthError(
        HttpStatus.BAD_REQUEST,
        'invalid_request',
        `redirect_uri ${redirectUri} is not an allowed redirection URL of the app`,
      );
    }

    try {
      return assertLocalTarget(redirectUri);
    } catch (error) {
      if (error instanceof TargetNotAllowedError) {
        throw oauthError(HttpStatus.BAD_REQUEST, 'invalid_request', error.message);
      }

      throw error;
    }
  }
}

function oauthError(status: HttpStatus, error: string, description: string): HttpException {
  return new HttpException({ error, error_description: description }, status);
}
