import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';

import { CogsJournalService } from './cogs/cogs-journal.service';
import { CompanyFileRepository } from './company/company-file.repository';
import { QbdConnectionHandler } from './company/qbd-connection.handler';
import { InventoryAdjustmentIntake } from './inventory-adjustments/inventory-adjustment-intake.service';
import { InventoryAdjustmentWorker } from './inventory-adjustments/inventory-adjustment.worker';
import { CompanyListsHandler } from './lists/company-lists.handler';
import { ListCopyRepository } from './lists/list-copy.repository';
import { ListRefresh } from './lists/list-refresh';
import { PayoutIntake } from './payouts/payout-intake.service';
import { PayoutWorker } from './payouts/payout.worker';
import { OrderReplacement } from './queue-admin/order-replacement.service';
import { QueueAdmin } from './queue-admin/queue-admin.service';
import { QueueAdminHandler } from './queue-admin/queue-admin.handler';
import { QueueIntake } from './queue/queue-intake.service';
import { QueueRepository } from './queue/queue.repository';
import { ReadyWorkers } from './queue/ready.workers';
import { OutcomePublisher } from './session/outcome-publisher';
import { ResponseProcessor } from './session/response-processor';
import { SessionRepository } from './session/session.repository';
import { WebConnectorService } from './session/web-connector.service';
import { WorkSelector } from './session/work-selector';
import { WebConnectorController } from './soap/web-connector.controller';
import { SummaryOrderRepository } from './summary/summary-order.repository';
import { SummaryPostingService } from './summary/summary-posting.service';

@Module({
  imports: [ScheduleModule.forRoot()],
  controllers: [
    WebConnectorController,
    QbdConnectionHandler,
    CompanyListsHandler,
    QueueAdminHandler,
  ],
  providers: [
    CompanyFileRepository,
    ListCopyRepository,
    ListRefresh,
    QueueRepository,
    QueueIntake,
    ReadyWorkers,
    OrderReplacement,
    PayoutIntake,
    PayoutWorker,
    InventoryAdjustmentIntake,
    InventoryAdjustmentWorker,
    QueueAdmin,
    SessionRepository,
    OutcomePublisher,
    WorkSelector,
    ResponseProcessor,
    WebConnectorService,
    SummaryOrderRepository,
    SummaryPostingService,
    CogsJournalService,
  ],
})
export class QbdModule {}
