import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Consumers, syncEventSchema } from '@qbsync/contracts';
import { JetStreamService } from '@qbsync/platform';

import { SyncEventRepository } from './sync-event.repository';

/** Stores every sync event the services publish into the activity log. */
@Injectable()
export class SyncEventsWorker implements OnApplicationBootstrap {
  constructor(
    private readonly jetStream: JetStreamService,
    private readonly events: SyncEventRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetStream.consume({
      consumer: Consumers.GatewaySyncEvents,
      schema: syncEventSchema,
      concurrency: 64,
      handle: (event) => this.events.record(event),
    });
  }
}
