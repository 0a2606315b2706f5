import { z } from 'zod';

import { CHANNELS, isoTimestamp } from '../order/order.schema';

/** Per-connection settings that decide which records a connector pulls and how often. */
export const connectionSettingsSchema = z.object({
  /** The channel's own status values to pull (`paid,fulfilled`); empty pulls every status. */
  statusFilter: z.array(z.string().trim().min(1)).default([]),
  /** Stores, locations or marketplaces to keep, applied after fetching; empty keeps all. */
  storeFilter: z.array(z.string().trim().min(1)).default([]),
  pollIntervalMinutes: z.number().int().min(1).max(60).default(5),
  /** The channel API's base URL for this connection, when it is not the channel's default. */
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type ConnectionSettingsInput = z.input<typeof connectionSettingsSchema>;

/**
 * Request: store a channel connection. `credentials` is validated by the channel's own schema in
 * the connector, which encrypts the secret fields; the secrets never leave the connector.
 */
export const channelConnectionPutSchema = z.object({
  accountId: z.string().min(1),
  connectionId: z.string().min(1),
  channel: z.enum(CHANNELS),
  credentials: z.record(z.string(), z.unknown()),
  settings: connectionSettingsSchema.default({
    statusFilter: [],
    storeFilter: [],
    pollIntervalMinutes: 5,
  }),
  /** Days of history read on connect; 0 reads none. */
  backfillDays: z.number().int().min(0).max(3650).default(30),
});
export type ChannelConnectionPut = z.input<typeof channelConnectionPutSchema>;

export const connectionTestResultSchema = z.object({
  ok: z.boolean(),
  checks: z.array(z.object({ name: z.string(), ok: z.boolean(), message: z.string() })),
  storeName: z.string().optional(),
});
export type ConnectionTestResultReply = z.infer<typeof connectionTestResultSchema>;

/** Reply to a connection put: where the channel sends webhooks, and the first test's result. */
export const channelConnectionPutReplySchema = z.object({
  connectionId: z.string(),
  channel: z.enum(CHANNELS),
  /** The path below the connectors' public URL that receives this connection's webhooks. */
  webhookPath: z.string(),
  test: connectionTestResultSchema,
  backfillWindows: z.number().int(),
});
export type ChannelConnectionPutReply = z.infer<typeof channelConnectionPutReplySchema>;

export const channelConnectionRefSchema = z.object({
  accountId: z.string().min(1),
  connectionId: z.string().min(1),
});
export type ChannelConnectionRef = z.infer<typeof channelConnectionRefSchema>;

/** Request: re-read a date range, or a list of order numbers, from the channel. */
export const resyncRequestSchema = channelConnectionRefSchema
  .extend({
    from: isoTimestamp.optional(),
    to: isoTimestamp.optional(),
    orderNumbers: z.array(z.string().trim().min(1)).min(1).max(250).optional(),
  })
  .refine((request) => (request.orderNumbers ? !request.from && !request.to : true), {
    message: 'send either from and to, or orderNumbers, not both',
    path: ['orderNumbers'],
  })
  .refine((request) => request.orderNumbers || (request.from && request.to), {
    message: 'is missing: send from and to (ISO 8601) or a list of orderNumbers',
    path: ['from'],
  })
  .refine((request) => !request.from || !request.to || request.from < request.to, {
    message: 'must be before to',
    path: ['from'],
  });
export type ResyncRequest = z.infer<typeof resyncRequestSchema>;

export const resyncReplySchema = z.object({
  connectionId: z.string(),
  /** Day windows queued for a date range. */
  windows: z.number().int(),
  /** One outcome per requested order number. */
  orders: z.array(
    z.object({
      orderNumber: z.string(),
      status: z.enum(['queued', 'not_found', 'rejected']),
      message: z.string().optional(),
    }),
  ),
});
export type ResyncReply = z.infer<typeof resyncReplySchema>;

/** Request: validate an orders CSV for a custom store and queue its orders if it has no errors. */
export const ordersUploadSchema = channelConnectionRefSchema.extend({
  csv: z.string().min(1, 'is empty: upload a CSV with a header row and one row per order line'),
  /** Validate only; queue nothing. */
  dryRun: z.boolean().default(false),
});
export type OrdersUpload = z.input<typeof ordersUploadSchema>;

export const ordersUploadReplySchema = z.object({
  batchId: z.string(),
  rows: z.number().int(),
  orders: z.number().int(),
  /** Row numbers count the header as row 1, as spreadsheets show them. */
  errors: z.array(z.object({ row: z.number().int(), column: z.string(), message: z.string() })),
  queued: z.boolean(),
});
export type OrdersUploadReply = z.infer<typeof ordersUploadReplySchema>;

/**
 * Request: subscribe the channel's webhooks for a stored connection. `address` receives the
 * order and refund topics; `uninstallAddress`, when set, receives the app-uninstalled topic.
 */
export const webhooksRegisterSchema = channelConnectionRefSchema.extend({
  address: z.url({ protocol: /^https?$/ }),
  uninstallAddress: z.url({ protocol: /^https?$/ }).optional(),
});
export type WebhooksRegister = z.infer<typeof webhooksRegisterSchema>;

/**
 * Request: replace the credentials of a stored connection, keeping its settings and poll cursors.
 * The connector tests the new credentials and queues no backfill. The reply is a connection put's.
 */
export const connectionReauthorizeSchema = channelConnectionRefSchema.extend({
  credentials: z.record(z.string(), z.unknown()),
});
export type ConnectionReauthorize = z.infer<typeof connectionReauthorizeSchema>;

/** One webhook subscription on the channel. */
export const webhookSubscriptionSchema = z.object({
  /** The channel's id of the subscription. */
  id: z.string(),
  topic: z.string(),
  address: z.string(),
});
export type WebhookSubscription = z.infer<typeof webhookSubscriptionSchema>;

export const webhooksRegisterReplySchema = z.object({
  connectionId: z.string(),
  /** Subscriptions created or found already in place. */
  webhooks: z.array(webhookSubscriptionSchema),
  /** Topics that could not be subscribed, each with the channel's message. */
  errors: z.array(z.object({ topic: z.string(), message: z.string() })),
});
export type WebhooksRegisterReply = z.infer<typeof webhooksRegisterReplySchema>;

/**
 * Request: disconnect a channel connection. The connector deletes its webhook subscriptions when
 * `deleteWebhooks` is set and the channel still accepts the token, then deletes the stored
 * credentials, which also stops polling.
 */
export const connectionDisconnectSchema = channelConnectionRefSchema.extend({
  deleteWebhooks: z.boolean().default(true),
});
export type ConnectionDisconnect = z.input<typeof connectionDisconnectSchema>;

export const connectionDisconnectReplySchema = z.object({
  connectionId: z.string(),
  webhooksDeleted: z.number().int(),
  /** The reason the webhooks were not deleted (a revoked token), when they were not. */
  webhookError: z.string().optional(),
});
export type ConnectionDisconnectReply = z.infer<typeof connectionDisconnectReplySchema>;
