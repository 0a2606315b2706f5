import { Inject, Injectable } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { APP_CONFIG, AppLogger } from '@qbsync/platform';

import { type RulesConfig } from '../rules.config';
import { RuleHitRecorder } from '../rule-hits/rule-hit.recorder';
import { ReceivedOrderRepository } from './received-order.repository';

const DAY_MILLISECONDS = 24 * 60 * 60 * 1000;

/**
 * Deletes kept orders and rule hit counts older than RULES_ORDER_RETENTION_DAYS. FerretDB has no
 * TTL indexes, so this job is what bounds both collections on every database the product runs on.
 */
@Injectable()
export class ReceivedOrderRetentionJob {
  private readonly logger: AppLogger;

  constructor(
    private readonly orders: ReceivedOrderRepository,
    private readonly hits: RuleHitRecorder,
    @Inject(APP_CONFIG) private readonly config: RulesConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child(ReceivedOrderRetentionJob.name);
  }

  @Cron(CronExpression.EVERY_HOUR, { name: 'received-order-retention' })
  async handleRetention(now: Date = new Date()): Promise<number> {
    const cutoff = new Date(
      now.getTime() - this.config.RULES_ORDER_RETENTION_DAYS * DAY_MILLISECONDS,
    );

    try {
      const deleted = await this.orders.purgeBefore(cutoff);
      const hitDocuments = await this.hits.purgeBefore(cutoff);

      this.logger.info('Purged kept orders and rule hits', {
        deleted,
        hitDocuments,
        cutoff: cutoff.toISOString(),
      });

      return deleted;
    } catch (error) {
      this.logger.error(
        'Purging kept orders or rule hits failed; the next run tries again',
        error,
        {
          cutoff: cutoff.toISOString(),
        },
      );

      return 0;
    }
  }
}
