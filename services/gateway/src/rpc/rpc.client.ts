import {
  BadGatewayException,
  BadRequestException,
  Inject,
  Injectable,
  NotFoundException,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ClientProxyFactory, type ClientProxy, Transport } from '@nestjs/microservices';
import { APP_CONFIG, AppLogger } from '@qbsync/platform';
import { lastValueFrom, timeout } from 'rxjs';

import { type GatewayConfig } from '../gateway.config';

/**
 * Request/reply to the other services over core NATS. An `invalid_request` reply becomes a 400 and
 * a `not_found` reply a 404, each with the service's own message. A timeout or any other failure
 * becomes a 502.
 */
@Injectable()
export class RpcClient implements OnApplicationShutdown {
  private readonly client: ClientProxy;
  private readonly logger: AppLogger;

  constructor(
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    logger: AppLogger,
  ) {
    this.client = ClientProxyFactory.create({
      transport: Transport.NATS,
      options: { servers: config.NATS_URL.split(',') },
    });
    this.logger = logger.child(RpcClient.name);
  }

  async send<T>(subject: string, payload: unknown): Promise<T> {
    try {
      return await lastValueFrom(
        this.client.send<T>(subject, payload).pipe(timeout(this.config.RPC_TIMEOUT_MS)),
      );
    } catch (error) {
      const reply = error as { code?: string; message?: string; name?: string };

      if (reply.code === 'invalid_request' || reply.code === 'authorization_failed') {
        throw new BadRequestException(reply.message);
      }

      if (reply.code === 'not_found') {
        throw new NotFoundException(reply.message);
      }

      this.logger.error('Request to another service failed', error, { subject });
      const reason = reply.name === 'TimeoutError' ? 'timed out' : (reply.message ?? 'failed');

      throw new BadGatewayException(`The service behind ${subject} ${reason}; try again shortly`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
