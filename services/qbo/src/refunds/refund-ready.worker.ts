import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Consumers, type RefundReady, refundReadySchema } from '@qbsync/contracts';
import { APP_CONFIG, JetStreamService, type MessageContext } from '@qbsync/platform';

import { type QboConfig } from '../qbo.config';
import { RefundPostingService } from './refund-posting.service';

/** Consumes refunds the rules service routed to QuickBooks Online and posts them. */
@Injectable()
export class RefundReadyWorker implements OnApplicationBootstrap {
  constructor(
    private readonly jetStream: JetStreamService,
    private readonly posting: RefundPostingService,
    @Inject(APP_CONFIG) private readonly config: QboConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetStream.consume({
      consumer: Consumers.QboRefundReady,
      schema: refundReadySchema,
      concurrency: this.config.QBO_CONCURRENCY,
      handle: (ready, context) => this.handleRefundReady(ready, context),
    });
  }

  async handleRefundReady(ready: RefundReady, context: MessageContext): Promise<'ack' | 'retry'> {
    const lastAttempt = context.deliveryCount >= Consumers.QboRefundReady.maxDeliver;
    const outcome = await this.posting.post(ready, lastAttempt);

    return outcome === 'retry' ? 'retry' : 'ack';
  }
}
