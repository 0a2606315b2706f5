import { Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { AppLogger } from '@qbsync/platform';

import { QboConnectionRepository } from './qbo-connection.repository';
import { QboTokenService } from './qbo-token.service';

const JOB_NAME = 'qbo-token-refresh';
const RUN_EVERY_MILLISECONDS = 5 * 60 * 1000;
/** Access tokens that expire sooner than this are refreshed by the job (they last an hour). */
const REFRESH_WITHIN_MILLISECONDS = 15 * 60 * 1000;
/** Warning period before the refresh token's 5-year hard expiry, which users must be warned about. */
const REFRESH_TOKEN_WARNING_MILLISECONDS = 30 * 24 * 60 * 60 * 1000;

/**
 * Refreshes access tokens before they expire, so an idle company's first order after an hour does
 * not wait for a refresh, and refresh tokens are used (which extends their 100-day life). The
 * token service's database lock makes one replica do each refresh.
 */
@Injectable()
export class QboTokenRefreshJob implements OnModuleInit, OnApplicationShutdown {
  private readonly logger: AppLogger;
  private running?: Promise<void>;

  constructor(
    private readonly connections: QboConnectionRepository,
    private readonly tokens: QboTokenService,
    private readonly scheduler: SchedulerRegistry,
    logger: AppLogger,
  ) {
    this.logger = logger.child(QboTokenRefreshJob.name);
  }

  onModuleInit(): void {
    const interval = setInterval(() => {
      this.running ??= this.runOnce()
        .catch((error: unknown) =>
          this.logger.error('Scheduled QuickBooks token refresh run stopped', error),
        )
        .finally(() => (this.running = undefined));
    }, RUN_EVERY_MILLISECONDS);

    this.scheduler.addInterval(JOB_NAME, interval);
  }

  async onApplicationShutdown(): Promise<void> {
    // The schedule module may have cleared its intervals first during the same shutdown.
    if (this.scheduler.doesExist('interval', JOB_NAME)) {
      this.scheduler.deleteInterval(JOB_NAME);
    }

    await this.running;
  }

  /** Refreshes each connection whose access token expires within 15 minutes. */
  async runOnce(): Promise<void> {
    const now = Date.now();

    for (const connection of await this.connections.listConnected()) {
      if (connection.refreshTokenExpiresAt.getTime() - now < REFRESH_TOKEN_WARNING_MILLISECONDS) {
        this.logger.warn('QuickBooks Online refresh token expires within 30 days; reconnect soon', {
          accountId: connection.accountId,
          realmId: connection.realmId,
          expiresAt: connection.refreshTokenExpiresAt.toISOString(),
        });
      }

      if (connection.accessTokenExpiresAt.getTime() - now > REFRESH_WITHIN_MILLISECONDS) {
        continue;
      }

      try {
        await this.tokens.refresh(connection.accountId);
      } catch (error) {
        this.logger.warn('Scheduled QuickBooks token refresh failed', {
          accountId: connection.accountId,
          realmId: connection.realmId,
          reason: (error as Error).message,
        });
      }
    }
  }
}
