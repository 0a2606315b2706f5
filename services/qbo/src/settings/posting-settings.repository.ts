import { Inject, Injectable } from '@nestjs/common';
import {
  parseMessage,
  type QboPostingSettings,
  type QboPostingSettingsReply,
  qboPostingSettingsSchema,
} from '@qbsync/contracts';
import { AppLogger, MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import {
  POSTING_SETTINGS_MODEL,
  type PostingSettingsDocument,
  postingSettingsSchema,
} from './posting-settings.schema';

/** Settings of an account that never saved any: every field at its default. */
export const DEFAULT_POSTING_SETTINGS: QboPostingSettings = qboPostingSettingsSchema.parse({});

/** Stores each account's QuickBooks Online posting settings. */
@Injectable()
export class PostingSettingsRepository {
  private readonly model: Model<PostingSettingsDocument>;
  private readonly logger: AppLogger;

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection, logger: AppLogger) {
    this.model = connection.model<PostingSettingsDocument>(
      POSTING_SETTINGS_MODEL,
      postingSettingsSchema,
    );
    this.logger = logger.child(PostingSettingsRepository.name);
  }

  /** Returns the account's settings, or the defaults when it saved none. */
  async get(accountId: string): Promise<QboPostingSettings> {
    return (await this.read(accountId)).settings;
  }

  async read(accountId: string): Promise<QboPostingSettingsReply> {
    const document = await this.model
      .findOne({ _id: accountId })
      .lean<PostingSettingsDocument>()
      .exec();

    if (!document) {
      return { accountId, settings: DEFAULT_POSTING_SETTINGS };
    }

    const parsed = parseMessage(qboPostingSettingsSchema, document.settings);

    if (!parsed.ok) {
      // Settings saved by an older version that a newer contract no longer accepts: posting with
      // defaults would put documents in the wrong accounts, so fail loudly and name the field.
      this.logger.error('Stored QuickBooks Online posting settings are invalid', undefined, {
        accountId,
        reason: parsed.error,
      });
      throw new Error(
        `The stored QuickBooks Online posting settings of account ${accountId} are invalid ` +
          `(${parsed.error}); save them again through the settings API`,
      );
    }

    return { accountId, settings: parsed.value, updatedAt: document.updatedAt.toISOString() };
  }

  async put(accountId: string, settings: QboPostingSettings): Promise<QboPostingSettingsReply> {
    const updatedAt = new Date();

    await this.model.replaceOne(
      { _id: accountId },
      { _id: accountId, settings, updatedAt },
      { upsert: true },
    );

    return { accountId, settings, updatedAt: updatedAt.toISOString() };
  }
}
