import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';

import { QboApiClient } from './api/qbo-api.client';
import { QboBatchClient } from './api/qbo-batch.client';
import { CdcCursorRepository } from './cdc/cdc-cursor.repository';
import { QboCdcJob } from './cdc/qbo-cdc.job';
import { QboAccess } from './connection/qbo-access';
import { QboTokenRefreshJob } from './connection/qbo-token-refresh.job';
import { QboRateGovernor } from './governor/qbo-rate-governor';
import { CompanyListsHandler } from './lists/company-lists.handler';
import { CompanyListsJob } from './lists/company-lists.job';
import { CompanyListsRepository } from './lists/company-lists.repository';
import { CompanyListsService } from './lists/company-lists.service';
import { QboChangeFeed } from './webhooks/qbo-change-feed';
import { QboWebhookController } from './webhooks/qbo-webhook.controller';
import { ExclusiveClaimRepository } from './common/exclusive-claim.repository';
import { QboConnectionHandler } from './connection/qbo-connection.handler';
import { QboConnectionRepository } from './connection/qbo-connection.repository';
import { QboTokenService } from './connection/qbo-token.service';
import { CompanySettingsService } from './matching/company-settings.service';
import { CustomerMatcherService } from './matching/customer-matcher.service';
import { EntityReferenceRepository } from './matching/entity-reference.repository';
import { ItemMatcherService } from './matching/item-matcher.service';
import { OrderPostingService } from './posting/order-posting.service';
import { OrderReadyWorker } from './posting/order-ready.worker';
import { PostingLedgerRepository } from './posting/posting-ledger.repository';
import { DocumentReferencesService } from './posting/document-references.service';
import { DocumentWriter } from './posting/document-writer';
import { OrderArchiveRepository } from './posting/order-archive.repository';
import { SummaryOrderRepository } from './posting/summary/summary-order.repository';
import { SummaryPostingService } from './posting/summary/summary-posting.service';
import { DepositMatcher } from './payouts/deposit-matcher';
import { DepositPostingService } from './payouts/deposit-posting.service';
import { PayoutPostingService } from './payouts/payout-posting.service';
import { PayoutReadyWorker } from './payouts/payout-ready.worker';
import { RefundPostingService } from './refunds/refund-posting.service';
import { RefundReadyWorker } from './refunds/refund-ready.worker';
import { RefundSequenceRepository } from './refunds/refund-sequence.repository';
import { EffectiveSettingsService } from './settings/effective-settings.service';
import { PostingSettingsHandler } from './settings/posting-settings.handler';
import { PostingSettingsRepository } from './settings/posting-settings.repository';

@Module({
  imports: [ScheduleModule.forRoot()],
  controllers: [
    QboConnectionHandler,
    CompanyListsHandler,
    QboWebhookController,
    PostingSettingsHandler,
  ],
  providers: [
    QboApiClient,
    QboRateGovernor,
    QboBatchClient,
    QboAccess,
    QboTokenRefreshJob,
    CompanyListsRepository,
    CompanyListsService,
    CompanyListsJob,
    QboChangeFeed,
    CdcCursorRepository,
    QboCdcJob,
    ExclusiveClaimRepository,
    QboConnectionRepository,
    QboTokenService,
    EntityReferenceRepository,
    CompanySettingsService,
    CustomerMatcherService,
    ItemMatcherService,
    PostingLedgerRepository,
    PostingSettingsRepository,
    EffectiveSettingsService,
    OrderArchiveRepository,
    SummaryOrderRepository,
    SummaryPostingService,
    DocumentReferencesService,
    DocumentWriter,
    RefundSequenceRepository,
    RefundPostingService,
    RefundReadyWorker,
    OrderPostingService,
    OrderReadyWorker,
    DepositMatcher,
    DepositPostingService,
    PayoutPostingService,
    PayoutReadyWorker,
  ],
})
export class QboModule {}
