import type { z } from 'zod';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Validates a decoded message against its contract. The error names every invalid field by its
 * path ("lines[0].quantity: must be a whole number greater than zero") so a log entry alone says
 * what to fix.
 */
export function parseMessage<S extends z.ZodType>(
  schema: S,
  data: unknown,
): ParseResult<z.infer<S>> {
  const result = schema.safeParse(data);

  if (result.success) {
    return { ok: true, value: result.data };
  }

  return { ok: false, error: describeIssues(result.error.issues) };
}

export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 10)
    .map((issue) => `${formatPath(issue.path) || '(message)'}: ${issue.message}`)
    .join('; ');
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, key) => {
    if (typeof key === 'number') {
      return `${text}[${key}]`;
    }

    return text ? `${text}.${String(key)}` : String(key);
  }, '');
}
