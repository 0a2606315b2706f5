import {
  BadGatewayException,
  BadRequestException,
  Inject,
  Injectable,
  NotFoundException,
} from '@nestjs/common';
import { type Channel, type ConnectorRequest, connectorRequestSubject } from '@qbsync/contracts';
import { APP_CONFIG, AppLogger, NATS_CONNECTION } from '@qbsync/platform';
import { JSONCodec, type NatsConnection } from 'nats';

import { type GatewayConfig } from '../gateway.config';

const codec = JSONCodec();

type ConnectorReply<T> =
  | { ok: true; value: T }
  | { ok: false; error: { code: 'invalid_request' | 'not_found' | 'internal'; message: string } };

/**
 * Sends requests to one channel's connector over core NATS (`connectors.<channel>.<action>.1`).
 * An `invalid_request` reply becomes a 400 and `not_found` a 404, both with the connector's
 * message. No responder, a timeout or an internal error becomes a 502.
 */
@Injectable()
export class ConnectorClient {
  private readonly logger: AppLogger;

  constructor(
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child(ConnectorClient.name);
  }

  async request<T>(
    channel: Channel,
    action: ConnectorRequest,
    payload: unknown,
    timeoutMs = this.config.RPC_TIMEOUT_MS,
  ): Promise<T> {
    const subject = connectorRequestSubject(channel, action);
    let reply: ConnectorReply<T>;

    try {
      const message = await this.nats.request(subject, codec.encode(payload), {
        timeout: timeoutMs,
      });

      reply = codec.decode(message.data) as ConnectorReply<T>;
    } catch (error) {
      const text = (error as Error).message;
      const reason = /503|no responders/i.test(text)
        ? `no ${channel} connector is running; deploy it with CHANNEL=${channel}`
        : /timeout/i.test(text)
          ? 'timed out'
          : text;

      this.logger.error('Connector request failed', error, { subject });
      throw new BadGatewayException(
        `The ${channel} connector did not respond to ${action}: ${reason}`,
      );
    }

    if (reply.ok) {
      return reply.value;
    }

    if (reply.error.code === 'invalid_request') {
      throw new BadRequestException(reply.error.message);
    }

    if (reply.error.code === 'not_found') {
      throw new NotFoundException(reply.error.message);
    }

    throw new BadGatewayException(
      `The ${channel} connector failed ${action}: ${reply.error.message}`,
    );
  }
}
