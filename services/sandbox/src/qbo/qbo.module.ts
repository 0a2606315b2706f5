import * as path from 'node:path';

import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';

import { SANDBOX_CONFIG } from '../config/config.tokens';
import { QBO_SCHEMA_FILE, type SandboxConfig } from '../config/sandbox.config';
import { EntityService } from './api/entity.service';
import { QboApiController } from './api/qbo-api.controller';
import { QboApiService } from './api/qbo-api.service';
import { QboAuthGuard } from './api/qbo-auth.guard';
import { QboExceptionFilter } from './api/qbo-exception.filter';
import { BatchService } from './batch/batch.service';
import { CdcService } from './cdc/cdc.service';
import { CompanyStore } from './company/company.store';
import { FaultInjector } from './faults/fault-injector.service';
import { OAuthController } from './oauth/oauth.controller';
import { OAuthService } from './oauth/oauth.service';
import { XSD_CATALOGUE } from './qbo.tokens';
import { QueryService } from './query/query.service';
import { XsdCatalogue } from './schema/xsd-catalogue';
import { WebhookSender } from './webhooks/webhook-sender.service';

/** The QuickBooks Online stand-in: OAuth 2.0 endpoints, the Accounting API v3 and webhooks. */
@Module({
  controllers: [OAuthController, QboApiController],
  providers: [
    {
      provide: XSD_CATALOGUE,
      inject: [SANDBOX_CONFIG],
      useFactory: (config: SandboxConfig) =>
        XsdCatalogue.load(path.join(config.fixturesDir, QBO_SCHEMA_FILE)),
    },
    CompanyStore,
    FaultInjector,
    OAuthService,
    EntityService,
    QueryService,
    QboApiService,
    QboAuthGuard,
    BatchService,
    CdcService,
    WebhookSender,
    { provide: APP_FILTER, useClass: QboExceptionFilter },
  ],
  exports: [CompanyStore, FaultInjector, OAuthService, WebhookSender],
})
export class QboModule {}
