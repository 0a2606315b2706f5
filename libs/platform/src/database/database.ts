import mongoose, { type Connection } from 'mongoose';

import { type AppLogger } from '../logging/logger';

/**
 * Opens the service's mongoose connection. The code keeps to what both MongoDB 6+ and FerretDB
 * 1.24 support: no transactions, change streams, TTL or partial indexes, or Decimal128.
 */
export async function openDatabase(uri: string, logger: AppLogger): Promise<Connection> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize: 20,
    autoIndex: true,
  });

  connection.on('disconnected', () => logger.warn('Database disconnected'));
  connection.on('reconnected', () => logger.info('Database reconnected'));
  await connection.asPromise();
  logger.info('Connected to the database', { database: connection.name });

  return connection;
}

/** MongoDB's duplicate-key error code, raised by unique indexes. */
export const DUPLICATE_KEY_ERROR = 11000;

export function isDuplicateKeyError(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: number }).code === DUPLICATE_KEY_ERROR
  );
}
