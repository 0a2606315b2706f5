import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';

import { Injectable } from '@nestjs/common';
import { type CompanyLists, describeIssues } from '@qbsync/contracts';
import { AppLogger } from '@qbsync/platform';
import { type z } from 'zod';

import { CompanyListsClient } from '../company-lists/company-lists.client';
import { RuleHitRecorder } from '../rule-hits/rule-hit.recorder';
import { type RuleProblem } from '../engine/compile';
import { type Rule, ruleInputSchema } from '../engine/rule.model';
import { RULE_TEMPLATES } from '../engine/templates';
import { describeProblems, validateRules } from '../engine/validate';
import { RuleSetCache } from '../rule-sets/rule-set.cache';
import {
  type RuleSetContent,
  RuleSetChangeRejected,
  RuleSetRepository,
  type RuleSetVersion,
} from '../rule-sets/rule-set.repository';
import { type RuleSetTarget } from '../rule-sets/rule-set.schema';
import {
  type CsvRowError,
  parseMappingCsv,
  parseRulesCsv,
  writeRulesCsv,
} from '../transfer/rules-csv';
import { rulesApiError } from './rules-api.errors';
import {
  type createFromTemplateRequestSchema,
  type createRequestSchema,
  type deleteRequestSchema,
  type exportRequestSchema,
  type ImportRequest,
  type listRequestSchema,
  MAX_RULES_PER_REPLY,
  type reorderRequestSchema,
  type restoreRequestSchema,
  type updateRequestSchema,
  type versionsRequestSchema,
} from './rules-api.schemas';

/** Whether values were checked against the QuickBooks company's lists, and why not. */
export interface ListsSummary {
  listsChecked: boolean;
  listsNote?: string;
}

/** A rule as the API returns it, with its 1-based position in evaluation order. */
export type PositionedRule = Rule & { position: number };

/** A listed rule with the orders it applied to over the kept days, and when it last applied. */
export type ListedRule = PositionedRule & { hits: { count: number; lastHitAt: Date | null } };

export type RuleSetList = Omit<RuleSetView, 'rules'> & { rules: ListedRule[] };

/**
 * An account's rule set as replies carry it: `rules` contains at most MAX_RULES_PER_REPLY rules
 * from `offset`, and `ruleCount` is the number of rules in the set.
 */
export interface RuleSetView {
  accountId: string;
  target: RuleSetTarget;
  version: number;
  updatedAt: Date | null;
  ruleCount: number;
  offset: number;
  rules: PositionedRule[];
}

export interface ChangeReply {
  ruleSet: RuleSetView;
  validation: ListsSummary;
}

export interface ImportReport {
  stored: boolean;
  dryRun: boolean;
  created: string[];
  updated: string[];
  unchanged: string[];
  /** Rows or entries that could not be read, by row (CSV) or index (JSON) and column or field. */
  errors: CsvRowError[];
  /** Rules that were read but are invalid, by rule. */
  problems: RuleProblem[];
  validation: ListsSummary;
  version?: number;
}

/** Creates, changes, reorders, restores, imports and exports an account's rules. */
@Injectable()
export class RuleSetEditorService {
  private readonly logger: AppLogger;

  constructor(
    private readonly repository: RuleSetRepository,
    private readonly cache: RuleSetCache,
    private readonly companyLists: CompanyListsClient,
    private readonly hits: RuleHitRecorder,
    logger: AppLogger,
  ) {
    this.logger = logger.child(RuleSetEditorService.name);
  }

  async list(request: z.infer<typeof listRequestSchema>): Promise<RuleSetList> {
    const accountId = request.accountId;
    const [latest, totals] = await Promise.all([
      this.repository.latest(accountId),
      this.hits.totals(accountId),
    ]);
    const listed = view(accountId, latest, request.offset, request.limit);

    return {
      ...listed,
      rules: listed.rules.map((rule) => {
        const total = totals.get(rule.ruleId);

        return { ...rule, hits: { count: total?.count ?? 0, lastHitAt: total?.lastHitAt ?? null } };
      }),
    };
  }

  async create(request: z.infer<typeof createRequestSchema>): Promise<ChangeReply> {
    const rule = withId(request.rule);
    const validation = await this.checkLists(request.accountId, [rule]);
    const stored = await this.store(
      request.accountId,
      (current) => {
        if (current.rules.some((existing) => existing.ruleId === rule.ruleId)) {
          throw new RuleSetChangeRejected(
            `rule id ${rule.ruleId} is already used by rule "${current.rules.find((existing) => existing.ruleId === rule.ruleId)!.name}"; update that rule or choose another id`,
          );
        }

        const rules = [...current.rules];
        const index = Math.min((request.position ?? rules.length + 1) - 1, rules.length);

        rules.splice(index, 0, rule);

        return { target: current.target, rules };
      },
      `created rule ${rule.name}`,
      [rule.ruleId],
      validation.lists,
    );

    return { ruleSet: view(request.accountId, stored), validation: validation.summary };
  }

