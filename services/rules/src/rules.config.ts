import { baseConfigSchema, databaseConfigSchema } from '@qbsync/platform';
import { z } from 'zod';

export const rulesConfigSchema = baseConfigSchema.extend(databaseConfigSchema.shape).extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3002),
  /** Orders the rules service rewrites at once in one replica. */
  RULES_CONCURRENCY: z.coerce.number().int().positive().default(32),
});

export type RulesConfig = z.infer<typeof rulesConfigSchema>;
