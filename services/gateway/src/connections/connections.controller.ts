import { randomBytes, randomUUID } from 'node:crypto';

import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  PayloadTooLargeException,
  Post,
  Query,
  Req,
  UseGuards,
} from '@nestjs/common';
import {
  type Channel,
  type ChannelConnectionPutReply,
  CHANNELS,
  connectionSettingsSchema,
  type ConnectionTestResultReply,
  type OrdersUploadReply,
  type QbdConnectionStatus,
  type QboConnectionStatus,
  type ResyncReply,
  Subjects,
} from '@qbsync/contracts';
import { APP_CONFIG, AppLogger, parseRequest } from '@qbsync/platform';
import { type Request } from 'express';
import { z } from 'zod';

import { AccountRepository } from '../accounts/account.repository';
import { type ConnectionDocument } from '../accounts/account.schema';
import { ApiTokenGuard } from '../auth/api-token.guard';
import { type GatewayConfig } from '../gateway.config';
import { RpcClient } from '../rpc/rpc.client';
import { ChannelDisconnector } from './channel-disconnector';
import { ConnectorClient } from './connector.client';

const OAUTH_STATE_MINUTES = 15;
const QBO_SCOPE = 'com.intuit.quickbooks.accounting';

export const QBO_CALLBACK_PATH = '/oauth/quickbooks-online/callback';
const START_ROUTE = 'POST /api/accounts/:accountId/connections/quickbooks-online';

/** Time limit of connector requests that call the channel (test, re-sync by order number). */
const LONG_REQUEST_MS = 60_000;
/** NATS carries at most 1 MiB per message by default, so an upload stays below it. */
const MAX_CSV_BYTES = 900 * 1024;

/** The channel's credentials are checked by the connector; settings are common to all channels. */
const channelConnectSchema = z.looseObject({
  settings: connectionSettingsSchema.partial().optional(),
  backfillDays: z.number().int().min(0).max(3650).optional(),
});

const resyncBodySchema = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  orderNumbers: z.array(z.string().trim().min(1)).min(1).max(250).optional(),
});

const csvUploadSchema = z.object({
  csv: z.string().min(1, 'is empty: send the CSV text, or POST it with Content-Type: text/csv'),
  dryRun: z.boolean().default(false),
});

function parseChannel(name: string): Channel {
  if (!(CHANNELS as readonly string[]).includes(name)) {
    throw new NotFoundException(
      `${name} is not a channel; use one of ${CHANNELS.join(', ')} or quickbooks-online`,
    );
  }

  return name as Channel;
}

