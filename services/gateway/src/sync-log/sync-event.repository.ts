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

/** Most events written by one insertMany. */
const MAX_BATCH_SIZE = 64;
/** How long the first event of a batch waits for others before it is written. */
const BATCH_WINDOW_MILLISECONDS = 5;

interface PendingWrite {
  document: SyncEventDocument;
  resolve: () => void;
  reject: (error: unknown) => void;
}

@Injectable()
export class SyncEventRepository {
  private readonly model: Model<SyncEventDocument>;
  private pending: PendingWrite[] = [];
  private flushTimer?: NodeJS.Timeout;

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection) {
    this.model = connection.model<SyncEventDocument>('SyncEvent', syncEventSchema);
  }

  /**
   * Stores an event once; a republished event with the same id is ignored. Events arriving within
   * a few milliseconds of each other are written with one insertMany, which saves the database a
   * round trip per event when orders arrive in bursts.
   */
  async record(event: SyncEvent): Promise<void> {
    const document = toDocument(event);
    // An unordered insertMany skips invalid documents silently, so each is validated first.
    const invalid = new this.model(document).validateSync();

    if (invalid) {
      throw invalid;
    }

    return new Promise((resolve, reject) => {
      this.pending.push({ document, resolve, reject });

      if (this.pending.length >= MAX_BATCH_SIZE) {
        void this.flush();
      } else {
        this.flushTimer ??= setTimeout(() => void this.flush(), BATCH_WINDOW_MILLISECONDS);
      }
    });
  }

  private async flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.pending.splice(0);

    if (batch.length === 0) {
      return;
    }

    try {
      await this.model.insertMany(
        batch.map((write) => write.document),
        { ordered: false },
      );
      batch.forEach((write) => write.resolve());
    } catch (error) {
      settleAfterBulkError(batch, error);
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

function toDocument(event: SyncEvent): SyncEventDocument {
  return {
    _id: event.eventId,
    ...event,
    occurredAt: new Date(event.occurredAt),
    recordedAt: new Date(),
  };
}

/**
 * Resolves the writes of an unordered insertMany that failed in part: a duplicate id is an event
 * stored before, any other per-document error fails that write, and an error without per-document
 * details fails the whole batch.
 */
function settleAfterBulkError(batch: PendingWrite[], error: unknown): void {
  const writeErrors = (
    error as { writeErrors?: Array<{ index: number; code?: number; err?: { code?: number } }> }
  ).writeErrors;

  if (!Array.isArray(writeErrors)) {
    batch.forEach((write) => write.reject(error));

    return;
  }

  const failures = new Map<number, unknown>();

  for (const writeError of writeErrors) {
    const code = writeError.code ?? writeError.err?.code;

    if (!isDuplicateKeyError({ code })) {
      failures.set(writeError.index, writeError);
    }
  }

  batch.forEach((write, index) =>
    failures.has(index) ? write.reject(failures.get(index)) : write.resolve(),
  );
}
