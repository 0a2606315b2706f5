import { Module } from '@nestjs/common';

import { ShopifyConnectionHandler } from './shopify-connection.handler';
import { ShopifyConnectionRepository } from './shopify-connection.repository';
import { ShopifyWebhookController } from './shopify-webhook.controller';
import { ShopifyWebhookService } from './shopify-webhook.service';

@Module({
  controllers: [ShopifyWebhookController, ShopifyConnectionHandler],
  providers: [ShopifyConnectionRepository, ShopifyWebhookService],
})
export class ShopifyModule {}
