import { Controller } from '@nestjs/common';
import { MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { parseMessage, shopifyConnectionPutSchema, Subjects } from '@qbsync/contracts';
import { AppLogger } from '@qbsync/platform';

import { ShopifyConnectionRepository } from './shopify-connection.repository';

/** Stores a shop's credentials on the gateway's request; the secrets never leave this service. */
@Controller()
export class ShopifyConnectionHandler {
  private readonly logger: AppLogger;

  constructor(
    private readonly connections: ShopifyConnectionRepository,
    logger: AppLogger,
  ) {
    this.logger = logger.child(ShopifyConnectionHandler.name);
  }

  @MessagePattern(Subjects.ShopifyConnectionPut)
  async putConnection(
    @Payload() payload: unknown,
  ): Promise<{ connectionId: string; shopDomain: string }> {
    const parsed = parseMessage(shopifyConnectionPutSchema, payload);

    if (!parsed.ok) {
      throw new RpcException({ code: 'invalid_request', message: parsed.error });
    }

    const request = parsed.value;

    await this.connections.upsert(request);
    this.logger.info('Shopify connection stored', {
      accountId: request.accountId,
      connectionId: request.connectionId,
      shopDomain: request.shopDomain,
    });

    return { connectionId: request.connectionId, shopDomain: request.shopDomain };
  }
}
