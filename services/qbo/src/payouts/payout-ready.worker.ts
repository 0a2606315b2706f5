import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Consumers, type PayoutReady, payoutReadySchema } from '@qbsync/contracts';
import { APP_CONFIG, JetStreamService, type MessageContext } from '@qbsync/platform';

import { type QboConfig } from '../qbo.config';
import { PayoutPostingService } from './payout-posting.service';

/** Consumes payouts the rules service routed to QuickBooks Online and posts them. */
@Injectable()
export class PayoutReadyWorker implements OnApplicationBootstrap {
  constructor(
    private readonly jetStream: JetStreamService,
    private readonly posting: PayoutPostingService,
    @Inject(APP_CONFIG) private readonly config: QboConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetStream.consume({
      consumer: Consumers.QboPayoutReady,
      schema: payoutReadySchema,
      concurrency: this.config.QBO_CONCURRENCY,
      handle: (ready, context) => this.handlePayoutReady(ready, context),
    });
  }

  async handlePayoutReady(ready: PayoutReady, context: MessageContext): Promise<'ack' | 'retry'> {
    const lastAttempt = context.deliveryCount >= Consumers.QboPayoutReady.maxDeliver;
    const outcome = await this.posting.post(ready, lastAttempt);

    return outcome === 'retry' ? 'retry' : 'ack';
  }
}
