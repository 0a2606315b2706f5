import { type LoggerService, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';

import { AppModule } from './app.module';
import { DEFAULT_FIXTURES_DIR, type SandboxConfig } from './config/sandbox.config';

/** Largest JSON body accepted, enough for a bulk of orders in one replay request. */
export const JSON_BODY_LIMIT = '10mb';

export interface SandboxAppOptions {
  /** Nest log levels, a logger to write through, or false to silence logging as the tests do. */
  logger?: LogLevel[] | LoggerService | false;
}

/** Settings used for anything the caller leaves out: the defaults of the environment variables. */
export function defaultSandboxConfig(): SandboxConfig {
  return {
    port: 4010,
    host: '127.0.0.1',
    qboClientId: 'sandbox-client-id',
    qboClientSecret: 'sandbox-client-secret',
    fixturesDir: DEFAULT_FIXTURES_DIR,
  };
}

/**
 * Creates the sandbox Nest application without listening, so that tests and the demo can run it
 * in-process. The caller calls `listen` (or `init` for supertest) and `close`.
 */
export async function createSandboxApp(
  config: Partial<SandboxConfig> = {},
  options: SandboxAppOptions = {},
): Promise<NestExpressApplication> {
  const resolved = { ...defaultSandboxConfig(), ...config };
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(resolved), {
    logger: options.logger ?? ['log', 'warn', 'error'],
  });

  app.use(helmet());
  app.useBodyParser('json', { limit: JSON_BODY_LIMIT });
  app.useBodyParser('urlencoded', { extended: false, limit: JSON_BODY_LIMIT });
  // QBO takes a query statement as an application/text body.
  app.useBodyParser('text', { type: ['application/text', 'text/plain'], limit: JSON_BODY_LIMIT });

  return app;
}
