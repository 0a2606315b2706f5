import { Schema } from 'mongoose';

/** Action for an order line whose SKU matches no QuickBooks item. */
export type MissingItemAction = 'create' | 'fail';

/** A QuickBooks Online company connected to an account. Tokens are stored encrypted. */
export interface QboConnectionDocument {
  accountId: string;
  connectionId: string;
  realmId: string;
  /** `disconnected`: the user disconnected and the tokens were revoked and erased. */
  status: 'connected' | 'reconnect_needed' | 'disconnected';
  encryptedAccessToken: string;
  encryptedRefreshToken: string;
  accessTokenExpiresAt: Date;
  refreshTokenExpiresAt: Date;
  missingItemAction: MissingItemAction;
  updatedAt: Date;
}

export const QBO_CONNECTION_MODEL = 'QboConnection';

export const qboConnectionSchema = new Schema<QboConnectionDocument>(
  {
    accountId: { type: String, required: true },
    connectionId: { type: String, required: true },
    realmId: { type: String, required: true },
    status: {
      type: String,
      required: true,
      enum: ['connected', 'reconnect_needed', 'disconnected'],
    },
    // Empty after a disconnect, which erases the tokens but keeps the company's settings.
    encryptedAccessToken: { type: String, default: '' },
    encryptedRefreshToken: { type: String, default: '' },
    accessTokenExpiresAt: { type: Date, required: true },
    refreshTokenExpiresAt: { type: Date, required: true },
    missingItemAction: {
      type: String,
      required: true,
      enum: ['create', 'fail'],
      default: 'create',
    },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'qbo_connections', versionKey: false },
);
qboConnectionSchema.index({ accountId: 1 }, { unique: true });
qboConnectionSchema.index({ realmId: 1 });
