import { createHash } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { connectorWorkSubject } from '@qbsync/contracts';
import {
  APP_CONFIG,
  AppLogger,
  JetStreamService,
  MetricsService,
  SyncEventPublisher,
} from '@qbsync/platform';
import { type Counter } from 'prom-client';

import { type ConnectorsConfig } from '../connectors.config';
import {
  type ChannelAdapter,
  type ChannelConnection,
  type ChannelEvent,
  ChannelPayloadError,
  type WebhookDelivery,
  type WebhookIdentity,
} from './channel-adapter';
import { ChannelConnectionRepository } from './channel-connection.repository';
import { ChannelEventPublisher, hashText, type PublishableEvent } from './channel-event.publisher';
import { CHANNEL_ADAPTER } from './channel.tokens';
import { WebhookBatchRepository } from './webhook-batch.repository';
import { type ConnectorJob, type FetchJob } from './connector-work';

type FetchEvent = Extract<ChannelEvent, { kind: 'fetch' }>;

export interface RejectedRecord {
  orderId?: string;
  orderNumber?: string;
  reason: string;
}

export type WebhookOutcome =
  | {
      status: 'accepted';
      /** The order id when the delivery carried one order, as Shopify's do. */
      orderId?: string;
      /** The JetStream message id of the stored work; the same for a redelivery. */
      batchId: string;
      accepted: number;
      /** True when JetStream already held this exact work (a redelivered webhook). */
      duplicate: boolean;
      /** Records of a batch that were not accepted, each with the field and the fix. */
      rejected: RejectedRecord[];
    }
  | { status: 'ignored'; reason: string }
  | { status: 'unauthorized'; reason: string }
  | { status: 'rejected'; reason: string; orderId?: string }
  | { status: 'too_large'; reason: string }
  | { status: 'bad_request'; reason: string };

type Authentication =
  | { connection: ChannelConnection; identity: WebhookIdentity }
  | { reason: string; connection?: ChannelConnection; identity?: WebhookIdentity };

