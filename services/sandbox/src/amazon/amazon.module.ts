import { Module } from '@nestjs/common';

import { AmazonApiController } from './amazon-api.controller';
import { AmazonControlController } from './amazon-control.controller';
import { AmazonStore } from './amazon-store';

/** The Login with Amazon and Selling Partner API stand-in. */
@Module({ controllers: [AmazonApiController, AmazonControlController], providers: [AmazonStore] })
export class AmazonSandboxModule {}