/** Reads a text body that no body parser consumed, refusing more than `limit` bytes. */
async function readText(request: Request, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;

  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;

    if (size > limit) {
      throw new PayloadTooLargeException(
        `the CSV is over ${limit} bytes; split it into several uploads`,
      );
    }

    chunks.push(chunk);
  }

  return Buffer.concat(chunks).toString('utf8');
}

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
    private readonly connectors: ConnectorClient,
    private readonly disconnector: ChannelDisconnector,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child(ConnectionsController.name);
  }

  @Get('api/accounts/:accountId/connections')
  @UseGuards(ApiTokenGuard)
  async list(@Param('accountId') accountId: string): Promise<ConnectionDocument[]> {
    await this.requireAccount(accountId);
    const connections = await this.accounts.listConnections(accountId);

    return Promise.all(connections.map((connection) => this.withDesktopStatus(connection)));
  }

  /**
   * Marks a pending QuickBooks Desktop pairing connected once the Web Connector has run, which only
   * the qbd service records. When qbd does not reply, the stored status is listed.
   */
  private async withDesktopStatus(connection: ConnectionDocument): Promise<ConnectionDocument> {
    if (connection.kind !== 'qbd' || connection.status !== 'pending') {
      return connection;
    }

    try {
      const status = await this.rpc.send<QbdConnectionStatus>(Subjects.QbdConnectionStatusGet, {
        accountId: connection.accountId,
      });

      if (!status.lastSessionAt) {
        return connection;
      }

      const connected: ConnectionDocument = {
        ...connection,
        status: 'connected',
        updatedAt: new Date(),
      };

      await this.accounts.upsertConnection(connected);

      return connected;
    } catch (error) {
      this.logger.warn('QuickBooks Desktop status not read; listing the stored status', {
        accountId: connection.accountId,
        connectionId: connection.connectionId,
        reason: error instanceof Error ? error.message : String(error),
      });

      return connection;
    }
  }

  /** Starts the QuickBooks Online OAuth flow: returns the URL the user opens to approve access. */
  @Post('api/accounts/:accountId/connections/quickbooks-online')
  @UseGuards(ApiTokenGuard)
  async startQuickBooksOnline(
    @Param('accountId') accountId: string,
    @Body() body: unknown,
  ): Promise<{ authorizeUrl: string; connectionId: string }> {
    const account = await this.accounts.findAccount(accountId);

    if (!account) {
      throw new NotFoundException(`account ${accountId} not found`);
    }

    if (account.target === 'qbd') {
      throw new BadRequestException(
        `account ${accountId} posts to QuickBooks Desktop; connecting QuickBooks Online needs an account created with target qbo`,
      );
    }

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

  /**
   * Connects a channel store: the connector validates and encrypts the credentials, tests them
   * and starts the history backfill. The body is the channel's credentials (Shopify:
   * `shopDomain`, `webhookSecret`, `accessToken`), optionally with `settings` and `backfillDays`.
   * Declared after the QuickBooks route so that `quickbooks-online` is not read as a channel.
   */
  @Post('api/accounts/:accountId/connections/:channel')
  @UseGuards(ApiTokenGuard)
  async connectChannel(
    @Param('accountId') accountId: string,
    @Param('channel') channelName: string,
    @Body() body: unknown,
  ): Promise<
    ConnectionDocument & { test: ChannelConnectionPutReply['test']; webhookPath: string }
  > {
    await this.requireAccount(accountId);
    const channel = parseChannel(channelName);
    const { settings, backfillDays, ...credentials } = parseRequest(
      channelConnectSchema,
      body ?? {},
    );
    const connectionId = randomUUID();
    const reply = await this.connectors.request<ChannelConnectionPutReply>(
      channel,
      'connection-put',
      {
        accountId,
        connectionId,
        channel,
        credentials,
        ...(settings ? { settings } : {}),
        ...(backfillDays !== undefined ? { backfillDays } : {}),
      },
    );
    const connection: ConnectionDocument = {
      connectionId,
      accountId,
      kind: channel,
      status: 'connected',
      updatedAt: new Date(),
    };

    if (typeof credentials.shopDomain === 'string') {
      connection.shopDomain = credentials.shopDomain.trim().toLowerCase();
    }

    if (reply.test.storeName) {
      connection.storeName = reply.test.storeName;
    }

    await this.accounts.upsertConnection(connection);
    this.logger.info('Channel connected', {
      accountId,
      connectionId,
      channel,
      testOk: reply.test.ok,
      backfillWindows: reply.backfillWindows,
    });

    return { ...connection, test: reply.test, webhookPath: reply.webhookPath };
  }

  /**
   * Disconnects a channel connection: the connector deletes the webhooks it registered where the
   * channel still accepts the token, and the stored credentials, so polling stops.
   */
  @Delete('api/accounts/:accountId/connections/:connectionId')
  @UseGuards(ApiTokenGuard)
  async disconnect(
    @Param('accountId') accountId: string,
    @Param('connectionId') connectionId: string,
  ): Promise<ConnectionDocument & { webhooksDeleted: number; webhookError?: string }> {
    await this.requireAccount(accountId);
    const connection = (await this.accounts.listConnections(accountId)).find(
      (candidate) => candidate.connectionId === connectionId,
    );

    if (!connection) {
      throw new NotFoundException(`connection ${connectionId} not found in account ${accountId}`);
    }

    const reply = await this.disconnector.disconnect(connection, true);

    this.logger.info('Channel disconnected', {
      accountId,
      connectionId,
      channel: connection.kind,
      webhooksDeleted: reply.webhooksDeleted,
    });

    return { ...connection, status: 'disconnected', updatedAt: new Date(), ...reply };
  }

  /** Calls the channel with the stored credentials and lists each check with what is wrong. */
  @Post('api/accounts/:accountId/connections/:connectionId/test')
  @UseGuards(ApiTokenGuard)
  async testConnection(
    @Param('accountId') accountId: string,
    @Param('connectionId') connectionId: string,
  ): Promise<ConnectionTestResultReply> {
    const channel = await this.requireChannelConnection(accountId, connectionId);

    return this.connectors.request(
      channel,
      'connection-test',
      { accountId, connectionId },
      LONG_REQUEST_MS,
    );
  }

  /**
   * Re-reads orders from the channel: `{from, to}` (ISO 8601, any length, read in day windows)
   * or `{orderNumbers: [...]}` with one outcome per order.
   */
  @Post('api/accounts/:accountId/connections/:connectionId/resync')
  @UseGuards(ApiTokenGuard)
  async resync(
    @Param('accountId') accountId: string,
    @Param('connectionId') connectionId: string,
    @Body() body: unknown,
  ): Promise<ResyncReply> {
    const channel = await this.requireChannelConnection(accountId, connectionId);
    const request = parseRequest(resyncBodySchema, body ?? {});

    return this.connectors.request(
      channel,
      'resync',
      { accountId, connectionId, ...request },
      LONG_REQUEST_MS,
    );
  }

  /**
   * Uploads a custom store orders CSV (text/csv body, or JSON `{csv, dryRun}`). The reply lists
   * every error by row and column; orders are queued only when there is none.
   */
  @Post('api/accounts/:accountId/connections/:connectionId/orders.csv')
  @UseGuards(ApiTokenGuard)
  @HttpCode(200)
  async uploadOrders(
    @Param('accountId') accountId: string,
    @Param('connectionId') connectionId: string,
    @Query('dryRun') dryRunQuery: string | undefined,
    @Req() request: Request,
    @Body() body: unknown,
  ): Promise<OrdersUploadReply> {
    const channel = await this.requireChannelConnection(accountId, connectionId);
    const upload = request.is('text/csv')
      ? { csv: await readText(request, MAX_CSV_BYTES), dryRun: dryRunQuery === 'true' }
      : parseRequest(csvUploadSchema, body ?? {});

    return this.connectors.request(
      channel,
      'orders-upload',
      { accountId, connectionId, ...upload },
      LONG_REQUEST_MS,
    );
  }

  private async requireChannelConnection(
    accountId: string,
    connectionId: string,
  ): Promise<Channel> {
    await this.requireAccount(accountId);
    const connection = (await this.accounts.listConnections(accountId)).find(
      (candidate) => candidate.connectionId === connectionId,
    );

    if (!connection || connection.kind === 'qbo' || connection.kind === 'qbd') {
      throw new NotFoundException(
        `channel connection ${connectionId} not found in account ${accountId}`,
      );
    }

    if (connection.status === 'disconnected') {
      throw new ConflictException(
        `channel connection ${connectionId} is disconnected; connect the store again first`,
      );
    }

    return connection.kind;
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
