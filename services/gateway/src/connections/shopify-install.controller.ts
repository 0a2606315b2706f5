import { randomBytes, randomUUID } from 'node:crypto';

import {
  BadRequestException,
  BadGatewayException,
  Body,
  Controller,
  ForbiddenException,
  Get,
  Headers,
  HttpCode,
  HttpException,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  type RawBodyRequest,
  Req,
  Res,
  ServiceUnavailableException,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import {
  type ChannelConnectionPutReply,
  connectionSettingsSchema,
  type WebhooksRegisterReply,
} from '@qbsync/contracts';
import { APP_CONFIG, AppLogger, parseRequest } from '@qbsync/platform';
import { type Request, type Response } from 'express';
import { z } from 'zod';

import { AccountRepository } from '../accounts/account.repository';
import { type ConnectionDocument } from '../accounts/account.schema';
import { ApiTokenGuard } from '../auth/api-token.guard';
import { type GatewayConfig } from '../gateway.config';
import { ChannelDisconnector } from './channel-disconnector';
import { ConnectorClient } from './connector.client';
import {
  ShopifyInstallRepository,
  type ShopifyInstallStateDocument,
} from './shopify-install.repository';
import { renderShopifyConnectedPage } from './shopify-install.page';
import {
  exchangeShopifyCode,
  isValidShopifyQueryHmac,
  isValidShopifyWebhookHmac,
  missingShopifyScopes,
  SHOP_DOMAIN_PATTERN,
  SHOPIFY_REQUIRED_SCOPES,
  ShopifyTokenExchangeError,
} from './shopify-oauth';

const INSTALL_STATE_MINUTES = 15;
const TOKEN_EXCHANGE_TIMEOUT_MS = 30_000;
/** Registering the webhooks takes up to six Admin API calls within Shopify's rate limit. */
const WEBHOOK_REQUEST_MS = 60_000;

export const SHOPIFY_CALLBACK_PATH = '/oauth/shopify/callback';
export const SHOPIFY_UNINSTALLED_PATH = '/oauth/shopify/app-uninstalled';
const INSTALL_ROUTE = 'POST /api/accounts/:accountId/connections/shopify/install';

const shopDomainSchema = z
  .string({ error: 'is missing: send the shop domain, such as my-shop.myshopify.com' })
  .trim()
  .toLowerCase()
  .regex(
    SHOP_DOMAIN_PATTERN,
    "must be the shop's myshopify.com domain, such as my-shop.myshopify.com (find it in the Shopify admin under Settings > Domains)",
  );

const installBodySchema = z.object({
  shop: shopDomainSchema,
  settings: connectionSettingsSchema.partial().optional(),
  backfillDays: z.number().int().min(0).max(3650).optional(),
});

/** Returns a string schema that reports `message` both for an absent and for an empty parameter. */
function requiredParameter(message: string): z.ZodString {
  return z.string({ error: message }).min(1, message);
}

/** Parameters of Shopify's redirect after approval. Others are kept, because the hmac covers them. */
const callbackSchema = z.looseObject({
  code: requiredParameter('is missing: Shopify sends it after the merchant approves the app'),
  hmac: requiredParameter('is missing: Shopify signs every redirect to the app'),
  shop: shopDomainSchema,
  state: requiredParameter(`is missing: start the install again with ${INSTALL_ROUTE}`),
  timestamp: requiredParameter('is missing: Shopify sends it with every redirect'),
});

interface ShopifyApp {
  clientId: string;
  clientSecret: string;
}

/** Result of a finished install, as JSON or as the page a browser shows. */
export interface ShopifyInstallResult {
  accountId: string;
  connectionId: string;
  shopDomain: string;
  status: 'connected';
  storeName?: string;
  scopes: string[];
  test: ChannelConnectionPutReply['test'];
  webhooks: WebhooksRegisterReply['webhooks'];
  webhookErrors: WebhooksRegisterReply['errors'];
}

/**
 * Connects a Shopify shop through the app install (OAuth authorization-code grant). The start
 * route returns Shopify's authorize URL with a single-use `state`. The callback checks the `hmac`,
 * the state and the shop, exchanges the code for an access token, stores it through the Shopify
 * connector (encrypted at rest) and subscribes the webhooks. Shopify's `app/uninstalled` webhook
 * marks the connection disconnected.
 */
@Controller()
export class ShopifyInstallController {
  private readonly logger: AppLogger;

  constructor(
    private readonly accounts: AccountRepository,
    private readonly installs: ShopifyInstallRepository,
    private readonly connectors: ConnectorClient,
    private readonly disconnector: ChannelDisconnector,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child(ShopifyInstallController.name);

    if (config.SHOPIFY_CLIENT_ID && !config.SHOPIFY_CLIENT_SECRET) {
      throw new Error(
        'SHOPIFY_CLIENT_SECRET is missing: set it with SHOPIFY_CLIENT_ID (the Shopify app client secret)',
      );
    }
  }

  /** Starts the install: returns the shop's authorize URL, which the merchant opens to approve. */
  @Post('api/accounts/:accountId/connections/shopify/install')
  @UseGuards(ApiTokenGuard)
  async startInstall(
    @Param('accountId') accountId: string,
    @Body() body: unknown,
  ): Promise<{ authorizeUrl: string; connectionId: string; expiresAt: string }> {
    return this.createInstall(accountId, body ?? {});
  }

  /** Starts the install like the POST route and redirects the caller to the authorize URL. */
  @Get('api/accounts/:accountId/connections/shopify/install')
  @UseGuards(ApiTokenGuard)
  async redirectToInstall(
    @Param('accountId') accountId: string,
    @Query() query: Record<string, unknown>,
    @Res() response: Response,
  ): Promise<void> {
    const install = await this.createInstall(accountId, { shop: query.shop });

    response.redirect(302, install.authorizeUrl);
  }

  /** Shopify redirects the merchant here after approval. Every check runs before anything is stored. */
  @Get(SHOPIFY_CALLBACK_PATH.slice(1))
  async finishInstall(
    @Query() query: Record<string, unknown>,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ShopifyInstallResult | string> {
    const app = this.requireApp();
    const request = parseRequest(callbackSchema, query);
    const signed = stringParameters(query);

    if (!signed || !isValidShopifyQueryHmac(signed, app.clientSecret)) {
      this.logger.warn('Rejected Shopify callback with an invalid hmac', { shop: request.shop });
      throw new BadRequestException(
        'hmac does not match the query signed with SHOPIFY_CLIENT_SECRET: the request did not come from Shopify, or SHOPIFY_CLIENT_SECRET is not the client secret of the app whose client id is SHOPIFY_CLIENT_ID',
      );
    }

    const state = await this.installs.takeState(request.state);

    if (!state || state.expiresAt.getTime() < Date.now()) {
      this.logger.warn('Rejected Shopify callback with an unknown, used or expired state', {
        shop: request.shop,
      });
      throw new BadRequestException(
        `state is unknown, already used or expired (it is valid for ${INSTALL_STATE_MINUTES} minutes, once): start the install again with ${INSTALL_ROUTE}`,
      );
    }

    if (state.shopDomain !== request.shop) {
      throw new BadRequestException(
        `shop ${request.shop} is not the shop this install started for (${state.shopDomain}): start the install again with ${INSTALL_ROUTE} and the shop to connect`,
      );
    }

    const grant = await this.exchangeCode(app, request.shop, request.code);
    const missing = missingShopifyScopes(grant.scopes);

    if (missing.length > 0) {
      this.logger.warn('Shopify granted too few scopes', {
        accountId: state.accountId,
        shop: request.shop,
        granted: grant.scopes,
        missing,
      });
      throw new ForbiddenException(
        `Shopify granted ${request.shop} the scopes ${grant.scopes.join(', ') || '(none)'}, but qbsync also needs ${missing.join(', ')}: add them to the app's access scopes and install it again with ${INSTALL_ROUTE}`,
      );
    }

    const result = await this.connect(state, grant, app);

    if (accept?.includes('text/html')) {
      response.type('html');

      return renderShopifyConnectedPage(result);
    }

    return result;
  }

  /**
   * Shopify's `app/uninstalled` webhook: the merchant removed the app and the token is revoked,
   * so the shop's connections are marked disconnected and the connector drops the credentials.
   */
  @Post(SHOPIFY_UNINSTALLED_PATH.slice(1))
  @HttpCode(200)
  async appUninstalled(
    @Req() request: RawBodyRequest<Request>,
    @Headers('x-shopify-hmac-sha256') signature: string | undefined,
    @Headers('x-shopify-topic') topic: string | undefined,
    @Headers('x-shopify-shop-domain') shopHeader: string | undefined,
  ): Promise<{ status: 'disconnected' | 'ignored'; connectionIds: string[] }> {
    const app = this.requireApp();

    if (
      !request.rawBody ||
      !isValidShopifyWebhookHmac(request.rawBody, signature, app.clientSecret)
    ) {
      this.logger.warn('Rejected Shopify uninstall webhook with an invalid signature', {
        shop: shopHeader,
      });
      throw new UnauthorizedException(
        'X-Shopify-Hmac-Sha256 does not match the body signed with SHOPIFY_CLIENT_SECRET',
      );
    }

    const shopDomain = shopHeader?.trim().toLowerCase() ?? '';

    if (topic !== 'app/uninstalled' || !SHOP_DOMAIN_PATTERN.test(shopDomain)) {
      this.logger.warn('Ignored a Shopify webhook sent to the uninstall address', {
        topic,
        shop: shopHeader,
      });

      return { status: 'ignored', connectionIds: [] };
    }

    const connections = await this.installs.findConnectedShop(shopDomain);

    // The token is revoked already, so the connector only deletes the stored credentials.
    for (const connection of connections) {
      await this.disconnector.disconnect(connection, false);
    }

    this.logger.info('Shopify app uninstalled', {
      shop: shopDomain,
      connectionIds: connections.map((connection) => connection.connectionId),
    });

    return {
      status: 'disconnected',
      connectionIds: connections.map((connection) => connection.connectionId),
    };
  }

  private async createInstall(
    accountId: string,
    body: unknown,
  ): Promise<{ authorizeUrl: string; connectionId: string; expiresAt: string }> {
    const app = this.requireApp();
    const account = await this.accounts.findAccount(accountId);

    if (!account) {
      throw new NotFoundException(`account ${accountId} not found`);
    }

    const request = parseRequest(installBodySchema, body);
    const existing = await this.findShopConnection(accountId, request.shop);
    const connectionId = existing?.connectionId ?? randomUUID();
    const state = randomBytes(24).toString('base64url');
    const expiresAt = new Date(Date.now() + INSTALL_STATE_MINUTES * 60_000);

    await this.installs.saveState({
      state,
      accountId,
      connectionId,
      shopDomain: request.shop,
      ...(request.settings ? { settings: request.settings } : {}),
      ...(request.backfillDays !== undefined ? { backfillDays: request.backfillDays } : {}),
      expiresAt,
    });
    const url = new URL(`${this.shopOrigin(request.shop)}/admin/oauth/authorize`);

    url.searchParams.set('client_id', app.clientId);
    url.searchParams.set('scope', SHOPIFY_REQUIRED_SCOPES.join(','));
    url.searchParams.set(
      'redirect_uri',
      new URL(SHOPIFY_CALLBACK_PATH, this.config.PUBLIC_URL).toString(),
    );
    url.searchParams.set('state', state);
    this.logger.info('Shopify install started', { accountId, connectionId, shop: request.shop });

    return { authorizeUrl: url.toString(), connectionId, expiresAt: expiresAt.toISOString() };
  }

  private async exchangeCode(
    app: ShopifyApp,
    shopDomain: string,
    code: string,
  ): Promise<{ accessToken: string; scopes: string[] }> {
    try {
      return await exchangeShopifyCode({
        shopOrigin: this.shopOrigin(shopDomain),
        shopDomain,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        code,
        timeoutMs: TOKEN_EXCHANGE_TIMEOUT_MS,
      });
    } catch (error) {
      if (!(error instanceof ShopifyTokenExchangeError)) {
        throw error;
      }

      this.logger.warn('Shopify token exchange failed', { shop: shopDomain, error: error.message });
      throw new BadGatewayException(
        `${error.message}. The code may have expired or been used already, so start the install again with ${INSTALL_ROUTE}`,
      );
    }
  }

  /** Stores the token through the connector, subscribes the webhooks and records the connection. */
  private async connect(
    state: ShopifyInstallStateDocument,
    grant: { accessToken: string; scopes: string[] },
    app: ShopifyApp,
  ): Promise<ShopifyInstallResult> {
    const existing = await this.findShopConnection(state.accountId, state.shopDomain);
    const connectionId = existing?.connectionId ?? state.connectionId;
    // Shopify signs an installed app's webhooks with its client secret.
    const credentials = {
      shopDomain: state.shopDomain,
      accessToken: grant.accessToken,
      webhookSecret: app.clientSecret,
    };
    const put = await this.storeCredentials(state, connectionId, credentials, existing);
    const registration = await this.registerWebhooks(state.accountId, connectionId);
    const connection: ConnectionDocument = {
      connectionId,
      accountId: state.accountId,
      kind: 'shopify',
      status: 'connected',
      shopDomain: state.shopDomain,
      updatedAt: new Date(),
      ...(put.test.storeName ? { storeName: put.test.storeName } : {}),
    };

    await this.accounts.upsertConnection(connection);
    this.logger.info('Shopify shop connected by app install', {
      accountId: state.accountId,
      connectionId,
      shop: state.shopDomain,
      testOk: put.test.ok,
      webhooks: registration.webhooks.length,
      webhookErrors: registration.errors.length,
    });

    return {
      accountId: state.accountId,
      connectionId,
      shopDomain: state.shopDomain,
      status: 'connected',
      ...(put.test.storeName ? { storeName: put.test.storeName } : {}),
      scopes: grant.scopes,
      test: put.test,
      webhooks: registration.webhooks,
      webhookErrors: registration.errors,
    };
  }

  /**
   * Stores the credentials through the connector. A shop connected before keeps its settings and
   * poll cursors (`connection-reauthorize`) unless the install sent settings or backfill days. A
   * new or disconnected shop is connected as new (`connection-put`, which also backfills).
   */
  private async storeCredentials(
    state: ShopifyInstallStateDocument,
    connectionId: string,
    credentials: Record<string, string>,
    existing: ConnectionDocument | undefined,
  ): Promise<ChannelConnectionPutReply> {
    const replacesSettings = state.settings !== undefined || state.backfillDays !== undefined;

    if (existing && existing.status !== 'disconnected' && !replacesSettings) {
      try {
        return await this.connectors.request<ChannelConnectionPutReply>(
          'shopify',
          'connection-reauthorize',
          { accountId: state.accountId, connectionId, credentials },
        );
      } catch (error) {
        if (!(error instanceof NotFoundException)) {
          throw error;
        }

        this.logger.warn('Connector had no stored connection to reauthorize; connecting anew', {
          accountId: state.accountId,
          connectionId,
        });
      }
    }

    return this.connectors.request<ChannelConnectionPutReply>('shopify', 'connection-put', {
      accountId: state.accountId,
      connectionId,
      channel: 'shopify',
      credentials,
      ...(state.settings ? { settings: state.settings } : {}),
      ...(state.backfillDays !== undefined ? { backfillDays: state.backfillDays } : {}),
    });
  }

  /**
   * Subscribes the webhooks through the connector. A failure leaves the connection in place,
   * because polling still reads every order, and is returned as an error for the whole set.
   */
  private async registerWebhooks(
    accountId: string,
    connectionId: string,
  ): Promise<Pick<WebhooksRegisterReply, 'webhooks' | 'errors'>> {
    const address =
      this.config.SHOPIFY_WEBHOOK_URL ??
      new URL('/webhooks/shopify', this.config.PUBLIC_URL).toString();

    try {
      return await this.connectors.request<WebhooksRegisterReply>(
        'shopify',
        'webhooks-register',
        {
          accountId,
          connectionId,
          address,
          uninstallAddress: new URL(SHOPIFY_UNINSTALLED_PATH, this.config.PUBLIC_URL).toString(),
        },
        WEBHOOK_REQUEST_MS,
      );
    } catch (error) {
      if (!(error instanceof HttpException)) {
        throw error;
      }

      this.logger.warn('Shopify webhook registration failed', {
        connectionId,
        error: error.message,
      });

      return {
        webhooks: [],
        errors: [
          {
            topic: '*',
            message: `${error.message}; polling still reads orders, and installing again retries the webhooks`,
          },
        ],
      };
    }
  }

  private async findShopConnection(
    accountId: string,
    shopDomain: string,
  ): Promise<ConnectionDocument | undefined> {
    return (await this.accounts.listConnections(accountId)).find(
      (connection) => connection.kind === 'shopify' && connection.shopDomain === shopDomain,
    );
  }

  /** Returns the shop's origin from SHOPIFY_SHOP_URL, without a trailing slash. */
  private shopOrigin(shopDomain: string): string {
    return this.config.SHOPIFY_SHOP_URL.replace('{shop}', shopDomain).replace(/\/+$/, '');
  }

  private requireApp(): ShopifyApp {
    const clientId = this.config.SHOPIFY_CLIENT_ID;
    const clientSecret = this.config.SHOPIFY_CLIENT_SECRET;

    if (!clientId || !clientSecret) {
      throw new ServiceUnavailableException(
        'Shopify app install is not configured: set SHOPIFY_CLIENT_ID and SHOPIFY_CLIENT_SECRET on the gateway, or connect with an Admin API access token',
      );
    }

    return { clientId, clientSecret };
  }
}

/** Returns the query as strings, or undefined when a parameter is repeated or nested. */
function stringParameters(query: Record<string, unknown>): Record<string, string> | undefined {
  const parameters: Record<string, string> = {};

  for (const [name, value] of Object.entries(query)) {
    if (typeof value !== 'string') {
      return undefined;
    }

    parameters[name] = value;
  }

  return parameters;
}
