import { Module } from '@nestjs/common';

import { EtsyApiController } from './etsy-api.controller';
import { EtsyControlController } from './etsy-control.controller';
import { EtsyStore } from './etsy-store';

/** The Etsy Open API v3 stand-in. */
@Module({ controllers: [EtsyApiController, EtsyControlController], providers: [EtsyStore] })
export class EtsySandboxModule {}
