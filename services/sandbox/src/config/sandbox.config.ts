import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import * as path from 'node:path';

import { z } from 'zod';

/**
 * The repository's `fixtures` folder. The path is computed from this file, which sits two levels
 * below the package root both as `src/config` and as `dist/config`.
 */
export const DEFAULT_FIXTURES_DIR = path.resolve(__dirname, '..', '..', '..', '..', 'fixtures');

/** The XSD file that the fixtures folder must contain for the QuickBooks field catalogue. */
export const QBO_SCHEMA_FILE = path.join('qbo', 'xsd', 'Finance.xsd');

const hostnamePattern =
  /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

const portMessage = 'expected an integer port from 0 to 65535';

const sandboxEnvSchema = z.object({
  SANDBOX_PORT: z.coerce
    .number({ message: portMessage })
    .int(portMessage)
    .min(0, portMessage)
    .max(65535, portMessage)
    .default(4010),
  SANDBOX_HOST: z
    .string()
    .trim()
    .refine(
      (host) => isIP(host) !== 0 || hostnamePattern.test(host),
      'expected an IP address or host name',
    )
    .default('127.0.0.1'),
  SANDBOX_QBO_CLIENT_ID: z
    .string()
    .trim()
    .min(1, 'expected a client id')
    .default('sandbox-client-id'),
  SANDBOX_QBO_CLIENT_SECRET: z.string().min(1).default('sandbox-client-secret'),
  SANDBOX_FIXTURES_DIR: z
    .string()
    .trim()
    .min(1)
    .default(DEFAULT_FIXTURES_DIR)
    .refine(
      (dir) => existsSync(path.join(dir, QBO_SCHEMA_FILE)),
      `expected a folder that contains ${QBO_SCHEMA_FILE}`,
    ),
});

export interface SandboxConfig {
  port: number;
  host: string;
  qboClientId: string;
  qboClientSecret: string;
  /** Folder with `qbo/xsd` and `shopify/order-*.json`. */
  fixturesDir: string;
}

export class SandboxConfigError extends Error {
  override readonly name = 'SandboxConfigError';
}

/**
 * Reads the sandbox settings from environment variables and applies the defaults.
 * Throws SandboxConfigError naming the first invalid variable and its value.
 */
export function loadSandboxConfig(env: NodeJS.ProcessEnv = process.env): SandboxConfig {
  const parsed = sandboxEnvSchema.safeParse(presentValues(env));

  if (!parsed.success) {
    throw new SandboxConfigError(describeIssue(parsed.error.issues[0], env));
  }

  return {
    port: parsed.data.SANDBOX_PORT,
    host: parsed.data.SANDBOX_HOST,
    qboClientId: parsed.data.SANDBOX_QBO_CLIENT_ID,
    qboClientSecret: parsed.data.SANDBOX_QBO_CLIENT_SECRET,
    fixturesDir: path.resolve(parsed.data.SANDBOX_FIXTURES_DIR),
  };
}

/** Keeps only the sandbox variables that are set and non-empty, so empty ones take the default. */
function presentValues(env: NodeJS.ProcessEnv): Record<string, string> {
  const values: Record<string, string> = {};

  for (const key of Object.keys(sandboxEnvSchema.shape)) {
    const value = env[key];

    if (value !== undefined && value !== '') {
      values[key] = value;
    }
  }

  return values;
}

function describeIssue(issue: z.core.$ZodIssue | undefined, env: NodeJS.ProcessEnv): string {
  const variable = String(issue?.path[0] ?? 'unknown');
  const displayedValue = variable.endsWith('SECRET')
    ? '(hidden)'
    : JSON.stringify(env[variable] ?? '');

  return `Invalid environment variable ${variable}=${displayedValue}: ${issue?.message ?? 'invalid value'}`;
}
