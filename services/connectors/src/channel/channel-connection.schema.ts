import { CHANNELS } from '@qbsync/contracts';
import { Schema } from 'mongoose';

/** A channel store connected to an account. Secret credential fields are sealed with SecretBox. */
export interface ChannelConnectionDocument {
  /** The connection id. */
  _id: string;
  accountId: string;
  channel: (typeof CHANNELS)[number];
  /**
   * `<channel>:<key>` for channels that attribute webhooks by a value in the delivery (Shopify's
   * shop domain), else `<channel>:id:<connection id>`, so the unique index holds for both.
   */
  webhookLookup: string;
  /** Credential fields that are not secret (shop domain, store URL, user name). */
  publicCredentials: Record<string, unknown>;
  /** The secret credential fields as one SecretBox-sealed JSON object. */
  sealedSecrets: string;
  /**
   * `reconnect_needed` after the channel rejected the stored grant; storing the connection again
   * removes it. Absent means connected.
   */
  status?: 'reconnect_needed';
  /** The token endpoint's rejection, for support; set together with `status`. */
  statusReason?: string;
  settings: {
    statusFilter: string[];
    storeFilter: string[];
    pollIntervalMinutes: number;
    baseUrl?: string;
  };
  createdAt: Date;
  updatedAt: Date;
}

export const CHANNEL_CONNECTION_MODEL = 'ChannelConnection';

export const channelConnectionSchema = new Schema<ChannelConnectionDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    channel: { type: String, required: true, enum: CHANNELS },
    webhookLookup: { type: String, required: true },
    publicCredentials: { type: Schema.Types.Mixed, required: true },
    sealedSecrets: { type: String, required: true },
    status: { type: String, enum: ['reconnect_needed'] },
    statusReason: { type: String },
    settings: {
      statusFilter: { type: [String], default: [] },
      storeFilter: { type: [String], default: [] },
      pollIntervalMinutes: { type: Number, required: true },
      baseUrl: { type: String },
    },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'channel_connections', versionKey: false, minimize: false },
);
channelConnectionSchema.index({ webhookLookup: 1 }, { unique: true });
channelConnectionSchema.index({ channel: 1 });

/** Poll position of one record kind of one connection. */
export interface ChannelCursorDocument {
  /** `<connection id>:<kind>`. */
  _id: string;
  connectionId: string;
  kind: string;
  /** End of the last window read completely, ISO 8601. */
  cursor: string;
  updatedAt: Date;
}

export const CHANNEL_CURSOR_MODEL = 'ChannelCursor';

export const channelCursorSchema = new Schema<ChannelCursorDocument>(
  {
    _id: { type: String, required: true },
    connectionId: { type: String, required: true },
    kind: { type: String, required: true },
    cursor: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'channel_cursors', versionKey: false },
);

/** The outcome of one pushed batch, for the push API's status endpoint. */
export interface WebhookBatchDocument {
  /** The batch id returned to the sender. */
  _id: string;
  connectionId: string;
  accepted: number;
  rejected: { orderId?: string; orderNumber?: string; reason: string }[];
  receivedAt: Date;
}

export const WEBHOOK_BATCH_MODEL = 'WebhookBatch';

export const webhookBatchSchema = new Schema<WebhookBatchDocument>(
  {
    _id: { type: String, required: true },
    connectionId: { type: String, required: true },
    accepted: { type: Number, required: true },
    rejected: [{ _id: false, orderId: String, orderNumber: String, reason: String }],
    receivedAt: { type: Date, required: true },
  },
  { collection: 'webhook_batches', versionKey: false },
);
