import { BadRequestException } from '@nestjs/common';
import { type z } from 'zod';

/**
 * Validates a control-endpoint body against a zod schema. Throws BadRequestException whose
 * message names the first invalid field, for example `Invalid request body: status: ...`.
 */
export function parseRequestBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});

  if (parsed.success) {
    return parsed.data;
  }

  const issue = parsed.error.issues[0];
  const field = issue.path.length > 0 ? issue.path.join('.') : 'body';

  throw new BadRequestException(`Invalid request body: ${field}: ${issue.message}`);
}