/**
 * Accepts a channel's webhook deliveries: attributes the delivery to a connection, checks its
 * signature over the raw bytes, parses it into canonical events and stores them in JetStream before it responds. Every delivery that is not accepted gets a sync event naming the
 * connection, the order and the field, when the delivery names a known connection.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly logger: AppLogger;
  private readonly deliveries: Counter<'channel' | 'outcome'>;

  constructor(
    @Inject(CHANNEL_ADAPTER) private readonly adapter: ChannelAdapter,
    @Inject(APP_CONFIG) private readonly config: ConnectorsConfig,
    private readonly connections: ChannelConnectionRepository,
    private readonly publisher: ChannelEventPublisher,
    private readonly jetStream: JetStreamService,
    private readonly syncEvents: SyncEventPublisher,
    private readonly batches: WebhookBatchRepository,
    metrics: MetricsService,
    logger: AppLogger,
  ) {
    this.logger = logger.child(WebhookIntakeService.name);
    this.deliveries = metrics.counter(
      'qbsync_connector_webhooks_total',
      'Channel webhook deliveries by outcome',
      ['channel', 'outcome'],
    );
  }

  async receive(delivery: WebhookDelivery): Promise<WebhookOutcome> {
    const outcome = await this.process(delivery);

    this.deliveries.inc({ channel: this.adapter.channel, outcome: outcome.status });

    return outcome;
  }

  private async process(delivery: WebhookDelivery): Promise<WebhookOutcome> {
    if (!this.adapter.parseWebhook) {
      return {
        status: 'bad_request',
        reason: `${this.adapter.displayName} connections receive no webhooks; orders are polled`,
      };
    }

    const authentication = await this.authenticate(delivery);

    if ('reason' in authentication) {
      return this.refuse(delivery, authentication);
    }

    const { connection, identity } = authentication;

    if (delivery.rawBody.length > this.config.WEBHOOK_BODY_LIMIT_BYTES) {
      const reason =
        `body: ${delivery.rawBody.length} bytes is larger than the ${this.config.WEBHOOK_BODY_LIMIT_BYTES}-byte ` +
        'limit (WEBHOOK_BODY_LIMIT_BYTES); split the batch or raise the limit';

      await this.publisher.reportRejected(connection, {
        channelOrderId: peekOrderId(delivery.rawBody),
        reason,
        eventKey: `too-large:${identity.deliveryId ?? bodyHash(delivery.rawBody)}`,
      });

      return { status: 'too_large', reason };
    }

    let events: ChannelEvent[];

    try {
      events = this.adapter.parseWebhook(delivery, {
        connection,
        receivedAt: delivery.receivedAt,
        deliveryId: identity.deliveryId,
        topic: identity.topic,
      });
    } catch (error) {
      if (!(error instanceof ChannelPayloadError)) {
        throw error;
      }

      const orderId = error.channelOrderId ?? peekOrderId(delivery.rawBody);

      await this.publisher.reportRejected(connection, {
        channelOrderId: orderId,
        reason: error.message,
        eventKey: identity.deliveryId ?? orderId ?? bodyHash(delivery.rawBody),
      });

      return orderId
        ? { status: 'rejected', reason: error.message, orderId }
        : { status: 'rejected', reason: error.message };
    }

    return this.accept(connection, this.withoutUnreadableFetches(connection, events), {
      topic: identity.topic,
      receivedAt: delivery.receivedAt,
    });
  }

  private async accept(
    connection: ChannelConnection,
    events: ChannelEvent[],
    delivery: { topic?: string; receivedAt: string },
  ): Promise<WebhookOutcome> {
    const publishable = events.filter(
      (event): event is PublishableEvent =>
        event.kind !== 'ignored' && event.kind !== 'rejected' && event.kind !== 'fetch',
    );
    const fetches = events.filter((event): event is FetchEvent => event.kind === 'fetch');
    const rejected: RejectedRecord[] = [];

    for (const event of events) {
      if (event.kind === 'rejected') {
        rejected.push({
          orderId: event.channelOrderId,
          orderNumber: event.orderNumber,
          reason: event.reason,
        });
        await this.publisher.reportRejected(connection, event);
      }
    }

    if (publishable.length === 0 && fetches.length === 0) {
      if (rejected.length > 0) {
        return {
          status: 'rejected',
          reason: rejected.map((record) => record.reason).join('; '),
          ...(rejected.length === 1 && rejected[0].orderId ? { orderId: rejected[0].orderId } : {}),
        };
      }

      const ignored = events.find((event) => event.kind === 'ignored');

      return {
        status: 'ignored',
        reason: ignored?.kind === 'ignored' ? ignored.reason : 'the delivery held no records',
      };
    }

    const parts: { batchId: string; duplicate: boolean }[] = [];

    if (publishable.length > 0) {
      parts.push(await this.store(connection, publishable));
    }

    for (const fetch of fetches) {
      parts.push(await this.queueFetch(connection, fetch, delivery));
    }

    const stored = {
      batchId:
        parts.length === 1
          ? parts[0].batchId
          : `${connection.connectionId}:events:${hashKeys(parts.map((part) => part.batchId))}`,
      duplicate: parts.every((part) => part.duplicate),
    };

    // Batch push APIs report each batch's outcome on a status endpoint as well as in the reply.
    if (this.adapter.webhookAcceptedStatus === 202) {
      await this.batches.record({
        _id: stored.batchId,
        connectionId: connection.connectionId,
        accepted: publishable.length,
        rejected,
        receivedAt: new Date(),
      });
    }

    const orderIds = [
      ...publishable.flatMap((event) =>
        event.kind === 'order' ? [event.order.channelOrderId] : [],
      ),
      ...fetches.flatMap((event) => (event.channelOrderId ? [event.channelOrderId] : [])),
    ];

    return {
      status: 'accepted',
      ...(orderIds.length === 1 ? { orderId: orderIds[0] } : {}),
      batchId: stored.batchId,
      accepted: publishable.length + fetches.length,
      duplicate: stored.duplicate,
      rejected,
    };
  }

  /**
   * Stores the events: straight to their subjects when the adapter needs no API call first (or
   * the connection has no API access), else as one job on the connector's work queue. Either way
   * the response waits for JetStream.
   */
  private async store(
    connection: ChannelConnection,
    events: PublishableEvent[],
  ): Promise<{ batchId: string; duplicate: boolean }> {
    const keys = events.map((event) => `${event.kind}:${recordId(event)}:${event.revision}`);
    const batchId = `${connection.connectionId}:events:${hashKeys(keys)}`;

    const needsEnrich =
      this.adapter.enrich !== undefined &&
      (this.adapter.canCallApi?.(connection.credentials) ?? true);

    if (!needsEnrich) {
      let duplicates = 0;

      for (const event of events) {
        const outcome = await this.publisher.publish(event, connection);

        duplicates += outcome?.duplicate ? 1 : 0;
      }

      return { batchId, duplicate: duplicates === events.length };
    }

    const job: ConnectorJob = {
      type: 'events',
      connectionId: connection.connectionId,
      events: events as unknown as Extract<ConnectorJob, { type: 'events' }>['events'],
    };
    const ack = await this.jetStream.publish(connectorWorkSubject(this.adapter.channel), job, {
      messageId: batchId,
    });

    return { batchId, duplicate: ack.duplicate };
  }

  /**
   * Queues the read of a record the webhook named by id only. The job's message id carries the
   * change's revision, so JetStream drops a redelivered webhook. The records the read returns get
   * message ids from their own revisions, so a poll of the same revision publishes nothing.
   */
  private async queueFetch(
    connection: ChannelConnection,
    event: FetchEvent,
    delivery: { topic?: string; receivedAt: string },
  ): Promise<{ batchId: string; duplicate: boolean }> {
    const job: FetchJob = {
      type: 'fetch',
      connectionId: connection.connectionId,
      record: event.record,
      recordId: event.recordId,
      receivedAt: delivery.receivedAt,
      ...(event.channelOrderId ? { channelOrderId: event.channelOrderId } : {}),
      ...(delivery.topic ? { topic: delivery.topic } : {}),
    };
    const messageId = `${connection.connectionId}:fetch:${event.record}:${event.recordId}:${event.revision}`;
    const ack = await this.jetStream.publish(connectorWorkSubject(this.adapter.channel), job, {
      messageId,
    });

    return { batchId: messageId, duplicate: ack.duplicate };
  }

  /**
   * Turns `fetch` events into `ignored` ones when the connection cannot call the channel's API,
   * because the record they name could never be read.
   */
  private withoutUnreadableFetches(
    connection: ChannelConnection,
    events: ChannelEvent[],
  ): ChannelEvent[] {
    const canFetch =
      this.adapter.fetchRecord !== undefined &&
      (this.adapter.canCallApi?.(connection.credentials) ?? true);

    if (canFetch) {
      return events;
    }

    return events.map((event) =>
      event.kind === 'fetch'
        ? {
            kind: 'ignored',
            reason:
              `${this.adapter.displayName} ${event.record} ${event.recordId} cannot be read: ` +
              (this.adapter.fetchRecord
                ? (this.adapter.noApiAccessHelp ??
                  `connection ${connection.connectionId} has no API credentials; add them so webhooks and polls can read orders`)
                : `the ${this.adapter.channel} adapter has no fetchRecord; the next poll reads it`),
          }
        : event,
    );
  }

  /**
   * Returns a pushed batch's outcome. The request is signed like a push, over the batch id
   * instead of a body, so only the sender can read it.
   */
  async batchStatus(
    delivery: WebhookDelivery,
    batchId: string,
  ): Promise<
    { status: 'found'; batch: object } | { status: 'unauthorized' | 'not_found'; reason: string }
  > {
    const connection = delivery.connectionId
      ? await this.connections.findById(delivery.connectionId)
      : null;
    const signed = { ...delivery, rawBody: Buffer.from(batchId, 'utf8') };

    if (!connection || !(this.adapter.verifyWebhook?.(signed, connection) ?? false)) {
      return {
        status: 'unauthorized',
        reason: 'invalid or missing signature: sign the batch id with the connection push secret',
      };
    }

    const batch = await this.batches.find(connection.connectionId, batchId);

    if (!batch) {
      return { status: 'not_found', reason: `batch ${batchId} not found for this connection` };
    }

    return {
      status: 'found',
      batch: {
        batchId: batch._id,
        accepted: batch.accepted,
        rejected: batch.rejected,
        receivedAt: batch.receivedAt,
      },
    };
  }

  private async authenticate(delivery: WebhookDelivery): Promise<Authentication> {
    const identified = this.adapter.identifyWebhook?.(delivery) ?? {};

    if ('error' in identified) {
      return { reason: identified.error };
    }

    const identity: WebhookIdentity = identified;

    if (!identity.webhookKey && !delivery.connectionId) {
      return {
        reason: `the webhook URL must name the connection: POST /webhooks/${this.adapter.channel}/<connectionId>`,
        identity,
      };
    }

    let known: ChannelConnection | undefined;

    for (const fresh of [false, true]) {
      const connection = identity.webhookKey
        ? await this.connections.findByWebhookKey(identity.webhookKey, fresh)
        : await this.connections.findById(delivery.connectionId!, fresh);

      known ??= connection ?? undefined;

      if (connection && (this.adapter.verifyWebhook?.(delivery, connection) ?? false)) {
        return { connection, identity };
      }
    }

    const name = identity.webhookKey
      ? `shop ${identity.webhookKey}`
      : `connection ${delivery.connectionId}`;

    return known
      ? {
          reason: `invalid ${identity.signatureHeader ?? 'signature'}: it does not match the body and the secret stored for ${this.adapter.displayName} connection ${known.connectionId}; check the webhook secret`,
          connection: known,
          identity,
        }
      : {
          reason: `${this.adapter.displayName} ${name} is not connected: connect it with POST /api/accounts/:accountId/connections/${this.adapter.channel}`,
          identity,
        };
  }

  private async refuse(
    delivery: WebhookDelivery,
    authentication: { reason: string; connection?: ChannelConnection; identity?: WebhookIdentity },
  ): Promise<WebhookOutcome> {
    const { reason, connection, identity } = authentication;

    this.logger.warn(`Rejected ${this.adapter.displayName} webhook`, {
      connectionId: connection?.connectionId ?? delivery.connectionId,
      webhookKey: identity?.webhookKey,
      deliveryId: identity?.deliveryId,
      reason,
    });

    if (connection) {
      // One event per distinct body, so a flood of forged deliveries cannot flood the log. The
      // order id of an unverified body is only named in the message, since anyone could send it.
      const claimedOrderId = peekOrderId(delivery.rawBody);

      await this.syncEvents.publish({
        eventId: `${connection.connectionId}:unauthorized:${bodyHash(delivery.rawBody)}`,
        accountId: connection.accountId,
        connectionId: connection.connectionId,
        channel: this.adapter.channel,
        entity: 'connection',
        stage: 'connector',
        status: 'rejected',
        message: `${this.adapter.displayName} connection ${connection.connectionId}: webhook${claimedOrderId ? ` claiming order ${claimedOrderId}` : ''} refused, ${reason}`,
        fix: `Copy the webhook secret from ${this.adapter.displayName} into the connection again`,
      });
    }

    return { status: 'unauthorized', reason };
  }
}

function recordId(event: PublishableEvent): string {
  switch (event.kind) {
    case 'order':
      return event.order.channelOrderId;
    case 'refund':
      return event.refund.channelRefundId;
    case 'payout':
      return event.payout.payoutId;
    case 'inventory':
      return 'levels';
    case 'inventory_adjustment':
      return event.adjustment.adjustmentId;
  }
}

function hashKeys(keys: string[]): string {
  return createHash('sha256')
    .update([...keys].sort().join('\n'))
    .digest('hex')
    .slice(0, 32);
}

function bodyHash(rawBody: Buffer): string {
  return hashText(rawBody.subarray(0, 65_536).toString('latin1'));
}

/** Reads the first `"id"` of a body that failed validation, to name the order in the sync log. */
export function peekOrderId(rawBody: Buffer): string | undefined {
  const match = /"(?:id|OrderNumber)"\s*:\s*"?([\w#-]{1,40})/.exec(
    rawBody.subarray(0, 4096).toString('utf8'),
  );

  return match?.[1];
}
