import { Inject, Injectable } from '@nestjs/common';
import { MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model, Schema } from 'mongoose';

/** Change data capture position of one realm. `_id` is the realm id. */
export interface CdcCursorDocument {
  _id: string;
  /** The `changedSince` of the next run. */
  changedSince: Date;
  updatedAt: Date;
}

const cdcCursorSchema = new Schema<CdcCursorDocument>(
  {
    _id: { type: String, required: true },
    changedSince: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'qbo_cdc_cursors', versionKey: false },
);

@Injectable()
export class CdcCursorRepository {
  private readonly model: Model<CdcCursorDocument>;

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection) {
    this.model = connection.model<CdcCursorDocument>('QboCdcCursor', cdcCursorSchema);
  }

  async find(realmId: string): Promise<Date | null> {
    const document = await this.model.findOne({ _id: realmId }).lean<CdcCursorDocument>().exec();

    return document ? new Date(document.changedSince) : null;
  }

  async save(realmId: string, changedSince: Date): Promise<void> {
    await this.model.updateOne(
      { _id: realmId },
      { $set: { changedSince, updatedAt: new Date() } },
      { upsert: true },
    );
  }
}