  /** Creates a rule from a catalogue template, with the caller's fields replacing the template's. */
  async createFromTemplate(
    request: z.infer<typeof createFromTemplateRequestSchema>,
  ): Promise<ChangeReply> {
    const template = RULE_TEMPLATES.find((candidate) => candidate.id === request.fromTemplate);

    if (!template) {
      throw rulesApiError(
        'not_found',
        `template ${request.fromTemplate} not found; use one of ${RULE_TEMPLATES.map((candidate) => candidate.id).join(', ')}`,
      );
    }

    const parsed = ruleInputSchema.safeParse({
      ...template.rule,
      ...request.rule,
      type: 'template',
      template: template.id,
    });

    if (!parsed.success) {
      throw rulesApiError('invalid_request', describeIssues(parsed.error.issues));
    }

    return this.create({
      accountId: request.accountId,
      rule: parsed.data,
      ...(request.position ? { position: request.position } : {}),
    });
  }

  async update(request: z.infer<typeof updateRequestSchema>): Promise<ChangeReply> {
    const rule = { ...withId(request.rule), ruleId: request.ruleId };
    const validation = await this.checkLists(request.accountId, [rule]);
    const stored = await this.store(
      request.accountId,
      (current) => {
        const index = requireRuleIndex(current, request.ruleId);
        const rules = [...current.rules];

        rules[index] = rule;

        return { target: current.target, rules };
      },
      `updated rule ${rule.name}`,
      [rule.ruleId],
      validation.lists,
    );

    return { ruleSet: view(request.accountId, stored), validation: validation.summary };
  }

  async delete(request: z.infer<typeof deleteRequestSchema>): Promise<RuleSetView> {
    let name = request.ruleId;
    const stored = await this.store(
      request.accountId,
      (current) => {
        const index = requireRuleIndex(current, request.ruleId);

        name = current.rules[index]!.name;

        return {
          target: current.target,
          rules: current.rules.filter((rule) => rule.ruleId !== request.ruleId),
        };
      },
      `deleted rule ${request.ruleId}`,
      [],
      undefined,
    );

    this.logger.info('Rule deleted', {
      accountId: request.accountId,
      ruleId: request.ruleId,
      name,
    });

    return view(request.accountId, stored);
  }

  async reorder(request: z.infer<typeof reorderRequestSchema>): Promise<RuleSetView> {
    const stored = await this.store(
      request.accountId,
      (current) => {
        const byId = new Map(current.rules.map((rule) => [rule.ruleId, rule]));
        const listed = new Set(request.ruleIds);
        const missing = current.rules.filter((rule) => !listed.has(rule.ruleId));
        const unknown = request.ruleIds.filter((id) => !byId.has(id));

        if (listed.size !== request.ruleIds.length) {
          throw new RuleSetChangeRejected(
            'ruleIds lists a rule more than once; list each rule once',
          );
        }

        if (unknown.length > 0 || missing.length > 0) {
          throw new RuleSetChangeRejected(
            `ruleIds must list every rule of the account exactly once${unknown.length > 0 ? `; unknown: ${unknown.slice(0, 10).join(', ')}` : ''}${
              missing.length > 0
                ? `; missing: ${missing
                    .slice(0, 10)
                    .map((rule) => rule.ruleId)
                    .join(', ')}`
                : ''
            }`,
          );
        }

        return { target: current.target, rules: request.ruleIds.map((id) => byId.get(id)!) };
      },
      'reordered rules',
      [],
      undefined,
    );

    return view(request.accountId, stored);
  }

  async versions(request: z.infer<typeof versionsRequestSchema>): Promise<unknown> {
    if (request.version === undefined) {
      return {
        accountId: request.accountId,
        versions: await this.repository.listVersions(request.accountId, request.limit),
      };
    }

    const version = await this.repository.findVersion(request.accountId, request.version);

    if (!version) {
      throw rulesApiError(
        'not_found',
        `version ${request.version} of account ${request.accountId}'s rules not found`,
      );
    }

    return {
      ...version,
      ruleCount: version.rules.length,
      offset: request.offset,
      rules: positioned(version.rules, request.offset, request.limit),
    };
  }

