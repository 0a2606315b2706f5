import { Injectable } from '@nestjs/common';
import { parseMessage, Subjects, type SyncEvent, syncEventSchema } from '@qbsync/contracts';

import { AppLogger } from '../logging/logger';
import { JetStreamService } from '../nats/jetstream.service';

export type SyncEventInput = Omit<SyncEvent, 'occurredAt'> & { occurredAt?: string };

/**
 * Publishes outcomes to the sync activity log. The event id doubles as the JetStream message id,
 * so an outcome republished after a redelivery is stored once.
 */
@Injectable()
export class SyncEventPublisher {
  private readonly logger: AppLogger;

  constructor(
    private readonly jetStream: JetStreamService,
    logger: AppLogger,
  ) {
    this.logger = logger.child('SyncEventPublisher');
  }

  async publish(input: SyncEventInput): Promise<void> {
    const parsed = parseMessage(syncEventSchema, {
      ...input,
      occurredAt: input.occurredAt ?? new Date().toISOString(),
    });

    if (!parsed.ok) {
      throw new Error(`Invalid sync event ${input.eventId}: ${parsed.error}`);
    }

    const event = parsed.value;

    await this.jetStream.publish(Subjects.SyncEventRecorded, event, { messageId: event.eventId });
    const fields = {
      accountId: event.accountId,
      channel: event.channel,
      orderId: event.channelOrderId,
      status: event.status,
      stage: event.stage,
    };

    if (event.status === 'failed' || event.status === 'rejected') {
      this.logger.warn(event.message, { ...fields, fix: event.fix });
    } else {
      this.logger.info(event.message, fields);
    }
  }
}
