import { CHANNELS } from '@qbsync/contracts';
import { baseConfigSchema, databaseConfigSchema, encryptionConfigSchema } from '@qbsync/platform';
import { z } from 'zod';

const booleanText = z
  .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
  .transform((value) => value === 'true' || value === '1');

export const connectorsConfigSchema = baseConfigSchema
  .extend(databaseConfigSchema.shape)
  .extend(encryptionConfigSchema.shape)
  .extend({
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    /** The channel this deployment serves; each channel scales as its own Deployment. */
    CHANNEL: z.enum(CHANNELS).default('shopify'),
    /**
     * Largest webhook body accepted, in bytes; Shopify orders with hundreds of lines stay well
     * under. A larger body is refused with a sync event naming the connection. Bodies over twice
     * this are cut off by the HTTP server before any connection is known, and only logged.
     */
    WEBHOOK_BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(2 * 1024 * 1024),
    /**
     * The channel API's base URL for every connection without its own, such as the sandbox
     * (http://127.0.0.1:4010). Unset, each channel's real API address is used.
     */
    CHANNEL_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** Time limit of one channel API call, in milliseconds. */
    CHANNEL_HTTP_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
    /** Seconds between checks for due polls; each connection is polled at its own interval. */
    POLL_TICK_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
    /** Turns the poll schedule off (webhooks, backfill and re-sync still run). */
    POLLING_ENABLED: booleanText.default(true),
  });

export type ConnectorsConfig = z.infer<typeof connectorsConfigSchema>;