  /** Stores a new version with the old version's target and rules. */
  async restore(request: z.infer<typeof restoreRequestSchema>): Promise<RuleSetView> {
    const old = await this.repository.findVersion(request.accountId, request.version);

    if (!old) {
      throw rulesApiError(
        'not_found',
        `version ${request.version} of account ${request.accountId}'s rules not found`,
      );
    }

    const stored = await this.store(
      request.accountId,
      () => ({ target: old.target, rules: old.rules }),
      `restored version ${request.version}`,
      [],
      undefined,
      request.version,
    );

    this.logger.info('Rule set restored', {
      accountId: request.accountId,
      restoredFrom: request.version,
      version: stored.version,
    });

    return view(request.accountId, stored);
  }

  async import(request: ImportRequest): Promise<ImportReport> {
    const parsed = readImport(request);
    const empty = { created: [], updated: [], unchanged: [], problems: [] };

    if (parsed.errors.length > 0) {
      return {
        ...empty,
        stored: false,
        dryRun: request.dryRun,
        errors: parsed.errors,
        validation: { listsChecked: false, listsNote: 'not checked because the file has errors' },
      };
    }

    const imported = parsed.rules;
    const validation = await this.checkLists(request.accountId, imported);
    const current = (await this.repository.latest(request.accountId)) ?? undefined;
    const merged = mergeRules(current?.rules ?? [], imported, request.mode);
    const report = validateRules(
      merged.rules,
      validation.lists,
      validation.summary.listsNote,
      new Set(imported.map((rule) => rule.ruleId)),
    );
    const base: ImportReport = {
      stored: false,
      dryRun: request.dryRun,
      created: merged.created,
      updated: merged.updated,
      unchanged: merged.unchanged,
      errors: [],
      problems: report.problems,
      validation: validation.summary,
    };

    if (request.dryRun || report.problems.length > 0) {
      return base;
    }

    const stored = await this.store(
      request.accountId,
      (latest) => ({
        target: latest.target,
        rules: mergeRules(latest.rules, imported, request.mode).rules,
      }),
      `imported ${imported.length} rules (${request.format}, ${request.mode})`,
      imported.map((rule) => rule.ruleId),
      validation.lists,
    );

    return { ...base, stored: true, version: stored.version };
  }

  async export(request: z.infer<typeof exportRequestSchema>): Promise<{
    format: 'csv' | 'json';
    version: number;
    ruleCount: number;
    offset: number;
    content: unknown;
  }> {
    const version =
      request.version === undefined
        ? await this.repository.latest(request.accountId)
        : await this.repository.findVersion(request.accountId, request.version);

    if (!version && request.version !== undefined) {
      throw rulesApiError(
        'not_found',
        `version ${request.version} of account ${request.accountId}'s rules not found`,
      );
    }

    const all = version?.rules ?? [];
    const rules = all.slice(request.offset, request.offset + request.limit);

    return {
      format: request.format,
      version: version?.version ?? 0,
      ruleCount: all.length,
      offset: request.offset,
      // Each page is a whole CSV file with positions counted from the first rule, so importing
      // the pages in order rebuilds the rule set.
      content: request.format === 'csv' ? writeRulesCsv(rules, request.offset) : { rules },
    };
  }

  /**
   * Stores the change as a new version after checking that the resulting rules compile and that
   * the changed rules' QuickBooks names exist. Problems and rejected changes become
   * `invalid_request` or `not_found` replies naming the rule.
   */
  private async store(
    accountId: string,
    mutate: (current: RuleSetContent) => RuleSetContent,
    description: string,
    changedRuleIds: string[],
    lists: CompanyLists | undefined,
    restoredFrom?: number,
  ): Promise<RuleSetVersion> {
    let stored: RuleSetVersion;

    try {
      stored = await this.repository.change(
        accountId,
        (current) => {
          const next = mutate(current);
          const report = validateRules(next.rules, lists, undefined, new Set(changedRuleIds));

          if (report.problems.length > 0) {
            throw new RuleSetChangeRejected(describeProblems(report.problems));
          }

          return next;
        },
        description,
        restoredFrom,
      );
    } catch (error) {
      if (error instanceof RuleNotFound) {
        throw rulesApiError('not_found', error.message);
      }

      if (error instanceof RuleSetChangeRejected) {
        throw rulesApiError('invalid_request', error.message);
      }

      throw error;
    }

    this.cache.forget(accountId);
    this.logger.info('Rule set changed', {
      accountId,
      version: stored.version,
      change: description,
    });

    return stored;
  }

  private async checkLists(
    accountId: string,
    rules: readonly Rule[],
  ): Promise<{ lists: CompanyLists | undefined; summary: ListsSummary }> {
    const needsLists = rules.some((rule) => rule.action.value.trim() !== '');

    if (!needsLists) {
      return {
        lists: undefined,
        summary: { listsChecked: false, listsNote: 'no rule sets a QuickBooks name' },
      };
    }

    const latest = await this.repository.latestHeader(accountId);
    const result = await this.companyLists.get(accountId, latest?.target ?? 'qbo');

    if (result.ok) {
      return { lists: result.lists, summary: { listsChecked: true } };
    }

    return {
      lists: undefined,
      summary: {
        listsChecked: false,
        listsNote: `QuickBooks names were accepted without checking because ${result.reason}; an unknown name fails the order when it posts`,
      },
    };
  }
}

