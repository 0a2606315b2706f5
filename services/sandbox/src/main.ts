import 'reflect-metadata';

import { Logger } from '@nestjs/common';

import { createSandboxApp } from './app.factory';
import { loadSandboxConfig, SandboxConfigError } from './config/sandbox.config';

async function bootstrap(): Promise<void> {
  const logger = new Logger('Sandbox');
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

  const app = await createSandboxApp(config);

  await app.listen(config.port, config.host);
  logger.log({
    message: 'Sandbox listening',
    url: await app.getUrl(),
    fixturesDir: config.fixturesDir,
  });
}

void bootstrap();
