import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Consumers, type PayoutReady, payoutReadySchema } from '@qbsync/contracts';
import { APP_CONFIG, JetStreamService, type MessageContext } from '@qbsync/platform';

import { type QbdConfig } from '../qbd.config';
import { PayoutIntake } from './payout-intake.service';

/** Consumes payouts the rules service addressed to QuickBooks Desktop into queued deposits. */
@Injectable()
export class PayoutWorker implements OnApplicationBootstrap {
  constructor(
    private readonly jetStream: JetStreamService,
    private readonly intake: PayoutIntake,
    @Inject(APP_CONFIG) private readonly config: QbdConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetStream.consume({
      consumer: Consumers.QbdPayoutReady,
      schema: payoutReadySchema,
      concurrency: this.config.QBD_CONCURRENCY,
      handle: (ready: PayoutReady, context: MessageContext) =>
        this.intake.queuePayout(
          ready,
          context.deliveryCount >= Consumers.QbdPayoutReady.maxDeliver,
        ),
    });
  }
}
