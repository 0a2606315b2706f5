import { Module } from '@nestjs/common';

import { ReplayController } from './replay.controller';

/** The Shopify webhook replayer. */
@Module({ controllers: [ReplayController] })
export class ShopifyModule {}
