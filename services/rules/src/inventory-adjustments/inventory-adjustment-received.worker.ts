import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  Consumers,
  type InventoryAdjustment,
  type InventoryAdjustmentReady,
  inventoryAdjustmentSchema,
  Subjects,
} from '@qbsync/contracts';
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
 * Routes a store's inventory adjustments to the account's QuickBooks target. Order rules do not
 * apply to an adjustment. Only QuickBooks Desktop receives them, because this product posts no
 * inventory adjustment to QuickBooks Online. An account that posts there gets a `skipped` event.
 */
@Injectable()
export class InventoryAdjustmentReceivedWorker implements OnApplicationBootstrap {
  private readonly logger: AppLogger;

  constructor(
    private readonly jetStream: JetStreamService,
    private readonly ruleSets: RuleSetCache,
    private readonly syncEvents: SyncEventPublisher,
    @Inject(APP_CONFIG) private readonly config: RulesConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child(InventoryAdjustmentReceivedWorker.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jetStream.consume({
      consumer: Consumers.RulesInventoryAdjustmentReceived,
      schema: inventoryAdjustmentSchema,
      concurrency: this.config.RULES_CONCURRENCY,
      handle: (adjustment, context) => this.handleAdjustmentReceived(adjustment, context),
    });
  }

  async handleAdjustmentReceived(
    adjustment: InventoryAdjustment,
    context: MessageContext,
  ): Promise<void> {
    const ruleSet = await this.ruleSets.get(adjustment.accountId);
    const key = `${adjustment.accountId}:${adjustment.channel}:inventory-adjustment:${adjustment.adjustmentId}`;

    if (ruleSet.target !== 'qbd') {
      await this.syncEvents.publish({
        eventId: `${key}:rules:skipped-${ruleSet.target}`,
        accountId: adjustment.accountId,
        connectionId: adjustment.connectionId,
        channel: adjustment.channel,
        entity: 'inventory',
        entityId: adjustment.adjustmentId,
        stage: 'rules',
        status: 'skipped',
        message: `Inventory adjustment ${adjustment.adjustmentId} was not posted: QuickBooks Online is not supported for inventory adjustments`,
        fix: 'Record the stock change in QuickBooks Online by hand, or post the account to QuickBooks Desktop',
      });

      return;
    }

    const ready: InventoryAdjustmentReady = { adjustment, target: ruleSet.target };

    await this.jetStream.publish(Subjects.InventoryAdjustmentReadyForQbd, ready, {
      messageId: `${context.messageId ?? key}:ready-qbd`,
    });
    this.logger.debug('Inventory adjustment ready for QuickBooks Desktop', {
      accountId: adjustment.accountId,
      adjustmentId: adjustment.adjustmentId,
    });
  }
}
