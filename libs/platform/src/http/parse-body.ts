import { BadRequestException } from '@nestjs/common';
import { describeIssues } from '@qbsync/contracts';
import { type z } from 'zod';

/**
 * Validates a request body or query against `schema`; a mismatch becomes a 400 whose message names
 * each invalid field and what it must be.
 */
export function parseRequest<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);

  if (!result.success) {
    throw new BadRequestException({
      statusCode: 400,
      error: 'Bad Request',
      message: describeIssues(result.error.issues),
    });
  }

  return result.data;
}
