import { Module } from '@nestjs/common';

import { CustomStoreController } from './custom-store.controller';
import { CustomStoreStore } from './custom-store.store';

/** The custom store stand-in: a merchant server implementing the pull API. */
@Module({ controllers: [CustomStoreController], providers: [CustomStoreStore] })
export class CustomStoreModule {}
