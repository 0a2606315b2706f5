import { Inject, Injectable } from '@nestjs/common';
import { MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import {
  WEBHOOK_BATCH_MODEL,
  type WebhookBatchDocument,
  webhookBatchSchema,
} from './channel-connection.schema';

/** Outcomes of pushed batches, read back by the push API's status endpoint. */
@Injectable()
export class WebhookBatchRepository {
  private readonly model: Model<WebhookBatchDocument>;

  constructor(@Inject(MONGOOSE_CONNECTION) database: Connection) {
    this.model =
      (database.models[WEBHOOK_BATCH_MODEL] as Model<WebhookBatchDocument> | undefined) ??
      database.model<WebhookBatchDocument>(WEBHOOK_BATCH_MODEL, webhookBatchSchema);
  }

  /** Records a batch once; a redelivered batch has the same id and keeps its first outcome. */
  async record(batch: WebhookBatchDocument): Promise<void> {
    try {
      await this.model.create(batch);
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) {
        throw error;
      }
    }
  }

  async find(connectionId: string, batchId: string): Promise<WebhookBatchDocument | null> {
    return this.model.findOne({ _id: batchId, connectionId }).lean<WebhookBatchDocument>().exec();
  }
}
