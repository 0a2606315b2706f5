import { Inject, Injectable } from '@nestjs/common';
import { type DocumentKind, type Order, type PostingOverrides } from '@qbsync/contracts';
import { APP_CONFIG } from '@qbsync/platform';
import { type z } from 'zod';

import {
  CompiledRuleSet,
  type RuleRunResult,
  RuleRuntimeError,
  type RuleTrace,
} from '../engine/compile';
import { type Rule, type ruleInputSchema } from '../engine/rule.model';
import { describeProblems } from '../engine/validate';
import { ReceivedOrderRepository } from '../received-orders/received-order.repository';
import { RuleSetCache } from '../rule-sets/rule-set.cache';
import { RuleSetRepository } from '../rule-sets/rule-set.repository';
import { type RulesConfig } from '../rules.config';
import { type DocumentPreview, previewDocument } from './document-preview';
import { rulesApiError } from './rules-api.errors';
import { type previewRequestSchema, type replayRequestSchema } from './rules-api.schemas';

/** Result of a rule set on one order, in a form two runs can be compared by. */
interface Outcome {
  status: 'ready' | 'skipped' | 'failed';
  documentKind?: DocumentKind;
  skippedBy?: string;
  failedRule?: string;
  message?: string;
  appliedRules: string[];
  overrides?: PostingOverrides;
  order?: Order;
}

export interface PreviewReply {
  /** The version the preview ran, or "draft". */
  ruleSet: number | 'draft';
  target: 'qbo' | 'qbd';
  order: { channelOrderId: string; orderNumber: string; connectionId: string; channel: string };
  before: Order;
  after: Order | null;
  status: Outcome['status'];
  documentKind?: DocumentKind;
  overrides?: PostingOverrides;
  appliedRules: string[];
  skippedBy?: { ruleId: string; name: string };
  failure?: { ruleId: string; ruleName: string; message: string };
  /**
   * Per rule, in evaluation order: whether it matched, why not, each condition and each change.
   * Every rule that matched is listed; of the others, the first MAX_UNMATCHED_TRACES.
   */
  rules: RuleTrace[];
  /** Unmatched rules left out of `rules`, so the reply fits in one NATS message. */
  omittedRules: number;
  /** The document that would post; absent when the order is skipped or a rule failed. */
  document?: DocumentPreview;
  /** The order's custom fields before and after, which the preview shows on their own tab. */
  customFields: { before: Order['customFields']; after: Order['customFields'] | null };
}

export interface ReplayReply {
  days: number;
  ordersScanned: number;
  /** True when more orders were received than RULES_REPLAY_MAX_ORDERS allowed to scan. */
  truncated: boolean;
  ordersChanged: number;
  /** Per draft rule: orders it applied to, and of those, orders whose result would differ. */
  rules: { ruleId: string; name: string; matchedOrders: number; changedOrders: number }[];
  /** Orders whose result would differ, up to `sampleSize`. */
  changes: {
    channelOrderId: string;
    orderNumber: string;
    differences: string[];
    current: Omit<Outcome, 'order' | 'overrides'>;
    draft: Omit<Outcome, 'order' | 'overrides'>;
  }[];
}

/** Runs stored or draft rules on kept orders without publishing or storing anything. */
@Injectable()
export class RulePreviewService {
  constructor(
    private readonly orders: ReceivedOrderRepository,
    private readonly repository: RuleSetRepository,
    private readonly cache: RuleSetCache,
    @Inject(APP_CONFIG) private readonly config: RulesConfig,
  ) {}

