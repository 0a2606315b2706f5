import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  Consumers,
  type InventoryAdjustmentReady,
  inventoryAdjustmentReadySchema,
} from '@qbsync/contracts';
import { APP_CONFIG, JetStreamService } from '@qbsync/platform';

import { type QbdConfig } from '../qbd.config';
import { InventoryAdjustmentIntake } from './inventory-adjustment-intake.service';

/** Consumes inventory adjustments the rules service routed to QuickBooks Desktop. */
@Injectable()
export class InventoryAdjustmentWorker implements OnApplicationBootstrap {
  constructor(
    private readonly jetStream: JetStreamService,
    private readonly intake: InventoryAdjustmentIntake,
    @Inject(APP_CONFIG) private readonly config: QbdConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetStream.consume({
      consumer: Consumers.QbdInventoryAdjustmentReady,
      schema: inventoryAdjustmentReadySchema,
      concurrency: this.config.QBD_CONCURRENCY,
      handle: (ready: InventoryAdjustmentReady) => this.intake.queueAdjustment(ready),
    });
  }
}
