import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { type ConnectionDisconnectReply } from '@qbsync/contracts';

import { AccountRepository } from '../accounts/account.repository';
import { type ConnectionDocument } from '../accounts/account.schema';
import { ConnectorClient } from './connector.client';

/** Deleting webhooks takes one Admin API call each, within the channel's rate limit. */
const DISCONNECT_REQUEST_MS = 60_000;

/** Disconnects channel connections, for the disconnect route and the Shopify uninstall webhook. */
@Injectable()
export class ChannelDisconnector {
  constructor(
    private readonly accounts: AccountRepository,
    private readonly connectors: ConnectorClient,
  ) {}

  /**
   * Asks the connector to delete the webhooks (when `deleteWebhooks` is set and the token still
   * works) and the stored credentials, then marks the gateway's connection disconnected. A
   * connector that has no such connection any more counts as disconnected.
   */
  async disconnect(
    connection: ConnectionDocument,
    deleteWebhooks: boolean,
  ): Promise<Omit<ConnectionDisconnectReply, 'connectionId'>> {
    if (connection.kind === 'qbo' || connection.kind === 'qbd') {
      throw new BadRequestException(
        `connection ${connection.connectionId} is a QuickBooks connection; only channel connections can be disconnected here`,
      );
    }

    let reply: Omit<ConnectionDisconnectReply, 'connectionId'> = { webhooksDeleted: 0 };

    try {
      const value = await this.connectors.request<ConnectionDisconnectReply>(
        connection.kind,
        'connection-disconnect',
        { accountId: connection.accountId, connectionId: connection.connectionId, deleteWebhooks },
        DISCONNECT_REQUEST_MS,
      );

      reply = {
        webhooksDeleted: value.webhooksDeleted,
        ...(value.webhookError ? { webhookError: value.webhookError } : {}),
      };
    } catch (error) {
      if (!(error instanceof NotFoundException)) {
        throw error;
      }
    }

    await this.accounts.upsertConnection({
      ...connection,
      status: 'disconnected',
      updatedAt: new Date(),
    });

    return reply;
  }
}