  async preview(request: z.infer<typeof previewRequestSchema>): Promise<PreviewReply> {
    const order = request.order
      ? await this.orders.findOne(request.accountId, request.order, request.connectionId)
      : await this.orders.findNewest(request.accountId, request.connectionId);

    if (!order) {
      throw rulesApiError(
        'not_found',
        request.order
          ? `order ${request.order} was not received in the last ${this.config.RULES_ORDER_RETENTION_DAYS} days for account ${request.accountId}; give the channel order id or order number of a recent order`
          : `no order was received in the last ${this.config.RULES_ORDER_RETENTION_DAYS} days for account ${request.accountId}`,
      );
    }

    const { ruleSet, label, target } = await this.resolveRuleSet(request);
    let result: RuleRunResult | undefined;
    let trace: RuleTrace[] = [];
    let failure: PreviewReply['failure'];

    try {
      ({ result, trace } = ruleSet.explain(order));
    } catch (error) {
      if (!(error instanceof RuleRuntimeError)) {
        throw error;
      }

      failure = { ruleId: error.ruleId, ruleName: error.ruleName, message: error.message };
    }

    return {
      ruleSet: label,
      target,
      order: {
        channelOrderId: order.channelOrderId,
        orderNumber: order.orderNumber,
        connectionId: order.connectionId,
        channel: order.channel,
      },
      before: order,
      after: result && !result.skippedBy ? result.order : null,
      status: previewStatus(result, failure),
      ...(result && !result.skippedBy ? { documentKind: result.documentKind } : {}),
      ...(result?.overrides ? { overrides: result.overrides } : {}),
      appliedRules: result?.appliedRules ?? [],
      ...(result?.skippedBy ? { skippedBy: result.skippedBy } : {}),
      ...(failure ? { failure } : {}),
      ...limitTrace(trace),
      ...(result && !result.skippedBy
        ? { document: previewDocument(result.order, result.documentKind, result.overrides) }
        : {}),
      customFields: {
        before: order.customFields,
        after: result ? result.order.customFields : null,
      },
    };
  }

  async replay(request: z.infer<typeof replayRequestSchema>): Promise<ReplayReply> {
    const draft = compileDraft(request.rules.map(withDraftId));
    const current = await this.cache.get(request.accountId);

    if (!current.compiled) {
      throw rulesApiError(
        'conflict',
        `the stored rule set no longer compiles, so there is nothing to compare with: ${describeProblems(current.problems)}`,
      );
    }

    const limit = this.config.RULES_REPLAY_MAX_ORDERS;
    const since = new Date(Date.now() - request.days * 24 * 60 * 60 * 1000);
    const orders = await this.orders.list({
      accountId: request.accountId,
      ...(request.connectionId ? { connectionId: request.connectionId } : {}),
      since,
      limit: limit + 1,
    });
    const scanned = orders.slice(0, limit);
    const perRule = new Map(
      draft.rules.map((rule) => [
        rule.name,
        { ruleId: rule.ruleId, name: rule.name, matchedOrders: 0, changedOrders: 0 },
      ]),
    );
    const changes: ReplayReply['changes'] = [];
    let ordersChanged = 0;

    for (const order of scanned) {
      const before = runSafely(current.compiled, order);
      const after = runSafely(draft.ruleSet, order);
      const differences = compareOutcomes(before, after);

      for (const name of after.appliedRules) {
        const counts = perRule.get(name);

        if (counts) {
          counts.matchedOrders += 1;
          counts.changedOrders += differences.length > 0 ? 1 : 0;
        }
      }

      if (differences.length === 0) {
        continue;
      }

      ordersChanged += 1;

      if (changes.length < request.sampleSize) {
        changes.push({
          channelOrderId: order.channelOrderId,
          orderNumber: order.orderNumber,
          differences,
          current: summary(before),
          draft: summary(after),
        });
      }
    }

    return {
      days: request.days,
      ordersScanned: scanned.length,
      truncated: orders.length > limit,
      ordersChanged,
      rules: [...perRule.values()],
      changes,
    };
  }

  private async resolveRuleSet(
    request: z.infer<typeof previewRequestSchema>,
  ): Promise<{ ruleSet: CompiledRuleSet; label: number | 'draft'; target: 'qbo' | 'qbd' }> {
    const header = await this.repository.latestHeader(request.accountId);
    const target = header?.target ?? 'qbo';

    if (request.rules) {
      return {
        ruleSet: compileDraft(request.rules.map(withDraftId)).ruleSet,
        label: 'draft',
        target,
      };
    }

    if (request.version !== undefined) {
      const stored = await this.repository.findVersion(request.accountId, request.version);

      if (!stored) {
        throw rulesApiError(
          'not_found',
          `version ${request.version} of account ${request.accountId}'s rules not found`,
        );
      }

      const compiled = CompiledRuleSet.compile(stored.rules, stored.version);

      if (!compiled.ok) {
        throw rulesApiError(
          'conflict',
          `version ${request.version} no longer compiles: ${describeProblems(compiled.problems)}`,
        );
      }

      return { ruleSet: compiled.ruleSet, label: stored.version, target: stored.target };
    }

    const current = await this.cache.get(request.accountId);

    if (!current.compiled) {
      throw rulesApiError(
        'conflict',
        `the stored rule set no longer compiles: ${describeProblems(current.problems)}`,
      );
    }

    return { ruleSet: current.compiled, label: current.version, target: current.target };
  }
}

