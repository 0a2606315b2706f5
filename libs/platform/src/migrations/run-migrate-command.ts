import mongoose from 'mongoose';
import { z } from 'zod';

import { ConfigValidationError, databaseConfigSchema, loadConfig } from '../config/config';
import { AppLogger, createRootLogger } from '../logging/logger';
import { type Migration } from './migration';
import { MigrationError, runMigrations } from './run-migrations';

/**
 * Variables the migrate command reads: only the database and logging, so a pre-upgrade Job
 * needs none of the service's API credentials or encryption key.
 */
export const migrationConfigSchema = databaseConfigSchema.extend({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Milliseconds to wait for a migration that another runner is applying. */
  MIGRATION_WAIT_TIMEOUT_MS: z.coerce.number().int().positive().default(600_000),
});

/**
 * Runs `migrations` against the service's database (`MONGODB_URI`) and exits the process:
 * 0 when every migration is applied, 1 on an invalid configuration, an unreachable database or a
 * failed migration. Each service's `migrate.ts` calls it; the Helm pre-upgrade Job runs that file.
 */
export async function runMigrateCommand(
  service: string,
  migrations: readonly Migration[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  let config: z.infer<typeof migrationConfigSchema>;

  try {
    config = loadConfig(migrationConfigSchema, env);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${service} migrate: ${error.message}\n`);
      process.exit(1);
    }

    throw error;
  }

  const logger = new AppLogger(createRootLogger(service, config.LOG_LEVEL)).child('Migrations');
  // autoIndex is off so that indexes are built only by the migrations, in their order.
  const connection = mongoose.createConnection(config.MONGODB_URI, {
    serverSelectionTimeoutMS: 10_000,
    autoIndex: false,
  });
  let exitCode = 0;

  try {
    await connection.asPromise();
    logger.info('Running migrations', { database: connection.name, defined: migrations.length });
    await runMigrations(connection, migrations, logger, {
      waitTimeoutMs: config.MIGRATION_WAIT_TIMEOUT_MS,
    });
  } catch (error) {
    exitCode = 1;
    if (error instanceof MigrationError) {
      logger.error(
        'Migration failed; the database keeps every migration applied before it',
        error,
        {
          migrationId: error.migrationId,
        },
      );
    } else {
      logger.error('Migrations could not run', error, { database: connection.name });
    }
  } finally {
    await connection.close().catch(() => undefined);
  }

  process.exit(exitCode);
}
