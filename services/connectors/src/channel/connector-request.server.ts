import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  CONNECTOR_REQUESTS,
  type ConnectorRequest,
  connectorRequestSubject,
} from '@qbsync/contracts';
import { AppLogger, MONGOOSE_CONNECTION, NATS_CONNECTION } from '@qbsync/platform';
import { type Connection } from 'mongoose';
import { JSONCodec, type Msg, type NatsConnection, type Subscription } from 'nats';

import { ChannelCallFactory } from './channel-call.factory';
import {
  ChannelConnectionRepository,
  InvalidCredentialsError,
} from './channel-connection.repository';
import { type ChannelAdapter } from './channel-adapter';
import { CHANNEL_ADAPTER } from './channel.tokens';
import { ConnectionLifecycleRequests } from './connection-lifecycle';
import {
  ConnectionNotFoundError,
  ConnectorRequestsService,
  InvalidConnectorRequestError,
} from './connector-requests.service';

const codec = JSONCodec();

/** The reply envelope: the value, or an error code the gateway turns into an HTTP status. */
export type ConnectorReply =
  | { ok: true; value: unknown }
  | { ok: false; error: { code: 'invalid_request' | 'not_found' | 'internal'; message: string } };

/**
 * Serves the connector's request/reply subjects (`connectors.<channel>.<action>.1`) over core NATS
 * in the queue group `connectors-<channel>`, so one replica of the right channel handles each request. Plain NATS rather than Nest's transport, because the subjects depend on `CHANNEL`.
 */
@Injectable()
export class ConnectorRequestServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: AppLogger;
  private readonly subscriptions: Subscription[] = [];
  private readonly lifecycleRequests: ConnectionLifecycleRequests;

  constructor(
    @Inject(CHANNEL_ADAPTER) private readonly adapter: ChannelAdapter,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    private readonly requests: ConnectorRequestsService,
    connections: ChannelConnectionRepository,
    calls: ChannelCallFactory,
    @Inject(MONGOOSE_CONNECTION) database: Connection,
    logger: AppLogger,
  ) {
    this.logger = logger.child(ConnectorRequestServer.name);
    this.lifecycleRequests = new ConnectionLifecycleRequests(
      adapter,
      connections,
      calls,
      requests,
      database,
      logger.child(ConnectionLifecycleRequests.name),
    );
  }

  onApplicationBootstrap(): void {
    for (const action of CONNECTOR_REQUESTS) {
      const subscription = this.nats.subscribe(
        connectorRequestSubject(this.adapter.channel, action),
        {
          queue: `connectors-${this.adapter.channel}`,
          callback: (error, message) => {
            if (error) {
              this.logger.error('Request subscription failed', error, { action });

              return;
            }

            void this.answer(action, message);
          },
        },
      );

      this.subscriptions.push(subscription);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    for (const subscription of this.subscriptions) {
      await subscription.drain();
    }
  }

  private async answer(action: ConnectorRequest, message: Msg): Promise<void> {
    const reply = await this.dispatch(action, message);

    if (message.reply) {
      message.respond(codec.encode(reply));
    }
  }

  private async dispatch(action: ConnectorRequest, message: Msg): Promise<ConnectorReply> {
    let payload: unknown;

    try {
      payload = codec.decode(message.data);
    } catch {
      return { ok: false, error: { code: 'invalid_request', message: 'body: is not valid JSON' } };
    }

    try {
      return { ok: true, value: await this.run(action, payload) };
    } catch (error) {
      if (
        error instanceof InvalidConnectorRequestError ||
        error instanceof InvalidCredentialsError
      ) {
        return { ok: false, error: { code: 'invalid_request', message: error.message } };
      }

      if (error instanceof ConnectionNotFoundError) {
        return { ok: false, error: { code: 'not_found', message: error.message } };
      }

      this.logger.error('Connector request failed', error, { action });

      return {
        ok: false,
        error: { code: 'internal', message: `${action} failed: ${(error as Error).message}` },
      };
    }
  }

  private run(action: ConnectorRequest, payload: unknown): Promise<unknown> {
    switch (action) {
      case 'connection-put':
        return this.requests.putConnection(payload);
      case 'connection-test':
        return this.requests.testConnection(payload);
      case 'resync':
        return this.requests.resync(payload);
      case 'orders-upload':
        return this.requests.uploadOrders(payload);
      case 'webhooks-register':
        return this.lifecycleRequests.register(payload);
      case 'connection-disconnect':
        return this.lifecycleRequests.disconnect(payload);
      case 'connection-reauthorize':
        return this.lifecycleRequests.reauthorize(payload);
    }
  }
}
