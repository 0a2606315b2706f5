import { type Connection } from 'mongoose';

import { isDuplicateKeyError } from '../database/database';
import { type AppLogger } from '../logging/logger';
import { type Migration } from './migration';

/** Collection that records each migration claimed or applied, with the migration id as `_id`. */
export const MIGRATIONS_COLLECTION = 'schema_migrations';

/** A `schema_migrations` document. */
interface MigrationRecord {
  _id: string;
  description: string;
  /** `running` while one runner applies it, `applied` once `up` succeeded. */
  state: 'running' | 'applied';
  runner: string;
  startedAt: Date;
  appliedAt?: Date;
}

export interface MigrationRunOptions {
  /**
   * Milliseconds to wait for a migration that another runner is applying before giving up
   * (default 600 000, ten minutes).
   */
  waitTimeoutMs?: number;
  /** Milliseconds between checks of a migration that another runner is applying (default 500). */
  pollIntervalMs?: number;
  /** Name recorded with each claim, so a stuck claim can be traced to its runner. */
  runner?: string;
}

export interface MigrationRunResult {
  /** Ids this run applied. */
  applied: string[];
  /** Ids that were already applied, by an earlier run or by a runner racing this one. */
  alreadyApplied: string[];
  /** Ids recorded in the database that this release does not define (applied by a newer one). */
  unknown: string[];
}

/** A migration that failed, or that could not be claimed; `migrationId` names it. */
export class MigrationError extends Error {
  constructor(
    readonly migrationId: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`Migration ${migrationId} failed: ${message}`, options);
    this.name = 'MigrationError';
  }
}

/**
 * Applies `migrations` in order, each at most once per database, and records them in
 * `schema_migrations`. A runner claims a migration by inserting its id as `_id`, so of several
 * runners racing, exactly one applies it and the others wait until it is recorded as applied.
 * A unique insert is used because FerretDB 1.24 on SQLite does not isolate concurrent updates.
 *
 * A migration whose `up` throws is not recorded, and the run stops with a `MigrationError` that
 * names it. If a runner is killed mid-migration, its claim stays `running`, and later runs wait
 * `waitTimeoutMs` and then fail with the document to delete.
 */
export async function runMigrations(
  connection: Connection,
  migrations: readonly Migration[],
  logger: AppLogger,
  options: MigrationRunOptions = {},
): Promise<MigrationRunResult> {
  assertOrdered(migrations);

  const records = migrationRecords(connection);
  const runner = options.runner ?? defaultRunnerName();
  const result: MigrationRunResult = { applied: [], alreadyApplied: [], unknown: [] };

  for (const migration of migrations) {
    const outcome = await applyOnce(connection, migration, runner, logger, options);

    result[outcome === 'applied' ? 'applied' : 'alreadyApplied'].push(migration.id);
  }

  const known = new Set(migrations.map((migration) => migration.id));
  const recorded = await records.find({}, { projection: { _id: 1 } }).toArray();

  result.unknown = recorded.map((record) => record._id).filter((id) => !known.has(id));
  if (result.unknown.length > 0) {
    logger.warn('Database has migrations that this release does not define', {
      migrationIds: result.unknown,
      hint: 'a newer release applied them; this release runs only if they are backward compatible',
    });
  }

  logger.info('Migrations finished', {
    applied: result.applied.length,
    alreadyApplied: result.alreadyApplied.length,
  });

  return result;
}

function migrationRecords(connection: Connection) {
  return connection.collection<MigrationRecord>(MIGRATIONS_COLLECTION);
}

type Records = ReturnType<typeof migrationRecords>;

async function applyOnce(
  connection: Connection,
  migration: Migration,
  runner: string,
  logger: AppLogger,
  options: MigrationRunOptions,
): Promise<'applied' | 'already_applied'> {
  const waitTimeoutMs = options.waitTimeoutMs ?? 600_000;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const deadline = Date.now() + waitTimeoutMs;
  const records = migrationRecords(connection);

  for (;;) {
    if (await claim(records, migration, runner)) {
      await apply(connection, migration, runner, logger);

      return 'applied';
    }

    const existing = await records.findOne({ _id: migration.id });

    if (existing?.state === 'applied') {
      logger.debug('Migration already applied', { migrationId: migration.id });

      return 'already_applied';
    }

    // Claimed by a runner that is still applying it, or the claim was just released after a
    // failure (then the next pass claims it again).
    if (Date.now() > deadline) {
      throw new MigrationError(
        migration.id,
        `runner ${existing?.runner ?? '(unknown)'} claimed it at ${existing?.startedAt?.toISOString() ?? '(unknown)'} and has not finished within ${waitTimeoutMs} ms; if that runner has stopped, delete the document { _id: "${migration.id}" } from ${MIGRATIONS_COLLECTION} and run the migrations again`,
      );
    }

    await new Promise((resolve) => setTimeout(resolve, pollIntervalMs));
  }
}

/** Inserts the claim; returns false when another runner's claim or record already exists. */
async function claim(records: Records, migration: Migration, runner: string): Promise<boolean> {
  try {
    await records.insertOne({
      _id: migration.id,
      description: migration.description,
      state: 'running',
      runner,
      startedAt: new Date(),
    });

    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      return false;
    }

    throw new MigrationError(migration.id, `could not record its claim: ${errorMessage(error)}`, {
      cause: error,
    });
  }
}

async function apply(
  connection: Connection,
  migration: Migration,
  runner: string,
  logger: AppLogger,
): Promise<void> {
  const records = migrationRecords(connection);
  const started = Date.now();

  logger.info('Applying migration', {
    migrationId: migration.id,
    description: migration.description,
    runner,
  });
  try {
    await migration.up(connection);
  } catch (error) {
    // Release the claim, so the migration counts as not applied and the next run repeats it.
    await records.deleteOne({ _id: migration.id, runner }).catch((releaseError: unknown) => {
      logger.error('Could not release the claim of a failed migration', releaseError, {
        migrationId: migration.id,
      });
    });
    throw new MigrationError(migration.id, errorMessage(error), { cause: error });
  }

  // Only the runner whose insert succeeded writes this document, so the update races nothing.
  await records.updateOne(
    { _id: migration.id },
    { $set: { state: 'applied', appliedAt: new Date() } },
  );
  logger.info('Applied migration', {
    migrationId: migration.id,
    durationMs: Date.now() - started,
  });
}

function assertOrdered(migrations: readonly Migration[]): void {
  for (let index = 1; index < migrations.length; index++) {
    const previous = migrations[index - 1].id;
    const current = migrations[index].id;

    if (current <= previous) {
      throw new Error(
        `Migration ids must be unique and listed in ascending order, but ${current} follows ${previous}`,
      );
    }
  }
}

function defaultRunnerName(): string {
  return `${process.env.HOSTNAME ?? 'local'}:${process.pid}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
