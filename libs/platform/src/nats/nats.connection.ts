import { connect, type NatsConnection } from 'nats';

import { type AppLogger } from '../logging/logger';

/** Injection token of the service's single NATS connection. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

/**
 * Opens the NATS connection a service uses for JetStream. It reconnects forever, because a
 * service without NATS can do no work, and logs each disconnect and reconnect.
 */
export async function openNatsConnection(
  url: string,
  name: string,
  logger: AppLogger,
): Promise<NatsConnection> {
  const connection = await connect({
    servers: url.split(','),
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
  });

  void watchStatus(connection, logger);
  logger.info('Connected to NATS', { server: connection.getServer() });

  return connection;
}

async function watchStatus(connection: NatsConnection, logger: AppLogger): Promise<void> {
  for await (const status of connection.status()) {
    if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'error') {
      logger.warn('NATS connection status changed', {
        status: status.type,
        data: String(status.data),
      });
    }
  }
}
