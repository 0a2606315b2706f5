import { Injectable } from '@nestjs/common';

import { CompiledRuleSet, type RuleProblem } from '../engine/compile';
import { type Rule } from '../engine/rule.model';
import { RuleSetRepository } from './rule-set.repository';
import { type RuleSetTarget } from './rule-set.schema';

/** How long a replica reuses an account's rule set before checking for a newer version. */
const CACHE_MILLISECONDS = 2_000;

/** An account's current rule set, compiled. */
export interface ActiveRuleSet {
  accountId: string;
  target: RuleSetTarget;
  /** 0 when the account has no stored version yet. */
  version: number;
  rules: Rule[];
  /** Absent when a stored rule no longer compiles, in which case `problems` names it. */
  compiled?: CompiledRuleSet;
  problems: RuleProblem[];
}

/**
 * Keeps each account's compiled rule set. Every two seconds a lookup reads only the newest version
 * number, and the rules are read and compiled again only when it changed, so a burst of orders
 * costs one small read and each version is compiled once per replica.
 */
@Injectable()
export class RuleSetCache {
  private readonly entries = new Map<string, { ruleSet: ActiveRuleSet; expiresAt: number }>();

  constructor(private readonly repository: RuleSetRepository) {}

  async get(accountId: string): Promise<ActiveRuleSet> {
    const cached = this.entries.get(accountId);

    if (cached && cached.expiresAt > Date.now()) {
      return cached.ruleSet;
    }

    const header = await this.repository.latestHeader(accountId);
    let ruleSet: ActiveRuleSet;

    if (cached && header && cached.ruleSet.version === header.version) {
      ruleSet = cached.ruleSet;
    } else if (!header) {
      ruleSet = emptyRuleSet(accountId);
    } else {
      const stored = await this.repository.findVersion(accountId, header.version);

      ruleSet = activate(
        accountId,
        stored?.target ?? header.target,
        header.version,
        stored?.rules ?? [],
      );
    }

    this.entries.set(accountId, { ruleSet, expiresAt: Date.now() + CACHE_MILLISECONDS });

    return ruleSet;
  }

  forget(accountId: string): void {
    this.entries.delete(accountId);
  }
}

function emptyRuleSet(accountId: string): ActiveRuleSet {
  return activate(accountId, 'qbo', 0, []);
}

/** Compiles a stored rule set. */
export function activate(
  accountId: string,
  target: RuleSetTarget,
  version: number,
  rules: Rule[],
): ActiveRuleSet {
  const compiled = CompiledRuleSet.compile(rules, version);

  return compiled.ok
    ? { accountId, target, version, rules, compiled: compiled.ruleSet, problems: [] }
    : { accountId, target, version, rules, problems: compiled.problems };
}
