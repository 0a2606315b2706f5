import { z } from 'zod';

/**
 * Request: pair a QuickBooks Desktop company file with an account, or pair it again. The qbd
 * service creates the Web Connector user, a random password (returned once, stored as a hash) and
 * the `.qwc` identifiers; pairing again keeps the identifiers and issues a new password.
 */
export const qbdConnectionPairSchema = z.object({
  accountId: z.string().min(1),
  connectionId: z.string().min(1),
  /** Name the Web Connector shows for the application (`AppName`). */
  appName: z.string().trim().min(1).max(200).default('qbsync'),
  /** Minutes between Web Connector sessions (`Scheduler/RunEveryNMinutes`), 1 to 60. */
  runEveryNMinutes: z.number().int().min(1).max(60).default(1),
  /** Home currency of the company file, as an ISO 4217 code. */
  homeCurrency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be a three-letter ISO 4217 code such as USD')
    .default('USD'),
  /**
   * Posting settings by name (accounts, items, tax mode, missing product action...); the qbd
   * service validates them and names any it rejects. Absent ones keep their defaults.
   */
  settings: z.record(z.string(), z.union([z.string(), z.boolean()])).default({}),
});
export type QbdConnectionPair = z.infer<typeof qbdConnectionPairSchema>;

/** Request: issue a new Web Connector password for a paired company file. */
export const qbdPasswordResetSchema = z.object({
  accountId: z.string().min(1),
});
export type QbdPasswordReset = z.infer<typeof qbdPasswordResetSchema>;

/** Request: the `.qwc` file the user opens in the Web Connector. */
export const qbdQwcGetSchema = z.object({
  accountId: z.string().min(1),
});
export type QbdQwcGet = z.infer<typeof qbdQwcGetSchema>;

/** Reply: a paired company file as the gateway may show it; the password appears only once. */
export const qbdConnectionStatusSchema = z.object({
  accountId: z.string(),
  connectionId: z.string(),
  userName: z.string(),
  /** The new Web Connector password; present only in the reply that created it. */
  password: z.string().optional(),
  ownerId: z.string(),
  fileId: z.string(),
  /** Company file path the first Web Connector session reported; absent until then. */
  companyFile: z.string().optional(),
  lastSessionAt: z.string().optional(),
  queued: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
});
export type QbdConnectionStatus = z.infer<typeof qbdConnectionStatusSchema>;

/** Reply: the `.qwc` file's XML. */
export const qbdQwcSchema = z.object({
  fileName: z.string(),
  xml: z.string(),
});
export type QbdQwc = z.infer<typeof qbdQwcSchema>;
