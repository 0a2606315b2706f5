import { randomBytes, randomInt, randomUUID } from 'node:crypto';

import { type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { type QboPostingSettingsInput, qboPostingSettingsSchema } from '@qbsync/contracts';
import { AppLogger, createRootLogger, loadConfig, PlatformModule } from '@qbsync/platform';
import { type InfrastructureHandle } from '@qbsync/testing';
import { type Connection } from 'mongoose';
import { connect, type NatsConnection } from 'nats';

import { QboApiClient } from '../src/api/qbo-api.client';
import { QboBatchClient } from '../src/api/qbo-batch.client';
import { ExclusiveClaimRepository } from '../src/common/exclusive-claim.repository';
import { QboAccess } from '../src/connection/qbo-access';
import { QboConnectionRepository } from '../src/connection/qbo-connection.repository';
import { QboTokenService } from '../src/connection/qbo-token.service';
import { CompanyListsRepository } from '../src/lists/company-lists.repository';
import { CompanyListsService } from '../src/lists/company-lists.service';
import { CompanySettingsService } from '../src/matching/company-settings.service';
import { CustomerMatcherService } from '../src/matching/customer-matcher.service';
import { EntityReferenceRepository } from '../src/matching/entity-reference.repository';
import { ItemMatcherService } from '../src/matching/item-matcher.service';
import { QboSession } from '../src/matching/qbo-session';
import { DocumentReferencesService } from '../src/posting/document-references.service';
import { DocumentWriter } from '../src/posting/document-writer';
import { OrderArchiveRepository } from '../src/posting/order-archive.repository';
import { OrderPostingService } from '../src/posting/order-posting.service';
import { PostingLedgerRepository } from '../src/posting/posting-ledger.repository';
import { SummaryOrderRepository } from '../src/posting/summary/summary-order.repository';
import { SummaryPostingService } from '../src/posting/summary/summary-posting.service';
import { qboConfigSchema } from '../src/qbo.config';
import { RefundPostingService } from '../src/refunds/refund-posting.service';
import { RefundSequenceRepository } from '../src/refunds/refund-sequence.repository';
import { EffectiveSettingsService } from '../src/settings/effective-settings.service';
import { PostingSettingsRepository } from '../src/settings/posting-settings.repository';
import { QboChangeFeed } from '../src/webhooks/qbo-change-feed';
import { ensureIndexes, openTestDatabase } from './database';
import {
  authorize,
  REDIRECT_URI,
  type RunningSandbox,
  SANDBOX_CLIENT_ID,
  SANDBOX_CLIENT_SECRET,
  startSandbox,
} from './sandbox';

/** The posting providers of the qbo service over a real sandbox, FerretDB and NATS. */
export interface PostingHarness {
  app: INestApplication;
  sandbox: RunningSandbox;
  accountId: string;
  realmId: string;
  accessToken: string;
  /** A session for the connected realm, as the posting services open one. */
  openSession(): Promise<QboSession>;
  putSettings(settings: QboPostingSettingsInput): Promise<void>;
  /** Runs a query against the sandbox with the connection's token. */
  query<T>(entity: string, statement: string): Promise<T[]>;
  /** Queues a fault for the realm's next matching API call (see the sandbox's admin API). */
  injectFault(rule: Record<string, unknown>): Promise<void>;
  /** Changes company settings the API cannot change, such as multicurrency. */
  updateCompanySettings(settings: Record<string, unknown>): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the sandbox and the posting providers (without the JetStream workers and the scheduler,
 * so tests call the services directly), and connects one account to a new sandbox realm.
 */
export async function startPostingHarness(infra: InfrastructureHandle): Promise<PostingHarness> {
  const logger = new AppLogger(createRootLogger('posting-spec', 'silent'));
  const sandbox = await startSandbox();
  const database: Connection = await openTestDatabase(infra.mongoUri);
  const nats: NatsConnection = await connect({ servers: infra.natsUrl });
  const config = loadConfig(qboConfigSchema, {
    NATS_URL: infra.natsUrl,
    MONGODB_URI: infra.mongoUri,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    QBO_CLIENT_ID: SANDBOX_CLIENT_ID,
    QBO_CLIENT_SECRET: SANDBOX_CLIENT_SECRET,
    QBO_API_BASE_URL: sandbox.url,
    QBO_TOKEN_URL: sandbox.tokenUrl,
    QBO_REQUEST_TIMEOUT_MS: '5000',
  });
  const moduleRef = await Test.createTestingModule({
    imports: [PlatformModule.forRoot({ config, logger, database, nats })],
    providers: [
      QboApiClient,
      QboBatchClient,
      QboAccess,
      QboChangeFeed,
      CompanyListsRepository,
      CompanyListsService,
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
      DocumentReferencesService,
      DocumentWriter,
      OrderPostingService,
      SummaryPostingService,
      RefundSequenceRepository,
      RefundPostingService,
    ],
  }).compile();
  const app = moduleRef.createNestApplication();

  await app.init();
  await ensureIndexes(database);

  const accountId = `account-${randomUUID()}`;
  const authorization = await authorize(sandbox, String(randomInt(1e9, 1e10)));
  const tokens = await app.get(QboTokenService).exchangeCode(authorization.code, REDIRECT_URI);
  const connections = app.get(QboConnectionRepository);

  await connections.upsert({
    accountId,
    connectionId: `connection-${randomUUID()}`,
    realmId: authorization.realmId,
    missingItemAction: 'create',
    ...tokens,
  });

  return {
    app,
    sandbox,
    accountId,
    realmId: authorization.realmId,
    accessToken: tokens.accessToken,
    async openSession() {
      const connection = await connections.findByAccountId(accountId);

      return new QboSession(connection!, app.get(QboApiClient), app.get(QboTokenService));
    },
    async putSettings(settings) {
      await app
        .get(PostingSettingsRepository)
        .put(accountId, qboPostingSettingsSchema.parse(settings));
    },
    async query<T>(entity: string, statement: string) {
      const url = new URL(`/v3/company/${authorization.realmId}/query`, sandbox.url);

      url.searchParams.set('query', statement);
      const response = await fetch(url, {
        headers: { Authorization: `Bearer ${tokens.accessToken}`, Accept: 'application/json' },
      });
      const body = (await response.json()) as { QueryResponse: Record<string, T[] | undefined> };

      return body.QueryResponse[entity] ?? [];
    },
    async injectFault(rule) {
      const response = await fetch(`${sandbox.url}/__sandbox/faults`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ realmId: authorization.realmId, count: 1, ...rule }),
      });

      if (!response.ok) {
        throw new Error(`Injecting a fault returned ${response.status}: ${await response.text()}`);
      }
    },
    async updateCompanySettings(settings) {
      const response = await fetch(
        `${sandbox.url}/__sandbox/realms/${authorization.realmId}/settings`,
        {
          method: 'PATCH',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(settings),
        },
      );

      if (!response.ok) {
        throw new Error(`Updating settings returned ${response.status}: ${await response.text()}`);
      }
    },
    async close() {
      await app.close();
      await nats.drain();
      await database.close();
      await sandbox.close();
    },
  };
}
