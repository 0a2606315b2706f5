import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppLogger } from '@qbsync/platform';

import { ExclusiveClaimRepository } from '../common/exclusive-claim.repository';
import { QboConnectionRepository } from '../connection/qbo-connection.repository';
import { CompanyListsService } from './company-lists.service';

const JOB_NAME = 'qbo-company-lists-refresh';

/**
 * Reloads every connected company's lists every QBO_LISTS_REFRESH_MINUTES, so changes made in
 * QuickBooks reach the cache even when no webhook arrives. A claim per account and period makes
 * one replica do each reload.
 */
@Injectable()
export class CompanyListsJob implements OnModuleInit, OnApplicationShutdown {
  private readonly logger: AppLogger;
  private running?: Promise<void>;

  constructor(
    private readonly lists: CompanyListsService,
    private readonly connections: QboConnectionRepository,
    private readonly claims: ExclusiveClaimRepository,
    private readonly scheduler: SchedulerRegistry,
    logger: AppLogger,
  ) {
    this.logger = logger.child(CompanyListsJob.name);
  }

  onModuleInit(): void {
    const interval = setInterval(() => {
      this.running ??= this.runOnce()
        .catch((error: unknown) =>
          this.logger.error('Scheduled reload of QuickBooks company lists stopped', error),
        )
        .finally(() => (this.running = undefined));
    }, this.lists.refreshIntervalMs);

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
    const period = Math.floor(Date.now() / this.lists.refreshIntervalMs);

    for (const connection of await this.connections.listConnected()) {
      const claimed = await this.claims.tryClaim(
        `qbo-lists|${connection.accountId}|${period}`,
        'qbo-company-lists-refresh',
      );

      if (!claimed) {
        continue;
      }

      await this.lists.reload(connection.accountId, 'schedule').catch((error: unknown) =>
        this.logger.warn('Scheduled reload of QuickBooks company lists failed', {
          accountId: connection.accountId,
          realmId: connection.realmId,
          reason: (error as Error).message,
        }),
      );
    }
  }
}
