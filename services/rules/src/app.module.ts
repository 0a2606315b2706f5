import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';

import { RulePreviewService } from './api/rule-preview.service';
import { RuleSetEditorService } from './api/rule-set-editor.service';
import { RulesApiHandler } from './api/rules-api.handler';
import { CompanyListsClient } from './company-lists/company-lists.client';
import { InventoryAdjustmentReceivedWorker } from './inventory-adjustments/inventory-adjustment-received.worker';
import { OrderReceivedWorker } from './orders/order-received.worker';
import { PayoutReceivedWorker } from './payouts/payout-received.worker';
import { ReceivedOrderRepository } from './received-orders/received-order.repository';
import { ReceivedOrderRetentionJob } from './received-orders/retention.job';
import { RefundReceivedWorker } from './refunds/refund-received.worker';
import { RuleHitRecorder } from './rule-hits/rule-hit.recorder';
import { RuleSetCache } from './rule-sets/rule-set.cache';
import { RuleSetHandler } from './rule-sets/rule-set.handler';
import { RuleSetRepository } from './rule-sets/rule-set.repository';

@Module({
  imports: [ScheduleModule.forRoot()],
  controllers: [RuleSetHandler, RulesApiHandler],
  providers: [
    RuleSetRepository,
    RuleSetCache,
    RuleHitRecorder,
    ReceivedOrderRepository,
    ReceivedOrderRetentionJob,
    CompanyListsClient,
    RuleSetEditorService,
    RulePreviewService,
    OrderReceivedWorker,
    RefundReceivedWorker,
    PayoutReceivedWorker,
    InventoryAdjustmentReceivedWorker,
  ],
})
export class RulesModule {}
