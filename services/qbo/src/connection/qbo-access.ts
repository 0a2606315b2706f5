import { Injectable } from '@nestjs/common';

import { QboFaultError } from '../api/qbo-api.errors';
import { type QboConnection, QboConnectionRepository } from './qbo-connection.repository';
import { QboReconnectNeededError, QboTokenService } from './qbo-token.service';

/** Fails a call for an account without a usable QuickBooks Online connection. */
export class QboNotConnectedError extends Error {
  constructor(readonly accountId: string) {
    super(`Account ${accountId} has no connected QuickBooks Online company; connect it first`);
    this.name = 'QboNotConnectedError';
  }
}

/**
 * Runs API calls for an account with a valid access token: refreshed before it expires, and once
 * more when QuickBooks rejects a token that looked valid with 401. Used by the background work
 * (lists, change data capture) that has no posting session.
 */
@Injectable()
export class QboAccess {
  constructor(
    private readonly connections: QboConnectionRepository,
    private readonly tokens: QboTokenService,
  ) {}

  async withConnection<T>(
    accountId: string,
    call: (connection: QboConnection) => Promise<T>,
  ): Promise<T> {
    const stored = await this.connections.findByAccountId(accountId);

    if (!stored || stored.status === 'disconnected') {
      throw new QboNotConnectedError(accountId);
    }

    if (stored.status === 'reconnect_needed') {
      throw new QboReconnectNeededError(accountId);
    }

    const connection = await this.tokens.getFreshConnection(stored);

    try {
      return await call(connection);
    } catch (error) {
      if (!(error instanceof QboFaultError) || error.httpStatus !== 401) {
        throw error;
      }

      return call(await this.tokens.refresh(accountId));
    }
  }
}
