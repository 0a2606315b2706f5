import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';

import { AccountRepository } from './accounts/account.repository';
import { AccountsController } from './accounts/accounts.controller';
import { ApiTokenGuard } from './auth/api-token.guard';
import { ChannelDisconnector } from './connections/channel-disconnector';
import { ConnectionsController } from './connections/connections.controller';
import { ConnectorClient } from './connections/connector.client';
import { ShopifyInstallController } from './connections/shopify-install.controller';
import { ShopifyInstallRepository } from './connections/shopify-install.repository';
import { QbdConnectionController } from './qbd/qbd-connection.controller';
import { QbdQueueController } from './qbd/qbd-queue.controller';
import { QboSettingsController } from './qbo-settings/qbo-settings.controller';
import { RpcClient } from './rpc/rpc.client';
import { RulesController } from './rules/rules.controller';
import { RulesRpcClient } from './rules/rules-rpc.client';
import { RetentionJob } from './sync-log/retention.job';
import { SyncEventRepository } from './sync-log/sync-event.repository';
import { SyncEventsWorker } from './sync-log/sync-events.worker';
import { SyncLogController } from './sync-log/sync-log.controller';

@Module({
  imports: [ScheduleModule.forRoot()],
  controllers: [
    AccountsController,
    // Before ConnectionsController, whose `connections/:channel` route would match it first.
    QbdConnectionController,
    QbdQueueController,
    ShopifyInstallController,
    ConnectionsController,
    SyncLogController,
    QboSettingsController,
    RulesController,
  ],
  providers: [
    ApiTokenGuard,
    RpcClient,
    ConnectorClient,
    ChannelDisconnector,
    ShopifyInstallRepository,
    RulesRpcClient,
    AccountRepository,
    SyncEventRepository,
    SyncEventsWorker,
    RetentionJob,
  ],
})
export class GatewayModule {}
