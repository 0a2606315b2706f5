import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  Consumers,
  type Order,
  type OrderReady,
  orderReadySchema,
  orderSchema,
  parseMessage,
  Subjects,
} from '@qbsync/contracts';
import {
  APP_CONFIG,
  AppLogger,
  JetStreamService,
  type MessageContext,
  SyncEventPublisher,
} from '@qbsync/platform';

import { RuleRuntimeError } from '../engine/compile';
import { describeProblems } from '../engine/validate';
import { ReceivedOrderRepository } from '../received-orders/received-order.repository';
import { RuleHitRecorder } from '../rule-hits/rule-hit.recorder';
import { type ActiveRuleSet, RuleSetCache } from '../rule-sets/rule-set.cache';
import { type RulesConfig } from '../rules.config';

/**
 * Consumes orders the connectors received, keeps a copy for preview and replay, applies the
 * account's rule set and publishes the result for the account's QuickBooks target. An order a rule
 * excludes gets a `skipped` sync event; an order a rule cannot rewrite gets a `failed` one naming
 * the rule. No order is dropped without an event.
 */
@Injectable()
export class OrderReceivedWorker implements OnApplicationBootstrap {
  private readonly logger: AppLogger;

  constructor(
    private readonly jetStream: JetStreamService,
    private readonly ruleSets: RuleSetCache,
    private readonly receivedOrders: ReceivedOrderRepository,
    private readonly hits: RuleHitRecorder,
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
    await this.keepForPreview(order);
    const ruleSet = await this.ruleSets.get(order.accountId);

    if (!ruleSet.compiled) {
      await this.fail(
        order,
        ruleSet,
        [],
        `The rule set (version ${ruleSet.version}) no longer compiles: ${describeProblems(ruleSet.problems)}`,
        'Fix or delete the named rule under Rules, then re-sync the order',
      );

      return;
    }

    let result;

    try {
      result = ruleSet.compiled.run(order);
    } catch (error) {
      if (!(error instanceof RuleRuntimeError)) {
        throw error;
      }

      await this.fail(
        order,
        ruleSet,
        [error.ruleName],
        `${error.message} (rule-set version ${ruleSet.version})`,
        `Change or disable rule "${error.ruleName}" under Rules, then re-sync the order`,
      );

      return;
    }

    this.hits.record(order.accountId, result.appliedRuleIds);

    if (result.skippedBy) {
      await this.syncEvents.publish({
        ...orderFields(order),
        eventId: `${orderKey(order)}:rules:v${ruleSet.version}:skipped`,
        stage: 'rules',
        status: 'skipped',
        message: `Not imported to QuickBooks: rule "${result.skippedBy.name}" excludes this order (rule-set version ${ruleSet.version})`,
        fix: `Change or disable rule "${result.skippedBy.name}" and re-sync the order to import it`,
        ruleSetVersion: ruleSet.version,
        appliedRules: result.appliedRules,
      });

      return;
    }

    const ready: OrderReady = {
      order: result.order,
      target: ruleSet.target,
      documentKind: result.documentKind,
      ruleSetVersion: ruleSet.version,
      appliedRules: result.appliedRules,
      ...(result.overrides ? { overrides: result.overrides } : {}),
    };
    const checked = parseMessage(orderReadySchema, ready);

    if (!checked.ok) {
      await this.fail(
        order,
        ruleSet,
        result.appliedRules,
        `The rules left the order invalid: ${checked.error}`,
        `Check the values rules ${result.appliedRules.map((name) => `"${name}"`).join(', ')} set, then re-sync the order`,
      );

      return;
    }

    const subject =
      ruleSet.target === 'qbd' ? Subjects.OrderReadyForQbd : Subjects.OrderReadyForQbo;
    const messageId = `${context.messageId ?? orderKey(order)}:ready-${ruleSet.target}`;

    await this.jetStream.publish(subject, checked.value, { messageId });
    this.logger.debug('Order ready for QuickBooks', {
      accountId: order.accountId,
      channel: order.channel,
      orderId: order.channelOrderId,
      target: ruleSet.target,
      ruleSetVersion: ruleSet.version,
      appliedRules: result.appliedRules.length,
    });
  }

  /** Keeps a copy of the order; a failure is logged and does not hold up posting. */
  private async keepForPreview(order: Order): Promise<void> {
    try {
      await this.receivedOrders.record(order);
    } catch (error) {
      this.logger.warn('Could not keep the order for preview and replay', {
        accountId: order.accountId,
        orderId: order.channelOrderId,
        error: (error as Error).message,
      });
    }
  }

  private async fail(
    order: Order,
    ruleSet: ActiveRuleSet,
    appliedRules: string[],
    message: string,
    fix: string,
  ): Promise<void> {
    await this.syncEvents.publish({
      ...orderFields(order),
      eventId: `${orderKey(order)}:rules:v${ruleSet.version}:failed`,
      stage: 'rules',
      status: 'failed',
      message,
      fix,
      ruleSetVersion: ruleSet.version,
      appliedRules,
    });
  }
}

function orderFields(order: Order) {
  return {
    accountId: order.accountId,
    connectionId: order.connectionId,
    channel: order.channel,
    channelOrderId: order.channelOrderId,
    orderNumber: order.orderNumber,
    currency: order.currency,
    channelTotal: order.totals.total,
  };
}

function orderKey(order: Order): string {
  return `${order.accountId}:${order.channel}:${order.channelOrderId}:${order.updatedAt}`;
}
