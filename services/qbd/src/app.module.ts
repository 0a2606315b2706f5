import { Module } from '@nestjs/common';

import { CompanyFileRepository } from './company/company-file.repository';
import { QbdConnectionHandler } from './company/qbd-connection.handler';
import { CompanyListsHandler } from './lists/company-lists.handler';
import { ListCopyRepository } from './lists/list-copy.repository';
import { ListRefresh } from './lists/list-refresh';
import { QueueIntake } from './queue/queue-intake.service';
import { QueueRepository } from './queue/queue.repository';
import { ReadyWorkers } from './queue/ready.workers';
import { OutcomePublisher } from './session/outcome-publisher';
import { ResponseProcessor } from './session/response-processor';
import { SessionRepository } from './session/session.repository';
import { WebConnectorService } from './session/web-connector.service';
import { WorkSelector } from './session/work-selector';
import { WebConnectorController } from './soap/web-connector.controller';

@Module({
  controllers: [WebConnectorController, QbdConnectionHandler, CompanyListsHandler],
  providers: [
    CompanyFileRepository,
    ListCopyRepository,
    ListRefresh,
    QueueRepository,
    QueueIntake,
    ReadyWorkers,
    SessionRepository,
    OutcomePublisher,
    WorkSelector,
    ResponseProcessor,
    WebConnectorService,
  ],
})
export class QbdModule {}
