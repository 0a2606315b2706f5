import { baseConfigSchema, databaseConfigSchema } from '@qbsync/platform';
import { z } from 'zod';

export const rulesConfigSchema = baseConfigSchema.extend(databaseConfigSchema.shape).extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  /** Orders the rules service rewrites at once in one replica. */
  RULES_CONCURRENCY: z.coerce.number().int().positive().default(32),
  /** Days a received order is kept for preview and replay. */
  RULES_ORDER_RETENTION_DAYS: z.coerce.number().int().positive().max(365).default(30),
  /** Maximum number of orders one replay request runs over. */
  RULES_REPLAY_MAX_ORDERS: z.coerce.number().int().positive().max(100_000).default(5_000),
  /** Milliseconds to wait for the posting service's company lists when validating rules. */
  RULES_COMPANY_LISTS_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
});

export type RulesConfig = z.infer<typeof rulesConfigSchema>;
