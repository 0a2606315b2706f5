import { Controller } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import {
  parseMessage,
  qboConnectionAuthorizeSchema,
  qboConnectionDisconnectSchema,
  qboConnectionGetSchema,
  type QboConnectionStatus,
  Subjects,
} from '@qbsync/contracts';
import { AppLogger } from '@qbsync/platform';

import { CompanyListsService } from '../lists/company-lists.service';
import { type QboConnection, QboConnectionRepository } from './qbo-connection.repository';
import { QboTokenService } from './qbo-token.service';

/** Connects QuickBooks Online companies on the gateway's request; tokens never leave this service. */
@Controller()
export class QboConnectionHandler {
  private readonly logger: AppLogger;

  constructor(
    private readonly connections: QboConnectionRepository,
    private readonly tokens: QboTokenService,
    private readonly lists: CompanyListsService,
    logger: AppLogger,
  ) {
    this.logger = logger.child(QboConnectionHandler.name);
  }

  @MessagePattern(Subjects.QboConnectionAuthorize)
  async authorize(@Payload() payload: unknown): Promise<QboConnectionStatus> {
    const parsed = parseMessage(qboConnectionAuthorizeSchema, payload);

    if (!parsed.ok) {
      throw new RpcException({ code: 'invalid_request', message: parsed.error });
    }

    const request = parsed.value;
    let tokens;

    try {
      tokens = await this.tokens.exchangeCode(request.code, request.redirectUri);
    } catch (error) {
      this.logger.warn('QuickBooks authorisation code exchange failed', {
        accountId: request.accountId,
        realmId: request.realmId,
        reason: (error as Error).message,
      });
      throw new RpcException({
        code: 'authorization_failed',
        message: 'QuickBooks did not accept the authorisation code; start the connection again',
      });
    }

    const connection = { ...request, ...tokens, missingItemAction: request.missingItemAction };

    await this.connections.upsert(connection);
    this.logger.info('QuickBooks Online company connected', {
      accountId: request.accountId,
      realmId: request.realmId,
    });
    await this.loadLists(request.accountId, request.realmId);

    return toStatus({ ...connection, status: 'connected' });
  }

  @MessagePattern(Subjects.QboConnectionGet)
  async get(@Payload() payload: unknown): Promise<QboConnectionStatus | null> {
    const parsed = parseMessage(qboConnectionGetSchema, payload);

    if (!parsed.ok) {
      throw new RpcException({ code: 'invalid_request', message: parsed.error });
    }

    const connection = await this.connections.findByAccountId(parsed.value.accountId);

    return connection ? toStatus(connection) : null;
  }

  /** Revokes the company's tokens at Intuit and erases them; the connection's settings stay. */
  @MessagePattern(Subjects.QboConnectionDisconnect)
  async disconnect(@Payload() payload: unknown): Promise<QboConnectionStatus | null> {
    const parsed = parseMessage(qboConnectionDisconnectSchema, payload);

    if (!parsed.ok) {
      throw new RpcException({ code: 'invalid_request', message: parsed.error });
    }

    const connection = await this.tokens.disconnect(parsed.value.accountId);

    if (connection) {
      this.logger.info('QuickBooks Online company disconnected', {
        accountId: connection.accountId,
        realmId: connection.realmId,
      });
    }

    return connection ? toStatus(connection) : null;
  }

  /**
   * Loads the company's lists, which also proves the new tokens work. A failure is logged and does
   * not undo the connection: the lists load again on first use and on schedule.
   */
  private async loadLists(accountId: string, realmId: string): Promise<void> {
    try {
      await this.lists.reload(accountId, 'connected');
    } catch (error) {
      this.logger.warn('Connected, but the QuickBooks company lists did not load', {
        accountId,
        realmId,
        reason: (error as Error).message,
      });
    }
  }
}

function toStatus(connection: QboConnection): QboConnectionStatus {
  return {
    accountId: connection.accountId,
    connectionId: connection.connectionId,
    realmId: connection.realmId,
    status: connection.status,
    accessTokenExpiresAt: connection.accessTokenExpiresAt.toISOString(),
  };
}
