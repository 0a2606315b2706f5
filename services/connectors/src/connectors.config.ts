import { CHANNELS } from '@qbsync/contracts';
import { baseConfigSchema, databaseConfigSchema, encryptionConfigSchema } from '@qbsync/platform';
import { z } from 'zod';

export const connectorsConfigSchema = baseConfigSchema
  .extend(databaseConfigSchema.shape)
  .extend(encryptionConfigSchema.shape)
  .extend({
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
    /** The channel this deployment serves; each channel scales as its own Deployment. */
    CHANNEL: z.enum(CHANNELS).default('shopify'),
    /** Largest webhook body accepted, in bytes; Shopify orders with hundreds of lines stay well under. */
    WEBHOOK_BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(2 * 1024 * 1024),
  });

export type ConnectorsConfig = z.infer<typeof connectorsConfigSchema>;
