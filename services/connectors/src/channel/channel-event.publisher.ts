import { Inject, Injectable } from '@nestjs/common';
import {
  inventoryAdjustmentSchema,
  inventoryReportedSchema,
  orderSchema,
  parseMessage,
  payoutSchema,
  refundSchema,
  Subjects,
} from '@qbsync/contracts';
import { AppLogger, JetStreamService, SyncEventPublisher } from '@qbsync/platform';

import { type ChannelAdapter, type ChannelConnection, type ChannelEvent } from './channel-adapter';
import { CHANNEL_ADAPTER } from './channel.tokens';

export type PublishableEvent = Exclude<
  ChannelEvent,
  { kind: 'ignored' } | { kind: 'rejected' } | { kind: 'fetch' }
>;

export interface PublishOutcome {
  kind: PublishableEvent['kind'];
  /** The channel's id of the record (order, refund, payout), or the inventory revision. */
  recordId: string;
  duplicate: boolean;
}

/**
 * Publishes canonical events to their JetStream subjects. Each record revision has one message
 * id, so a republished revision (a redelivered webhook, an overlapping poll window, a second
 * replica) is dropped by JetStream, and an edit or refund after first sight is a new message.
 */
@Injectable()
export class ChannelEventPublisher {
  private readonly logger: AppLogger;

  constructor(
    @Inject(CHANNEL_ADAPTER) private readonly adapter: ChannelAdapter,
    private readonly jetStream: JetStreamService,
    private readonly syncEvents: SyncEventPublisher,
    logger: AppLogger,
  ) {
    this.logger = logger.child(ChannelEventPublisher.name);
  }

  /**
   * Publishes one event. An event that fails its contract (an adapter bug) is not published; it
   * is logged as a rejected sync event and returned as undefined.
   */
  async publish(
    event: PublishableEvent,
    connection: ChannelConnection,
  ): Promise<PublishOutcome | undefined> {
    const target = describeTarget(event, connection);
    const checked = parseMessage(target.schema, target.payload);

    if (!checked.ok) {
      await this.reportRejected(connection, {
        channelOrderId: target.channelOrderId,
        reason: `the normalised ${event.kind} does not match its contract: ${checked.error}`,
      });

      return undefined;
    }

    const ack = await this.jetStream.publish(target.subject, checked.value, {
      messageId: target.messageId,
    });

    this.logger.info(`Accepted ${this.adapter.displayName} ${event.kind}`, {
      accountId: connection.accountId,
      connectionId: connection.connectionId,
      channel: this.adapter.channel,
      recordId: target.recordId,
      orderId: target.channelOrderId,
      revision: event.revision,
      duplicate: ack.duplicate,
    });

    return { kind: event.kind, recordId: target.recordId, duplicate: ack.duplicate };
  }

  /** Logs a record that could not be normalised, naming the connection, the order and the field. */
  async reportRejected(
    connection: ChannelConnection,
    rejection: { channelOrderId?: string; orderNumber?: string; reason: string; eventKey?: string },
  ): Promise<void> {
    const subject = rejection.channelOrderId ?? rejection.orderNumber ?? 'unknown';

    await this.syncEvents.publish({
      eventId: `${connection.connectionId}:${rejection.eventKey ?? subject}:rejected:${hashText(rejection.reason)}`,
      accountId: connection.accountId,
      connectionId: connection.connectionId,
      channel: this.adapter.channel,
      channelOrderId: rejection.channelOrderId,
      orderNumber: rejection.orderNumber,
      stage: 'connector',
      status: 'rejected',
      message: `${this.adapter.displayName} connection ${connection.connectionId}: ${rejection.reason}`,
      fix: `Correct the order in ${this.adapter.displayName} (or the app sending it) and save it again; the next webhook or poll re-reads it`,
    });
  }
}

interface PublishTarget {
  subject: string;
  schema:
    | typeof orderSchema
    | typeof refundSchema
    | typeof payoutSchema
    | typeof inventoryReportedSchema
    | typeof inventoryAdjustmentSchema;
  payload: unknown;
  messageId: string;
  recordId: string;
  channelOrderId?: string;
}

function describeTarget(event: PublishableEvent, connection: ChannelConnection): PublishTarget {
  const { connectionId } = connection;

  switch (event.kind) {
    case 'order':
      return {
        subject: Subjects.OrderReceived,
        schema: orderSchema,
        payload: event.order,
        messageId: `${connectionId}:order:${event.order.channelOrderId}:${event.revision}`,
        recordId: event.order.channelOrderId,
        channelOrderId: event.order.channelOrderId,
      };
    case 'refund':
      return {
        subject: Subjects.RefundReceived,
        schema: refundSchema,
        payload: event.refund,
        messageId: `${connectionId}:refund:${event.refund.channelRefundId}:${event.revision}`,
        recordId: event.refund.channelRefundId,
        channelOrderId: event.refund.channelOrderId,
      };
    case 'payout':
      return {
        subject: Subjects.PayoutReceived,
        schema: payoutSchema,
        payload: event.payout,
        messageId: `${connectionId}:payout:${event.payout.payoutId}:${event.revision}`,
        recordId: event.payout.payoutId,
      };
    case 'inventory':
      return {
        subject: Subjects.InventoryReported,
        schema: inventoryReportedSchema,
        payload: {
          accountId: connection.accountId,
          connectionId,
          channel: connection.channel,
          reportedAt: new Date().toISOString(),
          levels: event.levels,
        },
        messageId: `${connectionId}:inventory:${event.revision}`,
        recordId: event.revision,
      };
    case 'inventory_adjustment':
      return {
        subject: Subjects.InventoryAdjustmentReceived,
        schema: inventoryAdjustmentSchema,
        payload: event.adjustment,
        messageId: `${connectionId}:inventory-adjustment:${event.adjustment.adjustmentId}:${event.revision}`,
        recordId: event.adjustment.adjustmentId,
      };
  }
}

/** Returns a short stable hash, so one rejection reason is logged once per record however often it recurs. */
export function hashText(text: string): string {
  let hash = 0x811c9dc5;

  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }

  return (hash >>> 0).toString(16);
}
