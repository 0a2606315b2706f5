import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { connectorWorkConsumer } from '@qbsync/contracts';
import {
  APP_CONFIG,
  AppLogger,
  type HandlerOutcome,
  JetStreamService,
  type MessageContext,
  MetricsService,
  NATS_CONNECTION,
  SyncEventPublisher,
} from '@qbsync/platform';
import { type NatsConnection } from 'nats';
import { type Counter } from 'prom-client';

import { type ConnectorsConfig } from '../connectors.config';

import {
  type ChannelAdapter,
  type ChannelCallContext,
  type ChannelConnection,
  type ChannelEvent,
  ChannelHttpError,
  ChannelPayloadError,
  type PollPage,
  type PollRequest,
} from './channel-adapter';
import { ChannelCallFactory } from './channel-call.factory';
import { ChannelConnectionRepository } from './channel-connection.repository';
import { ChannelCursorRepository, type PollKind } from './channel-cursor.repository';
import { ChannelEventPublisher, hashText, type PublishableEvent } from './channel-event.publisher';
import { CHANNEL_ADAPTER } from './channel.tokens';
import { type ConnectorJob, connectorJobSchema, type FetchJob } from './connector-work';
import { PullWorker } from './pull-worker';

/** Every poll reads this far behind the cursor, so records saved late by the channel are seen. */
export const POLL_OVERLAP_MS = 60 * 60 * 1000;
/** Stops a window whose channel keeps returning a next page, which would otherwise never end. */
const MAX_PAGES_PER_WINDOW = 10_000;
const POLL_PAGE_SIZE = 100;
/** Deliveries of an events job that retry a failed `enrich` before publishing without it. */
const ENRICH_ATTEMPTS = 3;
/**
 * Deliveries of a fetch job that retry a failed channel call before the sync log reports the
 * record as not read. The work consumer's retry delays are 0.5, 1, 2 and 4 seconds, so the last
 * attempt comes about 7.5 seconds after the first. The next poll still reads the record.
 */
const FETCH_ATTEMPTS = 5;

export interface WindowResult {
  published: number;
  duplicates: number;
  rejected: number;
  pages: number;
}

/**
 * Runs the connector's queued work: accepted webhooks (enrich, then publish), scheduled polls,
 * backfill and re-sync windows. All replicas of a channel consume one durable JetStream consumer,
 * so each job runs on one replica at a time, and a job of a replica that stopped mid-way is
 * redelivered to another. Records republished by a redelivered job are dropped by JetStream's
 * message-id check.
 */
