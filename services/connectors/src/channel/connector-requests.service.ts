import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import {
  type ChannelConnectionPutReply,
  channelConnectionPutSchema,
  channelConnectionRefSchema,
  connectorWorkSubject,
  type ConnectionTestResultReply,
  type OrdersUploadReply,
  ordersUploadSchema,
  parseMessage,
  type ResyncReply,
  resyncRequestSchema,
} from '@qbsync/contracts';
import { AppLogger, JetStreamService } from '@qbsync/platform';
import { type z } from 'zod';

import { type ChannelAdapter, type ChannelConnection, ChannelHttpError } from './channel-adapter';
import { ChannelCallFactory } from './channel-call.factory';
import { ChannelConnectionRepository } from './channel-connection.repository';
import { ChannelCursorRepository } from './channel-cursor.repository';
import { CHANNEL_ADAPTER } from './channel.tokens';
import { type ConnectorJob, splitIntoDays } from './connector-work';
import { ConnectorWorker } from './connector.worker';
import { pollKinds } from './poll.scheduler';

const DAY_MS = 24 * 60 * 60 * 1000;

/** A request that cannot succeed as sent; the gateway returns it as a 400 with the message. */
export class InvalidConnectorRequestError extends Error {
  override readonly name = 'InvalidConnectorRequestError';
}

/** A connection the request names that this channel does not hold. */
export class ConnectionNotFoundError extends Error {
  override readonly name = 'ConnectionNotFoundError';
}

/**
 * The connector's request/reply operations: connect (store, test, backfill), test, re-sync and
 * orders upload. `ConnectorRequestServer` serves them over NATS to the gateway.
 */
@Injectable()
export class ConnectorRequestsService {
  private readonly logger: AppLogger;

  constructor(
    @Inject(CHANNEL_ADAPTER) private readonly adapter: ChannelAdapter,
    private readonly connections: ChannelConnectionRepository,
    private readonly cursors: ChannelCursorRepository,
    private readonly calls: ChannelCallFactory,
    private readonly jetStream: JetStreamService,
    private readonly worker: ConnectorWorker,
    logger: AppLogger,
  ) {
    this.logger = logger.child(ConnectorRequestsService.name);
  }

  /** Stores the connection, tests it, starts its poll cursors and queues the history backfill. */
  async putConnection(payload: unknown): Promise<ChannelConnectionPutReply> {
    const request = parseConnectorRequest(channelConnectionPutSchema, payload);

    if (request.channel !== this.adapter.channel) {
      throw new InvalidConnectorRequestError(
        `channel: this connector serves ${this.adapter.channel}, not ${request.channel}`,
      );
    }

    const connection = await this.connections.store({
      accountId: request.accountId,
      connectionId: request.connectionId,
      credentials: request.credentials,
      settings: request.settings,
    });
    const test = await this.test(connection);
    let backfillWindows = 0;

    if (this.adapter.canCallApi?.(connection.credentials) ?? true) {
      const now = new Date();

      for (const kind of pollKinds(this.adapter)) {
        await this.cursors.initialise(connection.connectionId, kind, now.toISOString());
      }

      backfillWindows = await this.queueWindows(
        connection,
        new Date(now.getTime() - request.backfillDays * DAY_MS),
        now,
        'backfill',
        `backfill`,
      );
    }

    this.logger.info(`${this.adapter.displayName} connection stored`, {
      accountId: connection.accountId,
      connectionId: connection.connectionId,
      testOk: test.ok,
      backfillWindows,
    });

    return {
      connectionId: connection.connectionId,
      channel: this.adapter.channel,
      webhookPath: this.webhookPathOf(connection),
      test,
      backfillWindows,
    };
  }

  async testConnection(payload: unknown): Promise<ConnectionTestResultReply> {
    const request = parseConnectorRequest(channelConnectionRefSchema, payload);

    return this.test(await this.requireConnection(request));
  }

  /** Queues a date range in day windows, or reads the named orders at once and publishes them. */
  async resync(payload: unknown): Promise<ResyncReply> {
    const request = parseConnectorRequest(resyncRequestSchema, payload);
    const connection = await this.requireConnection(request);

    if (!(this.adapter.canCallApi?.(connection.credentials) ?? true)) {
      throw new InvalidConnectorRequestError(
        `${this.adapter.displayName} connection ${connection.connectionId} cannot be re-synced: ${
          this.adapter.noApiAccessHelp ??
          'it has no API access (webhooks only); add the API credentials to re-sync'
        }`,
      );
    }

    if (request.from && request.to) {
      const windows = await this.queueWindows(
        connection,
        new Date(request.from),
        new Date(request.to),
        'resync',
        `resync:${randomUUID()}`,
      );

      return { connectionId: connection.connectionId, windows, orders: [] };
    }

    return {
      connectionId: connection.connectionId,
      windows: 0,
      orders: await this.resyncOrderNumbers(connection, request.orderNumbers ?? []),
    };
  }

