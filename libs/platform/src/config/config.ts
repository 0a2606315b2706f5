import { z } from 'zod';

/** Variables every service reads. Each service extends this with its own. */
export const baseConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535),
  NATS_URL: z
    .string()
    .regex(/^(nats|tls):\/\/[^\s]+$/, 'must be a URL such as nats://127.0.0.1:4222'),
  /** Milliseconds a stopping service waits for in-flight messages before it exits anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
});

export const databaseConfigSchema = z.object({
  MONGODB_URI: z
    .string()
    .regex(
      /^mongodb(\+srv)?:\/\/[^\s]+\/[^\s/?]+/,
      'must be a URI with a database name, such as mongodb://127.0.0.1:27017/qbsync',
    ),
});

export const encryptionConfigSchema = z.object({
  /** 32 random bytes, base64 encoded (`openssl rand -base64 32`), that encrypt secrets at rest. */
  ENCRYPTION_KEY: z
    .string()
    .refine(
      (value) => Buffer.from(value, 'base64').length === 32,
      'must be 32 bytes encoded as base64 (openssl rand -base64 32)',
    ),
});

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigValidationError';
  }
}

/**
 * Validates `env` against `schema` and returns the typed configuration. Every missing or invalid
 * variable is listed by name in one error, so a misconfigured deployment is fixed in one pass.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);

  if (result.success) {
    return result.data;
  }

  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.');
    const value = env[name];
    const state = value === undefined || value === '' ? 'is missing' : 'is invalid';

    return `${name} ${state}: ${issue.message}`;
  });

  throw new ConfigValidationError(problems);
}
