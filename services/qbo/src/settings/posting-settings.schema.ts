import { type QboPostingSettings } from '@qbsync/contracts';
import { Schema } from 'mongoose';

/**
 * A QuickBooks Online connection's posting settings, one document per account. `settings` is
 * stored as the contract validated it, so every read parses it again and fills defaults added
 * since it was saved.
 */
export interface PostingSettingsDocument {
  /** The account id: one QuickBooks Online connection per account. */
  _id: string;
  settings: QboPostingSettings;
  updatedAt: Date;
}

export const POSTING_SETTINGS_MODEL = 'QboPostingSettings';

export const postingSettingsSchema = new Schema<PostingSettingsDocument>(
  {
    _id: { type: String, required: true },
    settings: { type: Schema.Types.Mixed, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'qbo_posting_settings', versionKey: false, minimize: false },
);
