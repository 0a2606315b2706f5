import { type Connection, type Schema } from 'mongoose';

/** One versioned change to a service's database, applied at most once per database. */
export interface Migration {
  /**
   * Unique id that sorts in the order migrations run, such as
   * `2026-12-04-001-posting-ledger-indexes`: date, sequence number within the day, short name.
   */
  id: string;
  description: string;
  /** Applies the change. It should be safe to repeat, because a runner stopped mid-way repeats it. */
  up(connection: Connection): Promise<void>;
}

/** A mongoose model by name and schema, as a service's repository registers it. */
export interface ModelDefinition {
  name: string;
  // The schema's document type does not matter here, so any schema is accepted.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  schema: Schema<any>;
}

/**
 * Builds a migration that creates each model's collection and the indexes its schema declares.
 * It only adds: an index that a schema no longer declares stays until a later migration drops it,
 * so the previous release keeps working after a rollback.
 */
export function createIndexesMigration(
  id: string,
  description: string,
  models: ModelDefinition[],
): Migration {
  return {
    id,
    description,
    async up(connection) {
      for (const { name, schema } of models) {
        const model = connection.models[name] ?? connection.model(name, schema);

        await model.createCollection();
        await model.createIndexes();
      }
    },
  };
}
