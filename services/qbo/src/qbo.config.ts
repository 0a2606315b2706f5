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
    /**
     * Orders posted at once by one replica. The rate governor keeps calls in flight per company
     * within QBO_MAX_IN_FLIGHT whatever this is. Creates of orders posted at once share batch
     * calls of up to 30, so 100 orders cover the batch being sent, the next one gathering, and
     * orders still in their database steps.
     */
    QBO_CONCURRENCY: z.coerce.number().int().positive().max(200).default(100),
    QBO_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
    /** Intuit's token revocation endpoint, called when a company is disconnected. */
    QBO_REVOKE_URL: httpUrl.default('https://developer.api.intuit.com/v2/oauth2/tokens/revoke'),
    /** Rate limits per realm shared by every replica; Intuit's production values by default. */
    QBO_REQUESTS_PER_MINUTE: z.coerce.number().int().positive().default(500),
    QBO_REQUESTS_PER_SECOND: z.coerce.number().int().positive().default(10),
    QBO_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(10),
    QBO_BATCHES_PER_MINUTE: z.coerce.number().int().positive().default(40),
    /** Share of each rate limit left unused (0 to 0.5) to absorb timer lateness and clock skew. */
    QBO_RATE_HEADROOM: z.coerce.number().min(0).max(0.5).default(0.04),
    /** Seconds every replica stops calling a realm after QuickBooks returns 429. */
    QBO_THROTTLE_PAUSE_SECONDS: z.coerce.number().int().min(0).default(60),
    /** Times a call rejected with 429 is repeated (with its requestid) before it fails. */
    QBO_THROTTLE_RETRIES: z.coerce.number().int().min(0).default(5),
    /** How long the batch client collects creates of one realm before sending, in milliseconds. */
    QBO_BATCH_LINGER_MS: z.coerce.number().int().min(0).default(50),
    /** Minutes between scheduled reloads of every company's lists. */
    QBO_LISTS_REFRESH_MINUTES: z.coerce.number().int().positive().default(60),
    /** Seconds between change data capture catch-up runs for each company. */
    QBO_CDC_INTERVAL_SECONDS: z.coerce.number().int().positive().default(300),
    /** The app's webhook verifier token from the Intuit developer portal; unset disables webhooks. */
    QBO_WEBHOOK_VERIFIER_TOKEN: z.string().min(1).optional(),
  });

export type QboConfig = z.infer<typeof qboConfigSchema>;
