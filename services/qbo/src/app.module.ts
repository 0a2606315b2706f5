import { Module } from '@nestjs/common';

import { QboApiClient } from './api/qbo-api.client';
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
import { SalesReceiptPoster } from './posting/sales-receipt.poster';

@Module({
  controllers: [QboConnectionHandler],
  providers: [
    QboApiClient,
    ExclusiveClaimRepository,
    QboConnectionRepository,
    QboTokenService,
    EntityReferenceRepository,
    CompanySettingsService,
    CustomerMatcherService,
    ItemMatcherService,
    PostingLedgerRepository,
    SalesReceiptPoster,
    OrderPostingService,
    OrderReadyWorker,
  ],
})
export class QboModule {}
