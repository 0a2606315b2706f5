import { Inject, Injectable } from '@nestjs/common';
import { type SyncEvent } from '@qbsync/contracts';
import { isDuplicateKeyError, MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type FilterQuery, type Model } from 'mongoose';

import { type SyncEventDocument, syncEventSchema } from './sync-event.schema';

export interface SyncEventFilter {
  accountId: string;
  status?: string;
  channelOrderId?: string;
  since?: Date;
  limit: number;
}

@Injectable()
export class SyncEventRepository {
  private readonly model: Model<SyncEventDocument>;

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection) {
    this.model = connection.model<SyncEventDocument>('SyncEvent', syncEventSchema);
  }

  /** Stores an event once; a republished event with the same id is ignored. */
  async record(event: SyncEvent): Promise<void> {
    try {
      await this.model.create({
        _id: event.eventId,
        ...event,
        occurredAt: new Date(event.occurredAt),
        recordedAt: new Date(),
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    }
  }

  async list(filter: SyncEventFilter): Promise<SyncEventDocument[]> {
    const query: FilterQuery<SyncEventDocument> = { accountId: filter.accountId };

    if (filter.status) {
      query.status = filter.status;
    }

    if (filter.channelOrderId) {
      query.channelOrderId = filter.channelOrderId;
    }

    if (filter.since) {
      query.occurredAt = { $gte: filter.since };
    }

    return this.model
      .find(query, { _id: 0 })
      .sort({ occurredAt: -1 })
      .limit(filter.limit)
      .lean<SyncEventDocument[]>()
      .exec();
  }

  async deleteOlderThan(cutoff: Date): Promise<number> {
    const result = await this.model.deleteMany({ occurredAt: { $lt: cutoff } });

    return result.deletedCount;
  }
}
