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
          // BATCH matches single items inside a batch call rather than the whole call.
          .pipe(z.enum(['GET', 'POST', 'BATCH']))
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
    requestsPerSecond: z.number().int().min(0).max(100_000).optional(),
    concurrentRequests: z.number().int().min(0).max(10_000).optional(),
    batchesPerMinute: z.number().int().min(0).max(100_000).optional(),
  })
  .strict();

/**
 * Body of `PUT /__sandbox/limits`: `intuit` applies Intuit's production limits (500 requests a
 * minute, 10 a second, 10 concurrent, 40 batches a minute), `none` removes them, and explicit
 * numbers override either.
 */
export const limitsSchema = z
  .object({
    preset: z.enum(['intuit', 'none']).default('intuit'),
    requestsPerMinute: z.number().int().min(0).max(1_000_000).optional(),
    requestsPerSecond: z.number().int().min(0).max(100_000).optional(),
    concurrentRequests: z.number().int().min(0).max(10_000).optional(),
    batchesPerMinute: z.number().int().min(0).max(100_000).optional(),
  })
  .strict();

/** Body of `PUT /__sandbox/webhooks`. */
export const webhookSubscriptionSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'expected an http(s) URL' }),
    verifierToken: z.string().min(1, 'expected the verifier token'),
    format: z.enum(['legacy', 'cloudevents']).default('legacy'),
    delayMs: z.number().int().min(0).max(60_000).default(200),
  })
  .strict();

/** Body of `POST /__sandbox/realms/:realmId/webhooks`: a notification to send now. */
export const webhookSendSchema = z
  .object({
    entities: z
      .array(
        z
          .object({
            name: z.string().min(1),
            id: z.string().min(1),
            operation: z.enum(['Create', 'Update', 'Delete']).default('Update'),
          })
          .strict(),
      )
      .min(1),
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
