import { z } from 'zod';

const realmId = z.string().regex(/^\d{1,20}$/, 'expected a realm id of digits');

/** Body of `POST /__sandbox/faults`. */
export const faultRuleSchema = z
  .object({
    realmId,
    match: z
      .object({
        method: z
          .string()
          .transform((method) => method.toUpperCase())
          .pipe(z.enum(['GET', 'POST']))
          .optional(),
        entity: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    status: z.number().int().min(400).max(599),
    code: z.string().min(1).optional(),
    message: z.string().min(1).optional(),
    detail: z.string().optional(),
    count: z.number().int().min(1).max(100_000).default(1),
    afterCommit: z.boolean().optional(),
    drop: z.boolean().optional(),
    delayMs: z.number().int().min(0).max(120_000).optional(),
  })
  .strict();

/** Body of `PATCH /__sandbox/realms/:realmId/settings`. */
export const settingsSchema = z
  .object({
    warnDuplicateDocNumber: z.boolean().optional(),
    multiCurrencyEnabled: z.boolean().optional(),
    requestsPerMinute: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();

/** Body of `POST /__sandbox/clock`. At most ten years, in seconds. */
export const clockSchema = z
  .object({
    advanceSeconds: z
      .number()
      .positive()
      .max(10 * 365 * 24 * 3600),
  })
  .strict();

export const realmIdSchema = realmId;
