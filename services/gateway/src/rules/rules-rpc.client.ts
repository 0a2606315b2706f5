import {
  BadGatewayException,
  BadRequestException,
  ConflictException,
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
 * Request/reply to the rules service. Its error codes become HTTP statuses with the service's
 * message: `invalid_request` 400, `not_found` 404, `conflict` 409. A timeout or any other failure
 * becomes a 502.
 */
@Injectable()
export class RulesRpcClient implements OnApplicationShutdown {
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
    this.logger = logger.child(RulesRpcClient.name);
  }

  async send<T>(subject: string, payload: unknown): Promise<T> {
    try {
      return await lastValueFrom(
        this.client.send<T>(subject, payload).pipe(timeout(this.config.RPC_TIMEOUT_MS)),
      );
    } catch (error) {
      const reply = error as { code?: string; message?: string; name?: string };

      switch (reply.code) {
        case 'invalid_request':
          throw new BadRequestException(reply.message);
        case 'not_found':
          throw new NotFoundException(reply.message);
        case 'conflict':
          throw new ConflictException(reply.message);
      }

      this.logger.error('Request to the rules service failed', error, { subject });
      const reason = reply.name === 'TimeoutError' ? 'timed out' : (reply.message ?? 'failed');

      throw new BadGatewayException(`The rules service (${subject}) ${reason}; try again shortly`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
