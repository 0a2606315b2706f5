import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import {
  Consumers,
  type Payout,
  type PayoutReady,
  payoutSchema,
  Subjects,
} from '@qbsync/contracts';
import { APP_CONFIG, AppLogger, JetStreamService, type MessageContext } from '@qbsync/platform';

import { RuleSetCache } from '../rule-sets/rule-set.cache';
import { type RulesConfig } from '../rules.config';

/**
 * Routes payouts to the account's QuickBooks target. Order rules do not apply to a payout: its
 * deposit is matched by the posting service from the payout's own transactions.
 */
@Injectable()
export class PayoutReceivedWorker implements OnApplicationBootstrap {
  private readonly logger: AppLogger;

  constructor(
    private readonly jetStream: JetStreamService,
    private readonly ruleSets: RuleSetCache,
    @Inject(APP_CONFIG) private readonly config: RulesConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child(PayoutReceivedWorker.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jetStream.consume({
      consumer: Consumers.RulesPayoutReceived,
      schema: payoutSchema,
      concurrency: this.config.RULES_CONCURRENCY,
      handle: (payout, context) => this.handlePayoutReceived(payout, context),
    });
  }

  async handlePayoutReceived(payout: Payout, context: MessageContext): Promise<void> {
    const ruleSet = await this.ruleSets.get(payout.accountId);
    const ready: PayoutReady = { payout, target: ruleSet.target };
    const subject =
      ruleSet.target === 'qbd' ? Subjects.PayoutReadyForQbd : Subjects.PayoutReadyForQbo;
    const key = `${payout.accountId}:${payout.channel}:${payout.payoutId}:${payout.status}`;

    await this.jetStream.publish(subject, ready, {
      messageId: `${context.messageId ?? key}:ready-${ruleSet.target}`,
    });
    this.logger.debug('Payout ready for QuickBooks', {
      accountId: payout.accountId,
      payoutId: payout.payoutId,
      target: ruleSet.target,
    });
  }
}
