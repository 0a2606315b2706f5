import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { Inject } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { APP_CONFIG, AppLogger } from '@qbsync/platform';

import { QboApiClient } from '../api/qbo-api.client';
import { ExclusiveClaimRepository } from '../common/exclusive-claim.repository';
import { QboAccess } from '../connection/qbo-access';
import {
  type QboConnection,
  QboConnectionRepository,
} from '../connection/qbo-connection.repository';
import { type QboConfig } from '../qbo.config';
import { QboChangeFeed, type QboEntityChange } from '../webhooks/qbo-change-feed';
import { CdcCursorRepository } from './cdc-cursor.repository';

const JOB_NAME = 'qbo-change-data-capture';

/** Entities whose changes the service follows: the cached lists, customers and items. */
export const CDC_ENTITIES = [
  'Account',
  'TaxCode',
  'TaxRate',
  'Class',
  'Department',
  'PaymentMethod',
  'Term',
  'CompanyCurrency',
  'Customer',
  'Item',
];

/**
 * Each run starts this far before the previous run started, so a change committed while the
 * previous run was reading, or stamped by a QuickBooks server clock a little behind ours, is seen.
 * Changes read twice are harmless: listeners reread instead of applying deltas.
 */
const OVERLAP_MILLISECONDS = 2 * 60 * 1000;

/** QuickBooks serves CDC for the last 30 days only, so an older cursor restarts from here. */
const MAX_LOOKBACK_MILLISECONDS = 29 * 24 * 60 * 60 * 1000;

interface CdcResponse {
  CDCResponse?: Array<{ QueryResponse?: Array<Record<string, unknown>> }>;
}

/**
 * Catches up with changes that webhooks missed (an endpoint that was down, a delivery Intuit gave
 * up on) through QuickBooks' change data capture, every QBO_CDC_INTERVAL_SECONDS for each
 * connected company. The cursor is persisted per realm, and a claim per realm and period makes one
 * replica do each run.
 */
@Injectable()
export class QboCdcJob implements OnModuleInit, OnApplicationShutdown {
  private readonly logger: AppLogger;
  private running?: Promise<void>;

  constructor(
    private readonly connections: QboConnectionRepository,
    private readonly cursors: CdcCursorRepository,
    private readonly claims: ExclusiveClaimRepository,
    private readonly access: QboAccess,
    private readonly client: QboApiClient,
    private readonly feed: QboChangeFeed,
    private readonly scheduler: SchedulerRegistry,
    @Inject(APP_CONFIG) private readonly config: QboConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child(QboCdcJob.name);
  }

  onModuleInit(): void {
    const interval = setInterval(() => {
      this.running ??= this.runOnce()
        .catch((error: unknown) => this.logger.error('Change data capture run stopped', error))
        .finally(() => (this.running = undefined));
    }, this.config.QBO_CDC_INTERVAL_SECONDS * 1000);

    this.scheduler.addInterval(JOB_NAME, interval);
  }

  async onApplicationShutdown(): Promise<void> {
    // The schedule module may have cleared its intervals first during the same shutdown.
    if (this.scheduler.doesExist('interval', JOB_NAME)) {
      this.scheduler.deleteInterval(JOB_NAME);
    }

    await this.running;
  }

  async runOnce(): Promise<void> {
    const period = Math.floor(Date.now() / (this.config.QBO_CDC_INTERVAL_SECONDS * 1000));
    const realms = new Map<string, QboConnection>();

    for (const connection of await this.connections.listConnected()) {
      realms.set(connection.realmId, connection);
    }

    for (const connection of realms.values()) {
      if (await this.claims.tryClaim(`qbo-cdc|${connection.realmId}|${period}`, 'qbo-cdc')) {
        await this.catchUp(connection).catch((error: unknown) =>
          this.logger.warn('Change data capture failed', {
            realmId: connection.realmId,
            reason: (error as Error).message,
          }),
        );
      }
    }
  }

  /** Reads the realm's changes since its cursor and publishes them; returns how many there were. */
  async catchUp(connection: QboConnection): Promise<number> {
    const startedAt = Date.now();
    const cursor = await this.cursors.find(connection.realmId);

    if (!cursor) {
      // First run for the realm: the lists were just loaded, so only later changes matter.
      await this.cursors.save(connection.realmId, new Date(startedAt - OVERLAP_MILLISECONDS));

      return 0;
    }

    const changedSince = new Date(
      Math.max(cursor.getTime(), startedAt - MAX_LOOKBACK_MILLISECONDS),
    );
    const response = await this.access.withConnection(connection.accountId, (fresh) =>
      this.client.request<CdcResponse>({
        realmId: fresh.realmId,
        accessToken: fresh.accessToken,
        method: 'GET',
        path: 'cdc',
        query: { entities: CDC_ENTITIES.join(','), changedSince: changedSince.toISOString() },
      }),
    );
    const changes = readChanges(connection.realmId, response);

    this.feed.publish(changes, 'cdc');
    await this.cursors.save(connection.realmId, new Date(startedAt - OVERLAP_MILLISECONDS));
    if (changes.length > 0) {
      this.logger.info('Change data capture found changes', {
        realmId: connection.realmId,
        changes: changes.length,
      });
    }

    return changes.length;
  }
}

function readChanges(realmId: string, response: CdcResponse): QboEntityChange[] {
  const changes: QboEntityChange[] = [];

  for (const block of response.CDCResponse ?? []) {
    for (const entityResponse of block.QueryResponse ?? []) {
      for (const [entity, value] of Object.entries(entityResponse)) {
        if (!Array.isArray(value)) {
          continue;
        }

        for (const object of value as Array<Record<string, unknown>>) {
          const metaData = object.MetaData as { LastUpdatedTime?: string } | undefined;

          changes.push({
            realmId,
            entity,
            id: String(object.Id),
            operation: object.status === 'Deleted' ? 'Delete' : 'Update',
            changedAt: metaData?.LastUpdatedTime ? new Date(metaData.LastUpdatedTime) : undefined,
          });
        }
      }
    }
  }

  return changes;
}