@Injectable()
export class ConnectorWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: AppLogger;
  private readonly published: Counter<'channel' | 'kind' | 'duplicate'>;
  private worker?: PullWorker<typeof connectorJobSchema>;

  constructor(
    @Inject(CHANNEL_ADAPTER) private readonly adapter: ChannelAdapter,
    private readonly jetStream: JetStreamService,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(APP_CONFIG) private readonly config: ConnectorsConfig,
    private readonly connections: ChannelConnectionRepository,
    private readonly cursors: ChannelCursorRepository,
    private readonly calls: ChannelCallFactory,
    private readonly publisher: ChannelEventPublisher,
    private readonly syncEvents: SyncEventPublisher,
    metrics: MetricsService,
    logger: AppLogger,
  ) {
    this.logger = logger.child(ConnectorWorker.name);
    this.published = metrics.counter(
      'qbsync_connector_records_published_total',
      'Canonical records a connector published, by kind and whether JetStream dropped a duplicate',
      ['channel', 'kind', 'duplicate'],
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker = new PullWorker({
      nats: this.nats,
      jetStream: this.jetStream,
      consumer: connectorWorkConsumer(this.adapter.channel),
      schema: connectorJobSchema,
      concurrency: 4,
      handle: (job, context) => this.handle(job, context),
      logger: this.logger,
    });
    await this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.stop(this.config.SHUTDOWN_TIMEOUT_MS);
  }

  async handle(job: ConnectorJob, context: MessageContext): Promise<HandlerOutcome> {
    const connection = await this.connections.findById(job.connectionId);

    if (!connection) {
      this.logger.warn('Dropped work for a connection that no longer exists', {
        connectionId: job.connectionId,
        type: job.type,
      });

      return 'ack';
    }

    switch (job.type) {
      case 'events':
        return this.publishEvents(
          connection,
          job.events as unknown as PublishableEvent[],
          context.deliveryCount,
        );
      case 'fetch':
        return this.fetchAndPublish(connection, job, context.deliveryCount);
      case 'poll':
        await this.poll(connection, job.kind);

        return 'ack';
      case 'window':
        await this.readWindow(connection, job.kind, job.from, job.to, 'resync');

        return 'ack';
      case 'inventory':
        await this.reportInventory(connection, job.slot);

        return 'ack';
    }
  }

  /** Reads `[cursor - 1 hour, now)` and moves the cursor to now once every page is published. */
  async poll(connection: ChannelConnection, kind: PollKind): Promise<WindowResult> {
    const now = new Date();
    const cursor = await this.cursors.get(connection.connectionId, kind);
    const start = cursor
      ? new Date(Date.parse(cursor) - POLL_OVERLAP_MS)
      : new Date(
          now.getTime() - connection.settings.pollIntervalMinutes * 60_000 - POLL_OVERLAP_MS,
        );
    const result = await this.readWindow(
      connection,
      kind,
      start.toISOString(),
      now.toISOString(),
      'poll',
    );

    await this.cursors.advance(connection.connectionId, kind, now.toISOString());

    return result;
  }

  /** Reads the channel's inventory levels and publishes them as one `InventoryReported`. */
  async reportInventory(connection: ChannelConnection, slot: number): Promise<number> {
    if (!this.adapter.readInventory) {
      return 0;
    }

    const levels = await this.adapter.readInventory(this.calls.create(connection));

    await this.publishPage(connection, [{ kind: 'inventory', levels, revision: `hour-${slot}` }], {
      published: 0,
      duplicates: 0,
      rejected: 0,
      pages: 0,
    });
    this.logger.info('Reported inventory levels', {
      connectionId: connection.connectionId,
      levels: levels.length,
    });

    return levels.length;
  }

  /** Reads every page of one window and publishes what it finds. */
  async readWindow(
    connection: ChannelConnection,
    kind: PollKind,
    from: string,
    to: string,
    sourceKind: 'poll' | 'resync',
  ): Promise<WindowResult> {
    const call = this.calls.create(connection);
    const result: WindowResult = { published: 0, duplicates: 0, rejected: 0, pages: 0 };
    let page: string | undefined;

    do {
      const request: PollRequest = {
        modifiedSince: from,
        modifiedUntil: to,
        pageSize: POLL_PAGE_SIZE,
        receivedAt: new Date().toISOString(),
      };

      if (page !== undefined) {
        request.page = page;
      }

      const pageResult = await this.readPage(call, kind, request);

      result.pages += 1;
      await this.publishPage(connection, pageResult.events, result);
      page = pageResult.nextPage;
    } while (page !== undefined && result.pages < MAX_PAGES_PER_WINDOW);

    if (page !== undefined) {
      this.logger.warn('Stopped a poll window at the page limit', {
        connectionId: connection.connectionId,
        kind,
        from,
        to,
        pages: result.pages,
      });
    }

    this.logger.info('Read poll window', {
      connectionId: connection.connectionId,
      kind,
      from,
      to,
      sourceKind,
      ...result,
    });

    return result;
  }

  /** Publishes the events of one page; rejected records become sync events. */
  async publishPage(
    connection: ChannelConnection,
    events: readonly ChannelEvent[],
    result: WindowResult,
  ): Promise<void> {
    for (const event of events) {
      if (event.kind === 'ignored') {
        continue;
      }

      if (event.kind === 'fetch') {
        // An adapter returns `fetch` only from parseWebhook. A read that returned another fetch
        // could loop, so it is dropped.
        this.logger.warn('Dropped a fetch event outside a webhook', {
          connectionId: connection.connectionId,
          record: event.record,
          recordId: event.recordId,
        });
        continue;
      }

      if (event.kind === 'rejected') {
        result.rejected += 1;
        await this.publisher.reportRejected(connection, event);
        continue;
      }

      const outcome = await this.publisher.publish(event, connection);

      if (!outcome) {
        result.rejected += 1;
        continue;
      }

      this.published.inc({
        channel: this.adapter.channel,
        kind: event.kind,
        duplicate: String(outcome.duplicate),
      });

      if (outcome.duplicate) {
        result.duplicates += 1;
      } else {
        result.published += 1;
      }
    }
  }

  private readPage(
    call: ChannelCallContext,
    kind: PollKind,
    request: PollRequest,
  ): Promise<PollPage> {
    const method =
      kind === 'orders'
        ? this.adapter.pollOrders
        : kind === 'refunds'
          ? this.adapter.pollRefunds
          : this.adapter.pollPayouts;

    if (!method) {
      return Promise.resolve({ events: [] });
    }

    return method.call(this.adapter, call, request);
  }

  private async publishEvents(
    connection: ChannelConnection,
    events: PublishableEvent[],
    deliveryCount: number,
  ): Promise<HandlerOutcome> {
    const enriched: ChannelEvent[] = [];
    const canEnrich =
      this.adapter.enrich !== undefined &&
      (this.adapter.canCallApi?.(connection.credentials) ?? true);

    for (const event of events) {
      if (!canEnrich || !this.adapter.enrich) {
        enriched.push(event);
        continue;
      }

      try {
        enriched.push(await this.adapter.enrich(event, this.calls.create(connection)));
      } catch (error) {
        if (!(error instanceof ChannelHttpError)) {
          throw error;
        }

        if (deliveryCount < ENRICH_ATTEMPTS) {
          this.logger.warn('Channel call before publishing failed; retrying', {
            connectionId: connection.connectionId,
            error: error.message,
            deliveryCount,
          });

          return 'retry';
        }

        // The webhook was accepted, so the record is published with what the webhook carried
        // rather than lost, and the sync log names what is missing.
        enriched.push(event);
        await this.reportEnrichFailure(connection, event, error);
      }
    }

    await this.publishPage(connection, enriched, {
      published: 0,
      duplicates: 0,
      rejected: 0,
      pages: 0,
    });

    return 'ack';
  }

  /**
   * Reads the record a webhook named by id only and publishes its events. A channel error is
   * retried on later deliveries. A record the channel does not have, a 4xx response other than
   * 408 and 429, or the last failed attempt becomes a sync event naming the connection, the order
   * and the reason.
   */
  async fetchAndPublish(
    connection: ChannelConnection,
    job: FetchJob,
    deliveryCount: number,
  ): Promise<HandlerOutcome> {
    if (!this.adapter.fetchRecord) {
      await this.reportFetchFailure(
        connection,
        job,
        `the ${this.adapter.channel} adapter cannot read single records`,
      );

      return 'ack';
    }

    let events: ChannelEvent[];

    try {
      events = await this.adapter.fetchRecord(this.calls.create(connection), {
        record: job.record,
        recordId: job.recordId,
        receivedAt: job.receivedAt,
        ...(job.channelOrderId ? { channelOrderId: job.channelOrderId } : {}),
        ...(job.topic ? { topic: job.topic } : {}),
      });
    } catch (error) {
      if (error instanceof ChannelPayloadError) {
        await this.reportFetchFailure(connection, job, error.message);

        return 'ack';
      }

      if (!(error instanceof ChannelHttpError)) {
        throw error;
      }

      if (deliveryCount < FETCH_ATTEMPTS && isRetryable(error)) {
        this.logger.warn('Reading a record named by a webhook failed; retrying', {
          connectionId: connection.connectionId,
          record: job.record,
          recordId: job.recordId,
          error: error.message,
          deliveryCount,
        });

        return 'retry';
      }

      await this.reportFetchFailure(
        connection,
        job,
        `reading it failed after ${deliveryCount} attempt(s): ${error.message}`,
      );

      return 'ack';
    }

    if (events.length === 0) {
      await this.reportFetchFailure(
        connection,
        job,
        `${this.adapter.displayName} has no ${job.record === 'refund' ? 'order or refund' : 'order'} ${job.recordId}`,
      );

      return 'ack';
    }

    const result: WindowResult = { published: 0, duplicates: 0, rejected: 0, pages: 0 };

    await this.publishPage(connection, events, result);
    this.logger.info('Read a record named by a webhook', {
      connectionId: connection.connectionId,
      record: job.record,
      recordId: job.recordId,
      topic: job.topic,
      published: result.published,
      duplicates: result.duplicates,
      rejected: result.rejected,
    });

    return 'ack';
  }

  private async reportFetchFailure(
    connection: ChannelConnection,
    job: FetchJob,
    reason: string,
  ): Promise<void> {
    const orderId = job.channelOrderId ?? (job.record === 'order' ? job.recordId : undefined);

    this.logger.warn('Could not read a record named by a webhook', {
      connectionId: connection.connectionId,
      record: job.record,
      recordId: job.recordId,
      reason,
    });
    await this.syncEvents.publish({
      eventId: `${connection.connectionId}:${job.record}:${job.recordId}:fetch-failed:${hashText(reason)}`,
      accountId: connection.accountId,
      connectionId: connection.connectionId,
      channel: this.adapter.channel,
      ...(orderId ? { channelOrderId: orderId } : {}),
      stage: 'connector',
      status: 'failed',
      message: `${this.adapter.displayName} connection ${connection.connectionId}: ${job.record} ${job.recordId} named by a ${job.topic ?? 'webhook'} webhook was not read (${reason})`,
      fix: 'Check the connection with the connection test, then re-sync the order by number; the next poll also reads it if it exists',
    });
  }

  private async reportEnrichFailure(
    connection: ChannelConnection,
    event: PublishableEvent,
    error: ChannelHttpError,
  ): Promise<void> {
    const channelOrderId =
      event.kind === 'order'
        ? event.order.channelOrderId
        : event.kind === 'refund'
          ? event.refund.channelOrderId
          : undefined;

    await this.syncEvents.publish({
      eventId: `${connection.connectionId}:${channelOrderId ?? event.revision}:${event.revision}:enrich-failed`,
      accountId: connection.accountId,
      connectionId: connection.connectionId,
      channel: this.adapter.channel,
      channelOrderId,
      stage: 'connector',
      status: 'received',
      message: `${this.adapter.displayName} connection ${connection.connectionId}: accepted without the details read from the API (${error.message})`,
      fix: 'Check the connection with the connection test; the next poll reads the full record',
    });
  }
}

/** True for network errors, 408, 429 and 5xx; other 4xx responses repeat on every attempt. */
function isRetryable(error: ChannelHttpError): boolean {
  return (
    error.status === undefined ||
    error.status === 408 ||
    error.status === 429 ||
    error.status >= 500
  );
}
