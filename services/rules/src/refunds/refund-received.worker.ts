import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  Consumers,
  type Refund,
  type RefundReady,
  refundSchema,
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
import { refundAsOrder } from '../engine/refund-view';
import { describeProblems } from '../engine/validate';
import { RuleSetCache } from '../rule-sets/rule-set.cache';
import { type RulesConfig } from '../rules.config';

/**
 * Consumes refunds the connectors received, applies the rules that make sense for a credit (class,
 * location, deposit account, tax codes, SKU and item maps) and routes the refund to the account's
 * QuickBooks target.
 */
@Injectable()
export class RefundReceivedWorker implements OnApplicationBootstrap {
  private readonly logger: AppLogger;

  constructor(
    private readonly jetStream: JetStreamService,
    private readonly ruleSets: RuleSetCache,
    private readonly syncEvents: SyncEventPublisher,
    @Inject(APP_CONFIG) private readonly config: RulesConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child(RefundReceivedWorker.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jetStream.consume({
      consumer: Consumers.RulesRefundReceived,
      schema: refundSchema,
      concurrency: this.config.RULES_CONCURRENCY,
      handle: (refund, context) => this.handleRefundReceived(refund, context),
    });
  }

  async handleRefundReceived(refund: Refund, context: MessageContext): Promise<void> {
    const ruleSet = await this.ruleSets.get(refund.accountId);

    if (!ruleSet.compiled) {
      await this.fail(
        refund,
        ruleSet.version,
        `The rule set (version ${ruleSet.version}) no longer compiles: ${describeProblems(ruleSet.problems)}`,
        'Fix or delete the named rule under Rules, then re-sync the refund',
      );

      return;
    }

    let result;

    try {
      result = ruleSet.compiled.runForRefund(refundAsOrder(refund));
    } catch (error) {
      if (!(error instanceof RuleRuntimeError)) {
        throw error;
      }

      await this.fail(
        refund,
        ruleSet.version,
        `${error.message} (rule-set version ${ruleSet.version})`,
        `Change or disable rule "${error.ruleName}" under Rules, then re-sync the refund`,
      );

      return;
    }

    // Only SKU maps rewrite a refund itself; the view's lines are in the refund's line order.
    const rewritten: Refund = {
      ...refund,
      lines: refund.lines.map((line, index) => ({
        ...line,
        sku: result.order.lines[index]?.sku ?? line.sku,
      })),
    };
    const ready: RefundReady = {
      refund: rewritten,
      target: ruleSet.target,
      ruleSetVersion: ruleSet.version,
      appliedRules: result.appliedRules,
      ...(result.overrides ? { overrides: result.overrides } : {}),
    };
    const subject =
      ruleSet.target === 'qbd' ? Subjects.RefundReadyForQbd : Subjects.RefundReadyForQbo;
    const key = `${refund.accountId}:${refund.channel}:${refund.channelRefundId}`;

    await this.jetStream.publish(subject, ready, {
      messageId: `${context.messageId ?? key}:ready-${ruleSet.target}`,
    });
    this.logger.debug('Refund ready for QuickBooks', {
      accountId: refund.accountId,
      refundId: refund.channelRefundId,
      target: ruleSet.target,
      ruleSetVersion: ruleSet.version,
    });
  }

  private async fail(refund: Refund, version: number, message: string, fix: string): Promise<void> {
    await this.syncEvents.publish({
      eventId: `${refund.accountId}:${refund.channel}:refund:${refund.channelRefundId}:rules:v${version}:failed`,
      accountId: refund.accountId,
      connectionId: refund.connectionId,
      channel: refund.channel,
      channelOrderId: refund.channelOrderId,
      orderNumber: refund.orderNumber,
      entity: 'refund',
      entityId: refund.channelRefundId,
      stage: 'rules',
      status: 'failed',
      message,
      fix,
      ruleSetVersion: version,
    });
  }
}