function withDraftId(rule: z.infer<typeof ruleInputSchema>, index: number): Rule {
  return { ...rule, ruleId: rule.ruleId ?? `draft-${index + 1}` };
}

function compileDraft(rules: Rule[]): { ruleSet: CompiledRuleSet; rules: Rule[] } {
  const compiled = CompiledRuleSet.compile(rules, 0);

  if (!compiled.ok) {
    throw rulesApiError('invalid_request', describeProblems(compiled.problems));
  }

  return { ruleSet: compiled.ruleSet, rules };
}

/** Unmatched rules a preview lists; a reply with thousands of them would not fit in a message. */
export const MAX_UNMATCHED_TRACES = 500;

function limitTrace(trace: RuleTrace[]): { rules: RuleTrace[]; omittedRules: number } {
  const rules: RuleTrace[] = [];
  let unmatched = 0;

  for (const entry of trace) {
    if (!entry.matched) {
      unmatched += 1;

      if (unmatched > MAX_UNMATCHED_TRACES) {
        continue;
      }
    }

    rules.push(entry);
  }

  return { rules, omittedRules: trace.length - rules.length };
}

function previewStatus(
  result: RuleRunResult | undefined,
  failure: PreviewReply['failure'],
): PreviewReply['status'] {
  if (failure) {
    return 'failed';
  }

  return result?.skippedBy ? 'skipped' : 'ready';
}

function runSafely(ruleSet: CompiledRuleSet, order: Order): Outcome {
  try {
    const result = ruleSet.run(order);

    if (result.skippedBy) {
      return {
        status: 'skipped',
        skippedBy: result.skippedBy.name,
        appliedRules: result.appliedRules,
      };
    }

    return {
      status: 'ready',
      documentKind: result.documentKind,
      appliedRules: result.appliedRules,
      ...(result.overrides ? { overrides: result.overrides } : {}),
      order: result.order,
    };
  } catch (error) {
    if (!(error instanceof RuleRuntimeError)) {
      throw error;
    }

    return {
      status: 'failed',
      failedRule: error.ruleName,
      message: error.message,
      appliedRules: [],
    };
  }
}

/** Lists what differs between two outcomes: status, document kind, each override, each order field. */
function compareOutcomes(before: Outcome, after: Outcome): string[] {
  const differences: string[] = [];

  if (before.status !== after.status) {
    differences.push('status');
  }

  if (before.documentKind !== after.documentKind) {
    differences.push('documentKind');
  }

  const overrideKeys = new Set([
    ...Object.keys(before.overrides ?? {}),
    ...Object.keys(after.overrides ?? {}),
  ]);

  for (const key of overrideKeys) {
    const left = (before.overrides as Record<string, unknown> | undefined)?.[key];
    const right = (after.overrides as Record<string, unknown> | undefined)?.[key];

    if (
      JSON.stringify(left ?? (key === 'lines' ? [] : null)) !==
      JSON.stringify(right ?? (key === 'lines' ? [] : null))
    ) {
      differences.push(`overrides.${key}`);
    }
  }

  if (before.order && after.order && before.order !== after.order) {
    for (const key of Object.keys(after.order) as (keyof Order)[]) {
      if (JSON.stringify(before.order[key]) !== JSON.stringify(after.order[key])) {
        differences.push(`order.${key}`);
      }
    }
  }

  return differences;
}

function summary(outcome: Outcome): Omit<Outcome, 'order' | 'overrides'> {
  return {
    status: outcome.status,
    appliedRules: outcome.appliedRules,
    ...(outcome.documentKind ? { documentKind: outcome.documentKind } : {}),
    ...(outcome.skippedBy ? { skippedBy: outcome.skippedBy } : {}),
    ...(outcome.failedRule ? { failedRule: outcome.failedRule } : {}),
    ...(outcome.message ? { message: outcome.message } : {}),
  };
}
