import { type Channel, CHANNELS } from '@qbsync/contracts';
import { Schema } from 'mongoose';

/** A company using the product: it owns channel connections and one QuickBooks company. */
export interface AccountDocument {
  accountId: string;
  name: string;
  target: 'qbo' | 'qbd';
  createdAt: Date;
}

export const accountSchema = new Schema<AccountDocument>(
  {
    accountId: { type: String, required: true },
    name: { type: String, required: true },
    target: { type: String, required: true, enum: ['qbo', 'qbd'] },
    createdAt: { type: Date, required: true },
  },
  { collection: 'accounts', versionKey: false },
);
accountSchema.index({ accountId: 1 }, { unique: true });

/** A channel or QuickBooks connection as the dashboard lists it; secrets live in the owning service. */
export interface ConnectionDocument {
  connectionId: string;
  accountId: string;
  kind: Channel | 'qbo' | 'qbd';
  /**
   * `disconnected` after the merchant uninstalled the channel app or the user disconnected it;
   * `reconnect_needed` after the channel rejected the stored grant, until the next connect.
   */
  status: 'pending' | 'connected' | 'disconnected' | 'reconnect_needed';
  shopDomain?: string;
  /** The channel store's name, as the connection test read it. */
  storeName?: string;
  realmId?: string;
  updatedAt: Date;
}

export const connectionSchema = new Schema<ConnectionDocument>(
  {
    connectionId: { type: String, required: true },
    accountId: { type: String, required: true },
    kind: { type: String, required: true, enum: [...CHANNELS, 'qbo', 'qbd'] },
    status: {
      type: String,
      required: true,
      enum: ['pending', 'connected', 'disconnected', 'reconnect_needed'],
    },
    shopDomain: { type: String },
    storeName: { type: String },
    realmId: { type: String },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'connections', versionKey: false },
);
connectionSchema.index({ connectionId: 1 }, { unique: true });
connectionSchema.index({ accountId: 1 });

/** An OAuth `state` value handed to QuickBooks, checked on the callback against CSRF. */
export interface OAuthStateDocument {
  state: string;
  accountId: string;
  connectionId: string;
  missingItemAction: 'create' | 'fail';
  expiresAt: Date;
}

export const oauthStateSchema = new Schema<OAuthStateDocument>(
  {
    state: { type: String, required: true },
    accountId: { type: String, required: true },
    connectionId: { type: String, required: true },
    missingItemAction: { type: String, required: true, enum: ['create', 'fail'] },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'oauth_states', versionKey: false },
);
oauthStateSchema.index({ state: 1 }, { unique: true });
