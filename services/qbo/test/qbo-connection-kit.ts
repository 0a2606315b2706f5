import { randomBytes, randomInt, randomUUID } from 'node:crypto';

import { type Provider } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { Test, type TestingModule } from '@nestjs/testing';
import {
  AppLogger,
  createRootLogger,
  JetStreamService,
  loadConfig,
  openNatsConnection,
  PlatformModule,
} from '@qbsync/platform';
import { type Connection } from 'mongoose';
import { type NatsConnection } from 'nats';

import { QboApiClient } from '../src/api/qbo-api.client';
import { QboBatchClient } from '../src/api/qbo-batch.client';
import { CdcCursorRepository } from '../src/cdc/cdc-cursor.repository';
import { QboCdcJob } from '../src/cdc/qbo-cdc.job';
import { ExclusiveClaimRepository } from '../src/common/exclusive-claim.repository';
import { QboAccess } from '../src/connection/qbo-access';
import { QboConnectionRepository } from '../src/connection/qbo-connection.repository';
import { QboTokenService } from '../src/connection/qbo-token.service';
import { QboRateGovernor } from '../src/governor/qbo-rate-governor';
import { CompanyListsRepository } from '../src/lists/company-lists.repository';
import { CompanyListsService } from '../src/lists/company-lists.service';
import { type QboConfig, qboConfigSchema } from '../src/qbo.config';
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

/** Everything one qbo replica needs for the connection-side tests, over shared servers. */
export const CONNECTION_PROVIDERS: Provider[] = [
  ExclusiveClaimRepository,
  QboConnectionRepository,
  QboTokenService,
  QboRateGovernor,
  QboApiClient,
  QboBatchClient,
  QboAccess,
  QboChangeFeed,
  CompanyListsRepository,
  CompanyListsService,
  CdcCursorRepository,
  QboCdcJob,
];

export interface ConnectionKit {
  sandbox: RunningSandbox;
  database: Connection;
  config: QboConfig;
  /** Starts one replica: its own NATS connection and providers, sharing database and sandbox. */
  startReplica(overrides?: Partial<QboConfig>): Promise<TestingModule>;
  /** Connects a new realm through the code flow and stores the connection for a new account. */
  connectAccount(replica: TestingModule): Promise<{ accountId: string; realmId: string }>;
  /** Sends a request to the sandbox's control API. */
  admin(method: string, path: string, body?: unknown): Promise<unknown>;
  close(): Promise<void>;
}

const logger = new AppLogger(createRootLogger('qbo-connection-spec', 'silent'));

export async function startConnectionKit(infra: {
  natsUrl: string;
  mongoUri: string;
}): Promise<ConnectionKit> {
  const sandbox = await startSandbox();
  const database = await openTestDatabase(infra.mongoUri);
  const config = loadConfig(qboConfigSchema, {
    NATS_URL: infra.natsUrl,
    MONGODB_URI: infra.mongoUri,
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    QBO_CLIENT_ID: SANDBOX_CLIENT_ID,
    QBO_CLIENT_SECRET: SANDBOX_CLIENT_SECRET,
    QBO_API_BASE_URL: sandbox.url,
    QBO_TOKEN_URL: sandbox.tokenUrl,
    QBO_REVOKE_URL: `${sandbox.url}/oauth2/v1/tokens/revoke`,
    QBO_REQUEST_TIMEOUT_MS: '10000',
  });
  const replicas: Array<{ module: TestingModule; nats: NatsConnection }> = [];

  async function startReplica(overrides: Partial<QboConfig> = {}): Promise<TestingModule> {
    const nats = await openNatsConnection(infra.natsUrl, 'qbo-spec', logger);
    const module = await Test.createTestingModule({
      imports: [
        PlatformModule.forRoot({ config: { ...config, ...overrides }, logger, database, nats }),
        ScheduleModule.forRoot(),
      ],
      providers: CONNECTION_PROVIDERS,
    }).compile();

    await module.init();
    await module.get(JetStreamService).ensureStreams();
    await ensureIndexes(database);
    replicas.push({ module, nats });

    return module;
  }

  async function connectAccount(replica: TestingModule) {
    const accountId = `account-${randomUUID()}`;
    const authorization = await authorize(sandbox, String(randomInt(1e9, 1e10)));
    const tokens = await replica
      .get(QboTokenService)
      .exchangeCode(authorization.code, REDIRECT_URI);

    await replica.get(QboConnectionRepository).upsert({
      accountId,
      connectionId: `connection-${randomUUID()}`,
      realmId: authorization.realmId,
      missingItemAction: 'create',
      ...tokens,
    });

    return { accountId, realmId: authorization.realmId };
  }

  async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${sandbox.url}/__sandbox${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();

    if (!response.ok) {
      throw new Error(`Sandbox ${method} ${path} returned ${response.status}: ${text}`);
    }

    return text ? JSON.parse(text) : undefined;
  }

  return {
    sandbox,
    database,
    config,
    startReplica,
    connectAccount,
    admin,
    async close() {
      for (const replica of replicas) {
        await replica.module.close();
        await replica.nats.close();
      }

      await database.close();
      await sandbox.close();
    },
  };
}

/** Request counts the sandbox recorded for a realm. */
export interface RealmStats {
  requests: Record<string, Record<string, number>>;
  totalRequests: number;
  throttledRequests: number;
  objects: Record<string, number>;
}

export async function realmStats(kit: ConnectionKit, realmId: string): Promise<RealmStats> {
  return (await kit.admin('GET', `/realms/${realmId}/stats`)) as RealmStats;
}
