import mongoose, { type Connection } from 'mongoose';

/** Opens a mongoose connection to the test FerretDB started by `withInfrastructure()`. */
export async function openTestDatabase(uri: string): Promise<Connection> {
  return mongoose.createConnection(uri, { serverSelectionTimeoutMS: 10_000 }).asPromise();
}

/**
 * Waits until every model registered on `connection` has built its indexes, so a unique index
 * already holds for the first write of a test.
 */
export async function ensureIndexes(connection: Connection): Promise<void> {
  await Promise.all(Object.values(connection.models).map((model) => model.init()));
}
