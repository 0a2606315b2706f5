import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  Consumers,
  type OrderReady,
  orderReadySchema,
  type RefundReady,
  refundReadySchema,
} from '@qbsync/contracts';
import { APP_CONFIG, JetStreamService, type MessageContext } from '@qbsync/platform';

import { type QbdConfig } from '../qbd.config';
import { QueueIntake } from './queue-intake.service';

/** Consumes orders and refunds the rules service addressed to QuickBooks Desktop into the queue. */
@Injectable()
export class ReadyWorkers implements OnApplicationBootstrap {
  constructor(
    private readonly jetStream: JetStreamService,
    private readonly intake: QueueIntake,
    @Inject(APP_CONFIG) private readonly config: QbdConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jetStream.consume({
      consumer: Consumers.QbdOrderReady,
      schema: orderReadySchema,
      concurrency: this.config.QBD_CONCURRENCY,
      handle: (ready: OrderReady) => this.intake.queueOrder(ready),
    });
    await this.jetStream.consume({
      consumer: Consumers.QbdRefundReady,
      schema: refundReadySchema,
      concurrency: this.config.QBD_CONCURRENCY,
      handle: (ready: RefundReady, context: MessageContext) =>
        this.intake.queueRefund(
          ready,
          context.deliveryCount >= Consumers.QbdRefundReady.maxDeliver,
        ),
    });
  }
}
