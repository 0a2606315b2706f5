import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { Consumers, type Order, orderSchema, type OrderReady, Subjects } from '@qbsync/contracts';
import {
  APP_CONFIG,
  AppLogger,
  JetStreamService,
  type MessageContext,
  SyncEventPublisher,
} from '@qbsync/platform';

import { RuleSetCache } from '../rule-sets/rule-set.cache';
import { type RulesConfig } from '../rules.config';

/**
 * Consumes orders the connectors received, applies the account's rule set and publishes the
 * result for the account's QuickBooks target.
 */
@Injectable()
export class OrderReceivedWorker implements OnApplicationBootstrap {
  private readonly logger: AppLogger;

  constructor(
    private readonly jetStream: JetStreamService,
    private readonly ruleSets: RuleSetCache,
    private readonly syncEvents: SyncEventPublisher,
    @Inject(APP_CONFIG) private readonly config: RulesConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child(OrderReceivedWorker.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jetStream.consume({
      consumer: Consumers.RulesOrderReceived,
      schema: orderSchema,
      concurrency: this.config.RULES_CONCURRENCY,
      handle: (order, context) => this.handleOrderReceived(order, context),
    });
  }

  async handleOrderReceived(order: Order, context: MessageContext): Promise<void> {
    const ruleSet = await this.ruleSets.get(order.accountId);
    const ready: OrderReady = {
      order,
      target: ruleSet.target,
      documentKind: 'sales_receipt',
      ruleSetVersion: ruleSet.version,
      appliedRules: [],
    };

    if (ready.target === 'qbd') {
      await this.rejectUnsupportedTarget(order);

      return;
    }

    const messageId = `${context.messageId ?? orderKey(order)}:ready-qbo`;

    await this.jetStream.publish(Subjects.OrderReadyForQbo, ready, { messageId });
    this.logger.debug('Order ready for QuickBooks Online', {
      accountId: order.accountId,
      channel: order.channel,
      orderId: order.channelOrderId,
      ruleSetVersion: ruleSet.version,
    });
  }

  // TODO: publish to Subjects.OrderReadyForQbd once the QuickBooks Desktop service consumes it.
  private async rejectUnsupportedTarget(order: Order): Promise<void> {
    await this.syncEvents.publish({
      eventId: `${orderKey(order)}:rules:qbd-unsupported`,
      accountId: order.accountId,
      connectionId: order.connectionId,
      channel: order.channel,
      channelOrderId: order.channelOrderId,
      orderNumber: order.orderNumber,
      stage: 'rules',
      status: 'failed',
      message: 'The account posts to QuickBooks Desktop, which this version cannot post to yet',
      fix: 'Use an account whose target is QuickBooks Online (qbo); Desktop posting is not available yet',
    });
  }
}

function orderKey(order: Order): string {
  return `${order.accountId}:${order.channel}:${order.channelOrderId}:${order.updatedAt}`;
}
