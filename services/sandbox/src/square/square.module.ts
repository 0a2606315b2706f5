import { Module } from '@nestjs/common';

import { SquareApiController } from './square-api.controller';
import { SquareControlController } from './square-control.controller';
import { SquareStore } from './square-store';

/** The Square API stand-in and its signed event sender. */
@Module({ controllers: [SquareApiController, SquareControlController], providers: [SquareStore] })
export class SquareSandboxModule {}
