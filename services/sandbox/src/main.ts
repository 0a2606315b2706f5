import 'reflect-metadata';

import { AppLogger, createRootLogger, NestPinoLogger } from '@qbsync/platform';

import { createSandboxApp } from './app.factory';
import { loadSandboxConfig, SandboxConfigError } from './config/sandbox.config';

async function bootstrap(): Promise<void> {
  // JSON lines through pino, like the product's services, so one log pipeline reads them all.
  const rootLogger = createRootLogger('sandbox', process.env.LOG_LEVEL ?? 'info');
  const logger = new AppLogger(rootLogger).child('Sandbox');
  let config;

  try {
    config = loadSandboxConfig(process.env);
  } catch (error) {
    if (error instanceof SandboxConfigError) {
      logger.error(error.message);
      process.exit(1);
    }

    throw error;
  }

  const app = await createSandboxApp(config, { logger: new NestPinoLogger(rootLogger) });

  await app.listen(config.port, config.host);
  logger.info('Sandbox listening', { url: await app.getUrl(), fixturesDir: config.fixturesDir });

  // Kubernetes and the stack scripts stop the sandbox with SIGTERM; it finishes open requests and
  // exits 0 like the product's services.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info('Sandbox stopping', { signal });
      void app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error('Sandbox did not stop cleanly', error);
          process.exit(1);
        },
      );
    });
  }
}

void bootstrap();
