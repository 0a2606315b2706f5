import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Consumers, type OrderReady, orderReadySchema } from '@qbsync/contracts';
import { APP_CONFIG, JetStreamService, type MessageContext } from '@qbsync/platform';

import { type QboConfig } from '../qbo.config';
import { OrderPostingService } from './order-posting.service';

/** Consumes orders the rules service made ready for QuickBooks Online and posts them. */
@Injectable()
export class OrderReadyWorker implements OnApplicationBootstrap {
  constructor(
    private readonly jetStream: JetStreamService,
    private readonly posting: OrderPostingService,
    @Inject(APP_CONFIG) private readonly config: QboConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetStream.consume({
      consumer: Consumers.QboOrderReady,
      schema: orderReadySchema,
      concurrency: this.config.QBO_CONCURRENCY,
      handle: (ready, context) => this.handleOrderReady(ready, context),
    });
  }

  async handleOrderReady(ready: OrderReady, context: MessageContext): Promise<'ack' | 'retry'> {
    const lastAttempt = context.deliveryCount >= Consumers.QboOrderReady.maxDeliver;
    const outcome = await this.posting.post(ready, lastAttempt);

    return outcome === 'retry' ? 'retry' : 'ack';
  }
}
