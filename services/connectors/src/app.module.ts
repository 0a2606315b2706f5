import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { type Channel } from '@qbsync/contracts';

import { ShopifyModule } from './shopify/shopify.module';

/** Channel modules by channel name; a deployment loads only the one its CHANNEL names. */
const CHANNEL_MODULES: Partial<Record<Channel, Type>> = {
  shopify: ShopifyModule,
};

@Module({})
export class ConnectorsModule {
  static register(channel: Channel): DynamicModule {
    const channelModule = CHANNEL_MODULES[channel];

    if (!channelModule) {
      throw new Error(
        `CHANNEL=${channel} has no connector in this version; supported: ${Object.keys(CHANNEL_MODULES).join(', ')}`,
      );
    }

    return { module: ConnectorsModule, imports: [channelModule] };
  }
}