  /** Validates an uploaded orders file and queues its orders only when no row has an error. */
  async uploadOrders(payload: unknown): Promise<OrdersUploadReply> {
    const request = parseConnectorRequest(ordersUploadSchema, payload);
    const connection = await this.requireConnection(request);

    if (!this.adapter.parseUpload) {
      throw new InvalidConnectorRequestError(
        `${this.adapter.displayName} connections take no order uploads; upload to a custom store connection`,
      );
    }

    const parsed = this.adapter.parseUpload(request.csv, {
      connection,
      receivedAt: new Date().toISOString(),
    });
    const batchId = randomUUID();
    const orders = parsed.events.filter((event) => event.kind === 'order').length;
    const queued = parsed.errors.length === 0 && !request.dryRun && parsed.events.length > 0;

    if (queued) {
      await this.worker.publishPage(connection, parsed.events, {
        published: 0,
        duplicates: 0,
        rejected: 0,
        pages: 0,
      });
    }

    this.logger.info('Orders upload checked', {
      connectionId: connection.connectionId,
      batchId,
      rows: parsed.rows,
      orders,
      errors: parsed.errors.length,
      queued,
    });

    return { batchId, rows: parsed.rows, orders, errors: parsed.errors, queued };
  }

  private async resyncOrderNumbers(
    connection: ChannelConnection,
    orderNumbers: string[],
  ): Promise<ResyncReply['orders']> {
    if (!this.adapter.fetchOrdersByNumber) {
      throw new InvalidConnectorRequestError(
        `${this.adapter.displayName} cannot look orders up by number; re-sync a date range instead`,
      );
    }

    const lookups = await this.adapter.fetchOrdersByNumber(
      this.calls.create(connection),
      orderNumbers,
    );
    const outcomes: ResyncReply['orders'] = [];

    for (const lookup of lookups) {
      const rejected = lookup.events.find((event) => event.kind === 'rejected');

      await this.worker.publishPage(connection, lookup.events, {
        published: 0,
        duplicates: 0,
        rejected: 0,
        pages: 0,
      });

      if (lookup.events.length === 0) {
        outcomes.push({
          orderNumber: lookup.orderNumber,
          status: 'not_found',
          message: `${this.adapter.displayName} has no order ${lookup.orderNumber}`,
        });
      } else if (rejected?.kind === 'rejected') {
        outcomes.push({
          orderNumber: lookup.orderNumber,
          status: 'rejected',
          message: rejected.reason,
        });
      } else {
        outcomes.push({ orderNumber: lookup.orderNumber, status: 'queued' });
      }
    }

    return outcomes;
  }

  private async queueWindows(
    connection: ChannelConnection,
    from: Date,
    to: Date,
    reason: 'backfill' | 'resync',
    idPrefix: string,
  ): Promise<number> {
    let queued = 0;

    for (const kind of pollKinds(this.adapter)) {
      for (const window of splitIntoDays(from, to)) {
        const job: ConnectorJob = {
          type: 'window',
          connectionId: connection.connectionId,
          kind,
          from: window.from,
          to: window.to,
          reason,
        };

        await this.jetStream.publish(connectorWorkSubject(this.adapter.channel), job, {
          messageId: `${connection.connectionId}:${idPrefix}:${kind}:${window.from}:${window.to}`,
        });
        queued += 1;
      }
    }

    return queued;
  }

  private async test(connection: ChannelConnection): Promise<ConnectionTestResultReply> {
    if (!(this.adapter.canCallApi?.(connection.credentials) ?? true)) {
      return {
        ok: true,
        checks: [
          {
            name: 'api access',
            ok: true,
            message:
              this.adapter.noApiAccessHelp ??
              'no API credentials: the connection receives webhooks only and is not polled',
          },
        ],
      };
    }

    try {
      return await this.adapter.testConnection(this.calls.create(connection));
    } catch (error) {
      const message =
        error instanceof ChannelHttpError
          ? `${this.adapter.displayName} could not be reached: ${error.message}`
          : `the connection test failed: ${(error as Error).message}`;

      this.logger.warn('Connection test failed', {
        connectionId: connection.connectionId,
        error: (error as Error).message,
      });

      return { ok: false, checks: [{ name: 'reachable', ok: false, message }] };
    }
  }

  /**
   * Returns the gateway path the channel sends the connection's webhooks to. It is one path per
   * channel when the adapter has a webhook key (such as the shop domain), else one per connection.
   */
  webhookPathOf(connection: ChannelConnection): string {
    return this.adapter.webhookKey?.(connection.credentials)
      ? `/webhooks/${this.adapter.channel}`
      : `/webhooks/${this.adapter.channel}/${connection.connectionId}`;
  }

  /**
   * Loads the connection a request names, with decrypted credentials. Throws
   * `ConnectionNotFoundError` when this channel has no such connection in the request's account.
   */
  async requireConnection(request: {
    accountId: string;
    connectionId: string;
  }): Promise<ChannelConnection> {
    const connection = await this.connections.findById(request.connectionId, true);

    if (!connection || connection.accountId !== request.accountId) {
      throw new ConnectionNotFoundError(
        `${this.adapter.displayName} connection ${request.connectionId} not found in account ${request.accountId}`,
      );
    }

    return connection;
  }
}

/** Validates a request payload, throwing `InvalidConnectorRequestError` (a 400) when invalid. */
export function parseConnectorRequest<S extends z.ZodType>(
  schema: S,
  payload: unknown,
): z.infer<S> {
  const result = parseMessage(schema, payload);

  if (!result.ok) {
    throw new InvalidConnectorRequestError(result.error);
  }

  return result.value;
}
