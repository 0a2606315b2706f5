import { type DynamicModule, Module } from '@nestjs/common';
import { type Channel } from '@qbsync/contracts';

import { ChannelModule } from './channel/channel.module';
import { CHANNEL_REGISTRATIONS } from './channel-registrations';

/** The connector for one channel; a deployment loads only the channel its CHANNEL names. */
@Module({})
export class ConnectorsModule {
  static register(channel: Channel): DynamicModule {
    const registration = CHANNEL_REGISTRATIONS[channel];

    if (!registration) {
      throw new Error(
        `CHANNEL=${channel} has no connector in this version; supported: ${Object.keys(CHANNEL_REGISTRATIONS).join(', ')}`,
      );
    }

    return { module: ConnectorsModule, imports: [ChannelModule.forChannel(registration)] };
  }
}
