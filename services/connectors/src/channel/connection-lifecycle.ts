import {
  type ChannelConnectionPutReply,
  type ConnectionDisconnectReply,
  connectionDisconnectSchema,
  connectionReauthorizeSchema,
  webhooksRegisterSchema,
  type WebhooksRegisterReply,
} from '@qbsync/contracts';
import { type AppLogger } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import { type ChannelAdapter, ChannelHttpError } from './channel-adapter';
import { type ChannelCallFactory } from './channel-call.factory';
import { type ChannelConnectionRepository } from './channel-connection.repository';
import {
  CHANNEL_CONNECTION_MODEL,
  type ChannelConnectionDocument,
  channelConnectionSchema,
} from './channel-connection.schema';
import {
  type ConnectorRequestsService,
  InvalidConnectorRequestError,
  parseConnectorRequest,
} from './connector-requests.service';

/**
 * The requests of an app install and uninstall: `connection-reauthorize` (new credentials for a
 * stored connection), `webhooks-register` (subscribing its webhooks) and `connection-disconnect`
 * (removing the webhooks and the stored credentials).
 */
export class ConnectionLifecycleRequests {
  private readonly model: Model<ChannelConnectionDocument>;

  constructor(
    private readonly adapter: ChannelAdapter,
    private readonly connections: ChannelConnectionRepository,
    private readonly calls: ChannelCallFactory,
    private readonly requests: ConnectorRequestsService,
    database: Connection,
    private readonly logger: AppLogger,
  ) {
    this.model =
      (database.models[CHANNEL_CONNECTION_MODEL] as Model<ChannelConnectionDocument> | undefined) ??
      database.model<ChannelConnectionDocument>(CHANNEL_CONNECTION_MODEL, channelConnectionSchema);
  }

  /**
   * Stores new credentials over the stored ones and keeps the connection's settings and poll
   * cursors, so installing an app again changes no setting and reads no history again.
   */
  async reauthorize(payload: unknown): Promise<ChannelConnectionPutReply> {
    const request = parseConnectorRequest(connectionReauthorizeSchema, payload);
    const existing = await this.requests.requireConnection(request);
    const connection = await this.connections.store({
      accountId: existing.accountId,
      connectionId: existing.connectionId,
      credentials: { ...(existing.credentials as Record<string, unknown>), ...request.credentials },
      settings: existing.settings,
    });
    const test = await this.requests.testConnection({
      accountId: connection.accountId,
      connectionId: connection.connectionId,
    });

    this.logger.info(`${this.adapter.displayName} connection reauthorized`, {
      accountId: connection.accountId,
      connectionId: connection.connectionId,
      testOk: test.ok,
    });

    return {
      connectionId: connection.connectionId,
      channel: this.adapter.channel,
      webhookPath: this.requests.webhookPathOf(connection),
      test,
      backfillWindows: 0,
    };
  }

  async register(payload: unknown): Promise<WebhooksRegisterReply> {
    const request = parseConnectorRequest(webhooksRegisterSchema, payload);
    const connection = await this.requests.requireConnection(request);

    if (!this.adapter.registerWebhooks) {
      throw new InvalidConnectorRequestError(
        `${this.adapter.displayName} webhooks are set up in the channel's own settings; register ${request.address} there`,
      );
    }

    const result = await this.adapter.registerWebhooks(this.calls.create(connection), {
      address: request.address,
      ...(request.uninstallAddress ? { uninstallAddress: request.uninstallAddress } : {}),
    });

    this.logger.info(`${this.adapter.displayName} webhooks registered`, {
      accountId: connection.accountId,
      connectionId: connection.connectionId,
      topics: result.webhooks.map((webhook) => webhook.topic),
      failedTopics: result.errors.map((error) => error.topic),
    });

    return { connectionId: connection.connectionId, ...result };
  }

  /**
   * Deletes the webhooks while the token still works, then the connection document, so the poll
   * scheduler and webhook intake no longer find it. A webhook deletion that fails (the merchant
   * already uninstalled the app and the token is revoked) is reported and does not stop the
   * disconnect.
   */
  async disconnect(payload: unknown): Promise<ConnectionDisconnectReply> {
    const request = parseConnectorRequest(connectionDisconnectSchema, payload);
    const connection = await this.requests.requireConnection(request);
    let webhooksDeleted = 0;
    let webhookError: string | undefined;

    if (request.deleteWebhooks && this.adapter.deleteWebhooks) {
      try {
        webhooksDeleted = await this.adapter.deleteWebhooks(this.calls.create(connection));
      } catch (error) {
        if (!(error instanceof ChannelHttpError)) {
          throw error;
        }

        webhookError = `${this.adapter.displayName} webhooks were not deleted: ${error.message}`;
        this.logger.warn('Webhook deletion failed on disconnect', {
          connectionId: connection.connectionId,
          error: error.message,
        });
      }
    }

    await this.model
      .deleteOne({ _id: connection.connectionId, channel: this.adapter.channel })
      .exec();
    // NOTE: each replica's repository keeps a decrypted copy for up to 30 seconds, so webhooks
    // of this connection may still be accepted for that long after the deletion.
    this.logger.info(`${this.adapter.displayName} connection disconnected`, {
      accountId: connection.accountId,
      connectionId: connection.connectionId,
      webhooksDeleted,
    });

    return {
      connectionId: connection.connectionId,
      webhooksDeleted,
      ...(webhookError ? { webhookError } : {}),
    };
  }
}
