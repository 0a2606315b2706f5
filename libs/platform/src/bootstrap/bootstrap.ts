import { type DynamicModule, type INestApplication, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type MicroserviceOptions, Transport } from '@nestjs/microservices';
import { type NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import helmet from 'helmet';
import { type Connection } from 'mongoose';
import { type NatsConnection } from 'nats';
import { type z } from 'zod';

import { ConfigValidationError, loadConfig } from '../config/config';
import { openDatabase } from '../database/database';
import { AppLogger, createRootLogger, NestPinoLogger } from '../logging/logger';
import { JetStreamService } from '../nats/jetstream.service';
import { openNatsConnection } from '../nats/nats.connection';
import { PlatformModule } from '../platform.module';

const DEFAULT_BODY_LIMIT_BYTES = 2 * 1024 * 1024;

type BaseConfig = {
  LOG_LEVEL: string;
  HTTP_HOST: string;
  HTTP_PORT: number;
  SHUTDOWN_TIMEOUT_MS: number;
  NATS_URL?: string;
  MONGODB_URI?: string;
};

export interface ServiceDefinition<S extends z.ZodObject> {
  /** Service name: the logger's `service` field, the NATS connection name and queue group. */
  name: string;
  configSchema: S;
  /** The service's own module; bootstrap imports it beside the global platform module. */
  rootModule: (config: z.infer<S>) => Type | DynamicModule;
  /** Connects to NATS for JetStream (needs NATS_URL in the schema). */
  nats?: boolean;
  /** Opens the mongoose connection (needs MONGODB_URI in the schema). */
  database?: boolean;
  /** Serves @MessagePattern handlers over core NATS request/reply in the service's queue group. */
  requestReply?: boolean;
  /** Largest accepted request body, in bytes, or a function that reads it from the config. */
  bodyLimitBytes?: number | ((config: z.infer<S>) => number);
  /**
   * Path prefixes whose bodies reach the handler as raw bytes (a Buffer), for webhook endpoints
   * that verify a signature over the exact bytes and report malformed JSON themselves.
   */
  rawBodyRoutes?: string[];
}

export interface RunningService<C> {
  app: INestApplication;
  config: C;
  logger: AppLogger;
  /** The base URL the HTTP server listens on, such as http://127.0.0.1:3000. */
  url: string;
  /** Stops taking work, finishes in-flight messages, then closes connections. */
  stop(): Promise<void>;
}

/** Starts a service in this process; used by each service's `main.ts` and by end-to-end tests. */
export async function startService<S extends z.ZodObject>(
  definition: ServiceDefinition<S>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunningService<z.infer<S>>> {
  const config = loadConfig(definition.configSchema, env) as z.infer<S> & BaseConfig;
  const rootLogger = createRootLogger(definition.name, config.LOG_LEVEL);
  const logger = new AppLogger(rootLogger);
  const nats =
    definition.nats || definition.requestReply
      ? await connectOrExplain('NATS_URL', config.NATS_URL, (url) =>
          openNatsConnection(url, definition.name, logger.child('Nats')),
        )
      : undefined;
  const database = definition.database
    ? await connectOrExplain('MONGODB_URI', config.MONGODB_URI, (uri) =>
        openDatabase(uri, logger.child('Database')),
      )
    : undefined;
  const platform = PlatformModule.forRoot({ config, logger, nats, database });
  const app = await NestFactory.create<NestExpressApplication>(
    ServiceRootModule.register(platform, definition.rootModule(config)),
    {
      logger: new NestPinoLogger(rootLogger),
      rawBody: true,
      bodyParser: false,
    },
  );

  configureHttp(app, definition, bodyLimit(definition, config), logger);
  if (definition.requestReply) {
    app.connectMicroservice<MicroserviceOptions>({
      transport: Transport.NATS,
      options: {
        servers: requireSetting(config.NATS_URL, 'NATS_URL').split(','),
        queue: definition.name,
      },
    });
    await app.startAllMicroservices();
  }

  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');

  logger.info('Service started', { url });

  return {
    app,
    config,
    logger,
    url,
    stop: () => stopService(app, config, logger, nats, database),
  };
}

/**
 * Runs a service as the process's main program: a configuration error prints every bad variable
 * and exits 1, and SIGTERM or SIGINT stops it gracefully.
 */
export async function runService<S extends z.ZodObject>(
  definition: ServiceDefinition<S>,
): Promise<void> {
  let service: RunningService<z.infer<S>>;

  try {
    service = await startService(definition);
  } catch (error) {
    if (error instanceof ConfigValidationError || error instanceof StartupError) {
      process.stderr.write(`${definition.name}: ${error.message}\n`);
    } else {
      process.stderr.write(
        `${definition.name}: failed to start: ${(error as Error).stack ?? String(error)}\n`,
      );
    }

    process.exit(1);
  }

  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      return;
    }

    stopping = true;
    service.logger.info('Stopping', { signal });
    service.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        service.logger.error('Failed to stop cleanly', error);
        process.exit(1);
      },
    );
  };

  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

