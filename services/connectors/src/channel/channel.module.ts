import { type DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';

import { type ChannelRegistration } from './channel-adapter';
import { ChannelCallFactory } from './channel-call.factory';
import { ChannelConnectionRepository } from './channel-connection.repository';
import { ChannelCursorRepository } from './channel-cursor.repository';
import { ChannelEventPublisher } from './channel-event.publisher';
import { ChannelOAuthTokenStore } from './channel-oauth';
import { CHANNEL_ADAPTER } from './channel.tokens';
import { ConnectorRequestServer } from './connector-request.server';
import { ConnectorRequestsService } from './connector-requests.service';
import { ConnectorWorker } from './connector.worker';
import { InventoryPushWorker } from './inventory-push.worker';
import { PollScheduler } from './poll.scheduler';
import { SharedRateLimiter } from './shared-rate-limiter';
import { WebhookBatchRepository } from './webhook-batch.repository';
import { WebhookIntakeService } from './webhook-intake.service';
import { WebhookController } from './webhook.controller';

/**
 * The connector framework around one channel's adapter; `forChannel` supplies the adapter that
 * every provider here receives as `CHANNEL_ADAPTER`.
 */
@Module({
  imports: [ScheduleModule.forRoot()],
  controllers: [WebhookController],
  providers: [
    ChannelConnectionRepository,
    ChannelCursorRepository,
    SharedRateLimiter,
    ChannelOAuthTokenStore,
    ChannelCallFactory,
    ChannelEventPublisher,
    WebhookIntakeService,
    WebhookBatchRepository,
    ConnectorWorker,
    PollScheduler,
    ConnectorRequestsService,
    ConnectorRequestServer,
    InventoryPushWorker,
  ],
})
export class ChannelModule {
  static forChannel(registration: ChannelRegistration): DynamicModule {
    return {
      module: ChannelModule,
      providers: [{ provide: CHANNEL_ADAPTER, useValue: registration.adapter }],
      exports: [CHANNEL_ADAPTER],
    };
  }
}
