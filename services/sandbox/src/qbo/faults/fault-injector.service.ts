import { randomUUID } from 'node:crypto';

import { Injectable, Logger } from '@nestjs/common';

/** Filter selecting the API calls a rule applies to. Absent fields match anything. */
export interface FaultMatch {
  method?: string;
  /** Entity name such as `SalesReceipt`, or `query` for the query endpoint, compared case-insensitively. */
  entity?: string;
}

export interface FaultRuleSpec {
  realmId: string;
  match?: FaultMatch;
  status: number;
  code?: string;
  message?: string;
  detail?: string;
  /** Number of matching calls that fail. */
  count: number;
  /** Performs the call first and then responds with the fault, to test retries of committed writes. */
  afterCommit?: boolean;
  /** Closes the connection without a response instead of sending the fault, like a timeout. */
  drop?: boolean;
  /** Delay in milliseconds before responding or closing. */
  delayMs?: number;
}

export interface FaultRule extends FaultRuleSpec {
  id: string;
  remaining: number;
}

/** Queued failures for the next matching API calls, consumed in the order they were added. */
@Injectable()
export class FaultInjector {
  private readonly logger = new Logger(FaultInjector.name);
  private rules: FaultRule[] = [];

  add(spec: FaultRuleSpec): FaultRule {
    const rule: FaultRule = { ...spec, id: randomUUID(), remaining: spec.count };

    this.rules.push(rule);
    this.logger.log({
      message: 'Fault rule added',
      realmId: rule.realmId,
      status: rule.status,
      count: rule.count,
      afterCommit: rule.afterCommit ?? false,
    });

    return rule;
  }

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  /** Removes the rules of one realm, or all rules. Returns how many were removed. */
  clear(realmId?: string): number {
    const before = this.rules.length;

    this.rules = realmId === undefined ? [] : this.rules.filter((rule) => rule.realmId !== realmId);

    return before - this.rules.length;
  }

  /** Takes one use of the first rule matching the call, or returns undefined. */
  take(realmId: string, method: string, entity: string): FaultRule | undefined {
    const rule = this.rules.find((candidate) => matches(candidate, realmId, method, entity));

    if (!rule) {
      return undefined;
    }

    rule.remaining -= 1;
    if (rule.remaining <= 0) {
      this.rules = this.rules.filter((candidate) => candidate !== rule);
    }

    return { ...rule };
  }
}

function matches(rule: FaultRule, realmId: string, method: string, entity: string): boolean {
  const sameText = (expected: string | undefined, actual: string) =>
    expected === undefined || expected.toLowerCase() === actual.toLowerCase();

  return (
    rule.realmId === realmId &&
    sameText(rule.match?.method, method) &&
    sameText(rule.match?.entity, entity)
  );
}
