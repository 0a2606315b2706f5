import { Injectable } from '@nestjs/common';

import { RuleSetRepository } from './rule-set.repository';
import { type RuleSetDocument } from './rule-set.schema';

/** How long a replica reuses an account's rule set before reading it again. */
const CACHE_MILLISECONDS = 2_000;

const DEFAULT_RULE_SET = (accountId: string): RuleSetDocument => ({
  accountId,
  target: 'qbo',
  version: 0,
  updatedAt: new Date(0),
});

/**
 * Keeps each account's rule set for two seconds, so a burst of orders costs one database read;
 * a change made on another replica takes effect within that time.
 */
@Injectable()
export class RuleSetCache {
  private readonly entries = new Map<string, { ruleSet: RuleSetDocument; expiresAt: number }>();

  constructor(private readonly repository: RuleSetRepository) {}

  async get(accountId: string): Promise<RuleSetDocument> {
    const cached = this.entries.get(accountId);

    if (cached && cached.expiresAt > Date.now()) {
      return cached.ruleSet;
    }

    const ruleSet =
      (await this.repository.findByAccountId(accountId)) ?? DEFAULT_RULE_SET(accountId);

    this.entries.set(accountId, { ruleSet, expiresAt: Date.now() + CACHE_MILLISECONDS });

    return ruleSet;
  }

  forget(accountId: string): void {
    this.entries.delete(accountId);
  }
}