class RuleNotFound extends Error {}

function requireRuleIndex(current: RuleSetContent, ruleId: string): number {
  const index = current.rules.findIndex((rule) => rule.ruleId === ruleId);

  if (index < 0) {
    throw new RuleNotFound(`rule ${ruleId} not found`);
  }

  return index;
}

function withId(input: z.infer<typeof ruleInputSchema>): Rule {
  return { ...input, ruleId: input.ruleId ?? randomUUID() };
}

function positioned(
  rules: readonly Rule[],
  offset = 0,
  limit = MAX_RULES_PER_REPLY,
): PositionedRule[] {
  return rules
    .slice(offset, offset + limit)
    .map((rule, index) => ({ ...rule, position: offset + index + 1 }));
}

function view(
  accountId: string,
  version: RuleSetVersion | null,
  offset = 0,
  limit = MAX_RULES_PER_REPLY,
): RuleSetView {
  const rules = version?.rules ?? [];

  return {
    accountId,
    target: version?.target ?? 'qbo',
    version: version?.version ?? 0,
    updatedAt: version?.updatedAt ?? null,
    ruleCount: rules.length,
    offset,
    rules: positioned(rules, offset, limit),
  };
}

function readImport(request: ImportRequest): { rules: Rule[]; errors: CsvRowError[] } {
  if (request.format === 'json') {
    return readJsonRules(request.content);
  }

  const parsed =
    request.format === 'csv'
      ? parseRulesCsv(request.content)
      : parseMappingCsv(request.table, request.content);
  const errors = [...parsed.errors];
  const rules: Rule[] = [];

  for (const input of parsed.rules) {
    const result = ruleInputSchema.safeParse(input);

    if (result.success) {
      rules.push(withId(result.data));
    } else {
      for (const issue of result.error.issues) {
        errors.push({
          row: 0,
          column: issue.path.join('.'),
          message: `rule ${input.ruleId}: ${issue.message}`,
        });
      }
    }
  }

  return { rules, errors };
}

/** Reads `{ rules: [...] }` or a bare array; errors name the entry by index and the field. */
function readJsonRules(content: unknown): { rules: Rule[]; errors: CsvRowError[] } {
  const list = Array.isArray(content) ? content : (content as { rules?: unknown } | null)?.rules;

  if (!Array.isArray(list)) {
    return {
      rules: [],
      errors: [
        {
          row: 0,
          column: 'rules',
          message: 'must be an array of rules, or an object with a rules array',
        },
      ],
    };
  }

  const errors: CsvRowError[] = [];
  const rules: Rule[] = [];

  list.forEach((entry: unknown, index) => {
    const result = ruleInputSchema.safeParse(entry);

    if (result.success) {
      rules.push(withId(result.data));
    } else {
      for (const issue of result.error.issues.slice(0, 5)) {
        errors.push({ row: index, column: issue.path.join('.'), message: issue.message });
      }
    }
  });

  return { rules, errors };
}

/**
 * Upserts by rule id. In `merge` mode a known id replaces its rule in place and a new id is added
 * at the end in file order. In `replace` mode the file becomes the whole rule set.
 */
export function mergeRules(
  current: readonly Rule[],
  imported: readonly Rule[],
  mode: 'merge' | 'replace',
): { rules: Rule[]; created: string[]; updated: string[]; unchanged: string[] } {
  const existing = new Map(current.map((rule) => [rule.ruleId, rule]));
  const created: string[] = [];
  const updated: string[] = [];
  const unchanged: string[] = [];

  for (const rule of imported) {
    const before = existing.get(rule.ruleId);

    if (!before) {
      created.push(rule.ruleId);
    } else if (isDeepStrictEqual(normalize(before), normalize(rule))) {
      unchanged.push(rule.ruleId);
    } else {
      updated.push(rule.ruleId);
    }
  }

  if (mode === 'replace') {
    return { rules: [...imported], created, updated, unchanged };
  }

  const replacements = new Map(imported.map((rule) => [rule.ruleId, rule]));
  const rules = current.map((rule) => replacements.get(rule.ruleId) ?? rule);

  for (const rule of imported) {
    if (!existing.has(rule.ruleId)) {
      rules.push(rule);
    }
  }

  return { rules, created, updated, unchanged };
}

function normalize(rule: Rule): unknown {
  return JSON.parse(JSON.stringify(ruleInputSchema.parse(rule)));
}
