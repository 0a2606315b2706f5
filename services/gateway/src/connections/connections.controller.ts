import { randomBytes, randomUUID } from 'node:crypto';

import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Inject,
  NotFoundException,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { type QboConnectionStatus, Subjects } from '@qbsync/contracts';
import { APP_CONFIG, AppLogger, parseRequest } from '@qbsync/platform';
import { z } from 'zod';

import { AccountRepository } from '../accounts/account.repository';
import { type ConnectionDocument } from '../accounts/account.schema';
import { ApiTokenGuard } from '../auth/api-token.guard';
import { type GatewayConfig } from '../gateway.config';
import { RpcClient } from '../rpc/rpc.client';

const OAUTH_STATE_MINUTES = 15;
const QBO_SCOPE = 'com.intuit.quickbooks.accounting';

export const QBO_CALLBACK_PATH = '/oauth/quickbooks-online/callback';
const START_ROUTE = 'POST /api/accounts/:accountId/connections/quickbooks-online';

const shopifyConnectSchema = z.object({
  shopDomain: z.string().trim().toLowerCase(),
  webhookSecret: z.string(),
  accessToken: z.string().optional(),
});

const qboConnectSchema = z.object({
  missingItemAction: z.enum(['create', 'fail']).default('create'),
});

/** Returns a string schema that reports `message` both for an absent and for an empty parameter. */
function requiredParameter(message: string): z.ZodString {
  return z.string({ error: message }).min(1, message);
}

const callbackSchema = z.object({
  code: requiredParameter('is missing: QuickBooks sends it after the user approves'),
  state: requiredParameter(`is missing: start the connection again with ${START_ROUTE}`),
  realmId: requiredParameter(
    'is missing: QuickBooks sends the company id after the user approves',
  ).regex(/^\d+$/, 'must be the numeric QuickBooks company id'),
});

@Controller()
export class ConnectionsController {
  private readonly logger: AppLogger;

  constructor(
    private readonly accounts: AccountRepository,
    private readonly rpc: RpcClient,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child(ConnectionsController.name);
  }

  @Get('api/accounts/:accountId/connections')
  @UseGuards(ApiTokenGuard)
  async list(@Param('accountId') accountId: string): Promise<ConnectionDocument[]> {
    await this.requireAccount(accountId);

    return this.accounts.listConnections(accountId);
  }

  @Post('api/accounts/:accountId/connections/shopify')
  @UseGuards(ApiTokenGuard)
  async connectShopify(
    @Param('accountId') accountId: string,
    @Body() body: unknown,
  ): Promise<ConnectionDocument> {
    await this.requireAccount(accountId);
    const request = parseRequest(shopifyConnectSchema, body);
    const connectionId = randomUUID();

    await this.rpc.send(Subjects.ShopifyConnectionPut, { accountId, connectionId, ...request });
    const connection: ConnectionDocument = {
      connectionId,
      accountId,
      kind: 'shopify',
      status: 'connected',
      shopDomain: request.shopDomain,
      updatedAt: new Date(),
    };

    await this.accounts.upsertConnection(connection);
    this.logger.info('Shopify shop connected', {
      accountId,
      connectionId,
      shopDomain: request.shopDomain,
    });

    return connection;
  }

  /** Starts the QuickBooks Online OAuth flow: returns the URL the user opens to approve access. */
  @Post('api/accounts/:accountId/connections/quickbooks-online')
  @UseGuards(ApiTokenGuard)
  async startQuickBooksOnline(
    @Param('accountId') accountId: string,
    @Body() body: unknown,
  ): Promise<{ authorizeUrl: string; connectionId: string }> {
    await this.requireAccount(accountId);
    const request = parseRequest(qboConnectSchema, body ?? {});
    const state = randomBytes(24).toString('base64url');
    const connectionId = randomUUID();

    await this.accounts.saveOAuthState({
      state,
      accountId,
      connectionId,
      missingItemAction: request.missingItemAction,
      expiresAt: new Date(Date.now() + OAUTH_STATE_MINUTES * 60_000),
    });
    const url = new URL(this.config.QBO_AUTHORIZE_URL);

    url.searchParams.set('client_id', this.config.QBO_CLIENT_ID);
    url.searchParams.set('redirect_uri', this.redirectUri());
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('scope', QBO_SCOPE);
    url.searchParams.set('state', state);

    return { authorizeUrl: url.toString(), connectionId };
  }

  /** QuickBooks redirects the user here; the state value proves the flow started here. */
  @Get(QBO_CALLBACK_PATH.slice(1))
  async finishQuickBooksOnline(@Query() query: unknown): Promise<QboConnectionStatus> {
    this.rejectDeclinedAuthorization(query);
    const request = parseRequest(callbackSchema, query);
    const state = await this.accounts.takeOAuthState(request.state);

    if (!state || state.expiresAt.getTime() < Date.now()) {
      this.logger.warn('Rejected QuickBooks callback with an unknown or expired state', {
        realmId: request.realmId,
      });
      throw new BadRequestException(
        `state is unknown or expired: start the QuickBooks connection again with ${START_ROUTE}`,
      );
    }

    const status = await this.rpc.send<QboConnectionStatus>(Subjects.QboConnectionAuthorize, {
      accountId: state.accountId,
      connectionId: state.connectionId,
      code: request.code,
      realmId: request.realmId,
      redirectUri: this.redirectUri(),
      missingItemAction: state.missingItemAction,
    });

    await this.accounts.upsertConnection({
      connectionId: state.connectionId,
      accountId: state.accountId,
      kind: 'qbo',
      status: 'connected',
      realmId: request.realmId,
      updatedAt: new Date(),
    });

    return status;
  }

  /** QuickBooks redirects with `error` (access_denied when the user clicks Cancel) and no code. */
  private rejectDeclinedAuthorization(query: unknown): void {
    const error = (query as { error?: unknown } | undefined)?.error;

    if (typeof error === 'string' && error) {
      this.logger.warn('QuickBooks authorization was not granted', { error });
      throw new BadRequestException(
        `QuickBooks did not grant access (${error}); start the connection again with ${START_ROUTE} and approve it`,
      );
    }
  }

  private redirectUri(): string {
    return new URL(QBO_CALLBACK_PATH, this.config.PUBLIC_URL).toString();
  }

  private async requireAccount(accountId: string): Promise<void> {
    if (!(await this.accounts.findAccount(accountId))) {
      throw new NotFoundException(`account ${accountId} not found`);
    }
  }
}
