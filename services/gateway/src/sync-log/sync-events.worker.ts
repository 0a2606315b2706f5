import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Consumers, syncEventSchema } from '@qbsync/contracts';
import { JetStreamService } from '@qbsync/platform';

import { AccountRepository } from '../accounts/account.repository';
import { SyncEventRepository } from './sync-event.repository';

/**
 * Stores every sync event the services publish into the activity log, and applies the connection
 * state an event carries (`connectionStatus`) to the connection list.
 */
@Injectable()
export class SyncEventsWorker implements OnApplicationBootstrap {
  constructor(
    private readonly jetStream: JetStreamService,
    private readonly events: SyncEventRepository,
    private readonly accounts: AccountRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetStream.consume({
      consumer: Consumers.GatewaySyncEvents,
      schema: syncEventSchema,
      concurrency: 64,
      handle: async (event) => {
        await this.events.record(event);

        if (event.connectionStatus && event.connectionId) {
          await this.accounts.setConnectionStatus(event.connectionId, event.connectionStatus);
        }
      },
    });
  }
}
