import { Module } from '@nestjs/common';

import { WalmartApiController } from './walmart-api.controller';
import { WalmartControlController } from './walmart-control.controller';
import { WalmartStore } from './walmart-store';

/** The Walmart Marketplace API stand-in. */
@Module({
  controllers: [WalmartApiController, WalmartControlController],
  providers: [WalmartStore],
})
export class WalmartSandboxModule {}
