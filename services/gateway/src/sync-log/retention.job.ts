import { Inject, Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { APP_CONFIG, AppLogger } from '@qbsync/platform';

import { AccountRepository } from '../accounts/account.repository';
import { type GatewayConfig } from '../gateway.config';
import { SyncEventRepository } from './sync-event.repository';

const DAY_MILLISECONDS = 24 * 60 * 60 * 1000;

/**
 * Deletes sync events past the retention period and expired OAuth states. FerretDB has no TTL
 * indexes, so this job is what enforces retention on every database the product runs on.
 */
@Injectable()
export class RetentionJob {
  private readonly logger: AppLogger;

  constructor(
    private readonly events: SyncEventRepository,
    private readonly accounts: AccountRepository,
    @Inject(APP_CONFIG) private readonly config: GatewayConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child(RetentionJob.name);
  }

  @Cron(CronExpression.EVERY_HOUR, { name: 'sync-log-retention' })
  async handleRetention(
    now: Date = new Date(),
  ): Promise<{ syncEvents: number; oauthStates: number }> {
    const cutoff = new Date(now.getTime() - this.config.SYNC_LOG_RETENTION_DAYS * DAY_MILLISECONDS);
    const syncEvents = await this.events.deleteOlderThan(cutoff);
    const oauthStates = await this.accounts.purgeExpiredOAuthStates(now);

    this.logger.info('Purged expired records', {
      syncEvents,
      oauthStates,
      cutoff: cutoff.toISOString(),
    });

    return { syncEvents, oauthStates };
  }
}