function bodyLimit<S extends z.ZodObject>(
  definition: ServiceDefinition<S>,
  config: z.infer<S>,
): number {
  const limit = definition.bodyLimitBytes;

  return typeof limit === 'function' ? limit(config) : (limit ?? DEFAULT_BODY_LIMIT_BYTES);
}

/** Root of every service: the platform (global) beside the service's own module. */
@Module({})
class ServiceRootModule {
  static register(platform: DynamicModule, serviceModule: Type | DynamicModule): DynamicModule {
    return { module: ServiceRootModule, imports: [platform, serviceModule] };
  }
}

function configureHttp(
  app: NestExpressApplication,
  definition: ServiceDefinition<z.ZodObject>,
  limit: number,
  logger: AppLogger,
): void {
  app.use(helmet());
  for (const route of definition.rawBodyRoutes ?? []) {
    app.use(route, express.raw({ type: () => true, limit }));
  }

  app.useBodyParser('json', { limit });
  app.useBodyParser('urlencoded', { limit, extended: false });
  app.use(bodyParserErrorHandler(logger.child('Http'), limit));
}

/** Responds to an unreadable or oversized body with JSON that names the problem, and logs it. */
function bodyParserErrorHandler(
  logger: AppLogger,
  limitBytes: number,
): express.ErrorRequestHandler {
  return (error: { status?: number; type?: string; message?: string }, request, response, next) => {
    if (!error.type || !error.status) {
      next(error);

      return;
    }

    const message =
      error.type === 'entity.too.large'
        ? `request body is larger than ${limitBytes} bytes, the most this endpoint accepts`
        : `request body could not be read: ${error.message ?? error.type}`;

    logger.warn('Rejected request body', {
      path: request.path,
      status: error.status,
      reason: message,
    });
    response.status(error.status).json({ statusCode: error.status, message });
  };
}

async function stopService(
  app: INestApplication,
  config: BaseConfig,
  logger: AppLogger,
  nats?: NatsConnection,
  database?: Connection,
): Promise<void> {
  if (nats) {
    await app.get(JetStreamService).drainConsumers(config.SHUTDOWN_TIMEOUT_MS);
  }

  await app.close();
  if (nats && !nats.isClosed()) {
    await nats.drain();
  }

  await database?.close();
  logger.info('Service stopped');
}

/** A start failure whose message names the fix, so it is printed without a stack trace. */
export class StartupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/** Connects with `connect`, turning a failure into an error that names the variable and its value. */
async function connectOrExplain<T>(
  variable: string,
  value: string | undefined,
  connect: (url: string) => Promise<T>,
): Promise<T> {
  const url = requireSetting(value, variable);

  try {
    return await connect(url);
  } catch (error) {
    throw new StartupError(
      `Could not connect to ${variable}=${redactCredentials(url)}: ${(error as Error).message}; check that the server runs and ${variable} points at it`,
      { cause: error },
    );
  }
}

function redactCredentials(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

function requireSetting(value: string | undefined, name: string): string {
  if (!value) {
    throw new ConfigValidationError([`${name} is missing: this service needs it`]);
  }

  return value;
}
