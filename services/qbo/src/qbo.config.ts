import { baseConfigSchema, databaseConfigSchema, encryptionConfigSchema } from '@qbsync/platform';
import { z } from 'zod';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const qboConfigSchema = baseConfigSchema
  .extend(databaseConfigSchema.shape)
  .extend(encryptionConfigSchema.shape)
  .extend({
    HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3003),
    QBO_CLIENT_ID: z.string().min(1),
    QBO_CLIENT_SECRET: z.string().min(1),
    /** Accounting API host; Intuit's production host unless pointed at the sandbox stand-in. */
    QBO_API_BASE_URL: httpUrl.default('https://quickbooks.api.intuit.com'),
    QBO_TOKEN_URL: httpUrl.default('https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer'),
    QBO_MINOR_VERSION: z.coerce.number().int().positive().default(75),
    /** Orders posted at once by one replica; QuickBooks allows 10 requests in flight per company. */
    QBO_CONCURRENCY: z.coerce.number().int().positive().max(10).default(10),
    QBO_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  });

export type QboConfig = z.infer<typeof qboConfigSchema>;
