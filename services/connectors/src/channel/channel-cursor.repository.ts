import { Inject, Injectable } from '@nestjs/common';
import { MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import {
  CHANNEL_CURSOR_MODEL,
  type ChannelCursorDocument,
  channelCursorSchema,
} from './channel-connection.schema';

export type PollKind = 'orders' | 'refunds' | 'payouts';

/** The end of the last poll window read completely, per connection and record kind. */
@Injectable()
export class ChannelCursorRepository {
  private readonly model: Model<ChannelCursorDocument>;

  constructor(@Inject(MONGOOSE_CONNECTION) database: Connection) {
    this.model =
      (database.models[CHANNEL_CURSOR_MODEL] as Model<ChannelCursorDocument> | undefined) ??
      database.model<ChannelCursorDocument>(CHANNEL_CURSOR_MODEL, channelCursorSchema);
  }

  async get(connectionId: string, kind: PollKind): Promise<string | undefined> {
    const document = await this.model
      .findById(`${connectionId}:${kind}`)
      .lean<ChannelCursorDocument>()
      .exec();

    return document?.cursor;
  }

  /**
   * Moves the cursor forward to `cursor`. A cursor never moves back, so a slow replica finishing
   * an older window cannot undo a newer one. Two replicas racing may both write, which is
   * harmless because the next window overlaps the last by an hour.
   */
  async advance(connectionId: string, kind: PollKind, cursor: string): Promise<void> {
    const current = await this.get(connectionId, kind);

    if (current !== undefined && current >= cursor) {
      return;
    }

    await this.model.updateOne(
      { _id: `${connectionId}:${kind}` },
      { $set: { connectionId, kind, cursor, updatedAt: new Date() } },
      { upsert: true },
    );
  }

  /** Sets the first cursor of a new connection, leaving one that is already there. */
  async initialise(connectionId: string, kind: PollKind, cursor: string): Promise<void> {
    if ((await this.get(connectionId, kind)) === undefined) {
      await this.advance(connectionId, kind, cursor);
    }
  }
}
