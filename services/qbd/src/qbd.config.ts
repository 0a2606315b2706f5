import { baseConfigSchema, databaseConfigSchema } from '@qbsync/platform';
import { z } from 'zod';

export const qbdConfigSchema = baseConfigSchema.extend(databaseConfigSchema.shape).extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3004),
  /**
   * URL at which the Web Connector reaches this service; the `.qwc` file's AppURL is this plus
   * `/qbwc`. The Web Connector accepts only HTTPS, except for localhost.
   */
  QBD_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .default('http://127.0.0.1:3004'),
  /** Seconds a session ticket stays valid without a Web Connector call. */
  QBD_TICKET_IDLE_SECONDS: z.coerce.number().int().positive().default(600),
  /**
   * Seconds without a call after which a session loses its lock on the company file, so a Web
   * Connector whose connection dropped can start a new session instead of getting `busy`.
   */
  QBD_SESSION_LOCK_IDLE_SECONDS: z.coerce.number().int().positive().default(120),
  /** Seconds a session ticket stays valid at most. */
  QBD_TICKET_MAX_SECONDS: z.coerce.number().int().positive().default(7200),
  /**
   * Seconds a session hands out work before it reports 100% so the Web Connector closes it; the
   * next session continues. Keep it below the time the Web Connector waits for a session.
   */
  QBD_SESSION_BUDGET_SECONDS: z.coerce.number().int().positive().default(600),
  /** Maximum number of requests in one qbXML message. */
  QBD_MAX_REQUESTS_PER_MESSAGE: z.coerce.number().int().positive().max(500).default(20),
  /** Seconds QuickBooks should take per message; the batch size adapts to stay within it. */
  QBD_TARGET_MESSAGE_SECONDS: z.coerce.number().positive().default(30),
  /** Minutes between full reads of the company file's lists; sessions in between read changes. */
  QBD_LIST_REFRESH_MINUTES: z.coerce.number().int().positive().default(60),
  /** Largest SOAP request accepted, in bytes (a list query response can be several megabytes). */
  QBD_MAX_SOAP_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024),
  /** Orders and refunds queued at once by one replica. */
  QBD_CONCURRENCY: z.coerce.number().int().positive().default(16),
});

export type QbdConfig = z.infer<typeof qbdConfigSchema>;
