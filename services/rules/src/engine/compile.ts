import {
  type DocumentKind,
  isKnownCurrency,
  type LineOverrides,
  type Order,
  type OrderLine,
  type PostingOverrides,
  type TransactionType,
} from '@qbsync/contracts';

import {
  type ActionDefinition,
  actionDefinition,
  documentKindFor,
  parseTransactionType,
} from './actions';
import {
  clearEvaluationCache,
  type CompiledCondition,
  compileCondition,
  type EvaluationCache,
  newEvaluationCache,
} from './conditions';
import { type FieldDefinition, type FieldValue, resolveField } from './fields';
import { type Rule } from './rule.model';

/** A problem that keeps a rule from compiling, named by rule and by the part of the rule. */
export interface RuleProblem {
  ruleId: string;
  ruleName: string;
  /** Location in the rule: `conditions[1].value`, `action.value`, `name`. */
  path: string;
  message: string;
}

/** A rule that failed while rewriting an order; the order fails with this rule named. */
export class RuleRuntimeError extends Error {
  constructor(
    readonly ruleId: string,
    readonly ruleName: string,
    message: string,
  ) {
    super(`Rule "${ruleName}" failed: ${message}`);
    this.name = 'RuleRuntimeError';
  }
}

export interface RuleRunResult {
  order: Order;
  /** Absent when no rule set an override. */
  overrides: PostingOverrides | undefined;
  documentKind: DocumentKind;
  /** Names of the rules that changed the order or its overrides, in the order they ran. */
  appliedRules: string[];
  /** Ids of the same rules, in the same order. */
  appliedRuleIds: string[];
  /** The rule that excluded the order from QuickBooks, when one did. */
  skippedBy?: { ruleId: string; name: string };
}

export interface ConditionTrace {
  index: number;
  join: 'and' | 'or';
  field: string;
  comparison: string;
  value: string;
  /** The field's values on the order (at most 20), as the condition saw them. */
  actual: FieldValue[];
  result: boolean;
}

export interface RuleTrace {
  ruleId: string;
  name: string;
  matched: boolean;
  /** Reason an unmatched rule did not apply. */
  reason?: 'disabled' | 'out_of_scope' | 'conditions_false' | 'target_already_set' | 'no_value';
  conditions: ConditionTrace[];
  changes: { target: string; before: unknown; after: unknown }[];
}

interface CompiledRule {
  rule: Rule;
  action: ActionDefinition;
  conditions: CompiledCondition[];
  /** Conditions grouped by OR; a group holds when all its conditions hold. */
  groups: CompiledCondition[][];
  /** True when some condition reads a line field, so line actions test each line on its own. */
  readsLines: boolean;
  /** The action's value as written, already checked (transaction type, multiplier). */
  staticValue: string | undefined;
  /** The field the action copies from when the value is blank. */
  source: FieldDefinition | undefined;
  connectionIds: ReadonlySet<string> | undefined;
}

/**
 * A run of at least SKU_INDEX_MIN_RULES consecutive rules that each map one exact SKU (or a list of
 * SKUs) to a value with the same line action, as a mapping table produces. One lookup per line
 * replaces a scan over the run; the first rule listing a SKU wins, as it would in a scan.
 */
interface SkuIndexBlock {
  kind: 'sku_index';
  action: ActionDefinition;
  /** The block's first rule, which an unexpected error in the block is reported against. */
  firstRule: Rule;
  bySku: Map<string, CompiledRule>;
}

type Step = { kind: 'rule'; rule: CompiledRule } | SkuIndexBlock;

const SKU_INDEX_MIN_RULES = 8;

/** Mutable state of one run over one order. */
interface RunState {
  original: Order;
  order: Order;
  copied: boolean;
  overrides: PostingOverrides | undefined;
  lineOverrides: Map<string, LineOverrides> | undefined;
  orderTargets: Set<string>;
  lineTargets: (Set<string> | undefined)[];
  applied: string[];
  appliedIds: string[];
  transactionType: TransactionType | undefined;
  skippedBy: { ruleId: string; name: string } | undefined;
  /** Limits actions to the ones that make sense for a refund. */
  refundsOnly: boolean;
  cache: EvaluationCache;
  trace: RuleTrace[] | undefined;
}

/** An account's rules compiled into closures once per version and run on every order. */
export class CompiledRuleSet {
  private readonly steps: Step[];

  private constructor(
    readonly version: number,
    private readonly rules: CompiledRule[],
  ) {
    this.steps = buildSteps(rules);
  }

  /** Compiles `rules`, or returns every problem found in them. */
  static compile(
    rules: readonly Rule[],
    version: number,
  ): { ok: true; ruleSet: CompiledRuleSet } | { ok: false; problems: RuleProblem[] } {
    const compiled: CompiledRule[] = [];
    const problems: RuleProblem[] = [];

    for (const rule of rules) {
      const result = compileRule(rule);

      if ('problems' in result) {
        problems.push(...result.problems);
      } else {
        compiled.push(result);
      }
    }

    if (problems.length > 0) {
      return { ok: false, problems };
    }

    return { ok: true, ruleSet: new CompiledRuleSet(version, compiled) };
  }

  get ruleCount(): number {
    return this.rules.length;
  }

  /** Rewrites an order; throws RuleRuntimeError naming the rule that could not apply. */
  run(order: Order): RuleRunResult {
    return this.execute(newState(order, false, undefined), true);
  }

  /** Runs like `run` and also records, per rule, each condition's result and each change. */
  explain(order: Order): { result: RuleRunResult; trace: RuleTrace[] } {
    const trace: RuleTrace[] = [];
    const result = this.execute(newState(order, false, trace), false);

    return { result, trace };
  }

  /** Runs the actions that make sense for a refund on an order-shaped view of it. */
  runForRefund(view: Order): RuleRunResult {
    return this.execute(newState(view, true, undefined), false);
  }

  private execute(state: RunState, useIndex: boolean): RuleRunResult {
    const steps: readonly Step[] = useIndex
      ? this.steps
      : this.rules.map((rule) => ({ kind: 'rule', rule }));

    for (const step of steps) {
      try {
        if (step.kind === 'sku_index') {
          runSkuIndex(step, state);
        } else {
          runRule(step.rule, state);
        }
      } catch (error) {
        throw attributeToRule(error, step.kind === 'sku_index' ? step.firstRule : step.rule.rule);
      }

      if (state.skippedBy) {
        break;
      }
    }

    const transactionType = state.transactionType;
    const documentKind = transactionType ? documentKindFor(transactionType) : 'sales_receipt';

    return {
      order: state.order,
      overrides: state.overrides,
      documentKind: documentKind ?? 'sales_receipt',
      appliedRules: state.applied,
      appliedRuleIds: state.appliedIds,
      ...(state.skippedBy ? { skippedBy: state.skippedBy } : {}),
    };
  }
}

/**
 * Returns a RuleRuntimeError naming `rule` for any error a rule's closures threw, so even an
 * unforeseen failure fails the order with the rule named instead of retrying it until it is
 * dead-lettered.
 */
function attributeToRule(error: unknown, rule: Rule): RuleRuntimeError {
  if (error instanceof RuleRuntimeError) {
    return error;
  }

  const message = error instanceof Error ? error.message : String(error);

  return new RuleRuntimeError(rule.ruleId, rule.name, `unexpected error: ${message}`);
}

function newState(order: Order, refundsOnly: boolean, trace: RuleTrace[] | undefined): RunState {
  return {
    original: order,
    order,
    copied: false,
    overrides: undefined,
    lineOverrides: undefined,
    orderTargets: new Set(),
    lineTargets: [],
    applied: [],
    appliedIds: [],
    transactionType: undefined,
    skippedBy: undefined,
    refundsOnly,
    cache: newEvaluationCache(),
    trace,
  };
}

function problem(rule: Rule, path: string, message: string): RuleProblem {
  return { ruleId: rule.ruleId, ruleName: rule.name, path, message };
}

function compileRule(rule: Rule): CompiledRule | { problems: RuleProblem[] } {
  const problems: RuleProblem[] = [];
  const conditions: CompiledCondition[] = [];
  const action = actionDefinition(rule.action.kind);

  rule.conditions.forEach((condition, index) => {
    const compiled = compileCondition(condition);

    if ('error' in compiled) {
      problems.push(problem(rule, `conditions[${index}]`, compiled.error));
    } else {
      conditions.push(compiled);
    }
  });

  if (rule.type === 'map_on_condition' && rule.conditions.length === 0) {
    problems.push(
      problem(rule, 'conditions', 'a "map on condition" rule needs at least one condition'),
    );
  }

  const value = checkActionValue(rule, action, problems);
  let source: FieldDefinition | undefined;

  if (action.valueType !== 'none' && value === undefined) {
    const sourceId = rule.action.from || rule.conditions[0]?.field;

    if (!sourceId) {
      problems.push(
        problem(
          rule,
          'action.value',
          `${action.label} needs a value, a field to copy (from), or a condition whose field it copies`,
        ),
      );
    } else {
      const resolved = resolveField(sourceId);

      if ('error' in resolved) {
        problems.push(problem(rule, 'action.from', resolved.error));
      } else if (resolved.scope === 'line' && action.level === 'order') {
        problems.push(
          problem(
            rule,
            'action.from',
            `${action.label} sets an order field and cannot copy line field "${resolved.id}"; give a value instead`,
          ),
        );
      } else {
        source = resolved;
      }
    }
  }

  if (problems.length > 0) {
    return { problems };
  }

  return {
    rule,
    action,
    conditions,
    groups: groupByOr(conditions),
    readsLines: conditions.some((condition) => condition.field.scope === 'line'),
    staticValue: value,
    source,
    connectionIds:
      rule.scope.connectionIds.length > 0 ? new Set(rule.scope.connectionIds) : undefined,
  };
}

/** Checks the action's written value; returns it (normalised), or undefined when it is blank. */
function checkActionValue(
  rule: Rule,
  action: ActionDefinition,
  problems: RuleProblem[],
): string | undefined {
  const value = rule.action.value.trim();

  if (action.valueType === 'none') {
    return undefined;
  }

  if (value === '') {
    return undefined;
  }

  switch (action.valueType) {
    case 'transaction_type': {
      const type = parseTransactionType(value);

      if (!type) {
        problems.push(
          problem(
            rule,
            'action.value',
            `"${value}" is not a transaction type; use Sales Receipt, Invoice, Estimate, Sales Order or Do Not Sync`,
          ),
        );
      }

      return type;
    }
    case 'date':
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) {
        problems.push(problem(rule, 'action.value', `"${value}" is not a date; write YYYY-MM-DD`));
      }

      return value;
    case 'multiplier':
      if (!/^\d+$/.test(value) || Number(value) < 2 || Number(value) > 10_000) {
        problems.push(
          problem(rule, 'action.value', `"${value}" is not a whole number from 2 to 10000`),
        );
      }

      return value;
    case 'currency':
      if (!isKnownCurrency(value.toUpperCase())) {
        problems.push(
          problem(rule, 'action.value', `"${value}" is not an ISO 4217 currency code such as USD`),
        );
      }

      return value.toUpperCase();
    default:
      return value;
  }
}

function groupByOr(conditions: CompiledCondition[]): CompiledCondition[][] {
  const groups: CompiledCondition[][] = [];

  conditions.forEach((condition, index) => {
    if (index === 0 || condition.condition.join === 'or') {
      groups.push([condition]);
    } else {
      groups[groups.length - 1]!.push(condition);
    }
  });

  return groups;
}

function conditionsHold(
  rule: CompiledRule,
  state: RunState,
  line: OrderLine | undefined,
  lineIndex: number,
): boolean {
  const groups = rule.groups;

  if (groups.length === 0) {
    return true;
  }

  for (const group of groups) {
    let allTrue = true;

    for (const condition of group) {
      if (!condition.test(state.order, line, lineIndex, state.cache)) {
        allTrue = false;
        break;
      }
    }

    if (allTrue) {
      return true;
    }
  }

  return false;
}

function traceConditions(rule: CompiledRule, state: RunState): ConditionTrace[] {
  return rule.conditions.map((compiled, index) => ({
    index,
    join: compiled.condition.join,
    field: compiled.condition.field,
    comparison: compiled.condition.comparison,
    value:
      compiled.condition.comparison === 'in_list'
        ? compiled.condition.values.join(', ')
        : compiled.condition.value,
    actual: compiled.field.get(state.order, undefined).slice(0, 20),
    result: compiled.test(state.order, undefined, -1, state.cache),
  }));
}

function runRule(rule: CompiledRule, state: RunState): void {
  const { action } = rule;
  const trace: RuleTrace | undefined = state.trace
    ? {
        ruleId: rule.rule.ruleId,
        name: rule.rule.name,
        matched: false,
        conditions: [],
        changes: [],
      }
    : undefined;

  if (trace) {
    state.trace!.push(trace);
    trace.conditions = traceConditions(rule, state);
  }

  if (!rule.rule.enabled) {
    return markUnmatched(trace, 'disabled');
  }

  if (rule.connectionIds && !rule.connectionIds.has(state.order.connectionId)) {
    return markUnmatched(trace, 'out_of_scope');
  }

  if (state.refundsOnly && !action.refunds) {
    return markUnmatched(trace, 'out_of_scope');
  }

  if (action.level === 'order') {
    return runOrderRule(rule, state, trace);
  }

  runLineRule(rule, state, trace);
}

function markApplied(state: RunState, rule: Rule): void {
  state.applied.push(rule.name);
  state.appliedIds.push(rule.ruleId);
}

function markUnmatched(trace: RuleTrace | undefined, reason: RuleTrace['reason']): void {
  if (trace) {
    trace.reason = reason;
  }
}

/** Returns the action's target; exclusion and transaction type share one, what the order posts as. */
function orderTargetOf(action: ActionDefinition): string {
  return action.kind === 'do_not_import' ? 'transaction_type' : action.kind;
}

function runOrderRule(rule: CompiledRule, state: RunState, trace: RuleTrace | undefined): void {
  const target = orderTargetOf(rule.action);

  if (state.orderTargets.has(target)) {
    return markUnmatched(trace, 'target_already_set');
  }

  if (!conditionsHold(rule, state, undefined, -1)) {
    return markUnmatched(trace, 'conditions_false');
  }

  const value = actionValue(rule, state.order, undefined);

  if (value === undefined) {
    return markUnmatched(trace, 'no_value');
  }

  state.orderTargets.add(target);
  applyOrderAction(rule, state, value, trace);
  markApplied(state, rule.rule);

  if (trace) {
    trace.matched = true;
  }
}

function runLineRule(rule: CompiledRule, state: RunState, trace: RuleTrace | undefined): void {
  const kind = rule.action.kind;
  let anyTargetFree = false;
  let anyConditionHeld = false;
  let applied = false;
  const orderLevelHolds = rule.readsLines ? true : conditionsHold(rule, state, undefined, -1);

  for (let index = 0; index < state.order.lines.length; index += 1) {
    if (state.lineTargets[index]?.has(kind)) {
      continue;
    }

    anyTargetFree = true;
    const line = state.order.lines[index]!;

    if (!(rule.readsLines ? conditionsHold(rule, state, line, index) : orderLevelHolds)) {
      continue;
    }

    anyConditionHeld = true;
    const value = actionValue(rule, state.order, line);

    if (value === undefined) {
      continue;
    }

    (state.lineTargets[index] ??= new Set()).add(kind);
    applyLineAction(rule, state, index, value, trace);
    applied = true;
  }

  if (applied) {
    markApplied(state, rule.rule);

    if (trace) {
      trace.matched = true;
    }

    return;
  }

  if (!anyTargetFree) {
    markUnmatched(trace, 'target_already_set');
  } else if (anyConditionHeld) {
    markUnmatched(trace, 'no_value');
  } else {
    markUnmatched(trace, 'conditions_false');
  }
}

function runSkuIndex(block: SkuIndexBlock, state: RunState): void {
  const kind = block.action.kind;

  if (state.refundsOnly && !block.action.refunds) {
    return;
  }

  for (let index = 0; index < state.order.lines.length; index += 1) {
    if (state.lineTargets[index]?.has(kind)) {
      continue;
    }

    const line = state.order.lines[index]!;
    const rule = block.bySku.get(line.sku.trim().toLowerCase());

    if (!rule) {
      continue;
    }

    (state.lineTargets[index] ??= new Set()).add(kind);
    applyLineAction(rule, state, index, rule.staticValue!, undefined);

    if (!state.appliedIds.includes(rule.rule.ruleId)) {
      markApplied(state, rule.rule);
    }
  }
}

/** Returns the value an action writes: its own, or the first non-blank value of the field it copies. */
function actionValue(
  rule: CompiledRule,
  order: Order,
  line: OrderLine | undefined,
): string | undefined {
  if (rule.action.valueType === 'none') {
    return '';
  }

  if (rule.staticValue !== undefined) {
    return rule.staticValue;
  }

  for (const value of rule.source!.get(order, line)) {
    const text = String(value).trim();

    if (text !== '') {
      return text;
    }
  }

  return undefined;
}

/**
 * Copies the order before its first rewrite, so the caller's order is never changed. Only what
 * actions change is copied: the order, its lines and its custom fields. Nested arrays that no
 * action writes (taxes, discounts, payments) stay shared, which costs a fraction of a deep copy.
 */
function writableOrder(state: RunState): Order {
  // Every caller rewrites the order next, so values read before no longer hold.
  clearEvaluationCache(state.cache);

  if (!state.copied) {
    const original = state.original;

    state.order = {
      ...original,
      lines: original.lines.map((line) => ({ ...line })),
      customFields: original.customFields.map((field) => ({ ...field })),
    };
    state.copied = true;
  }

  return state.order;
}

function overridesOf(state: RunState): PostingOverrides {
  state.overrides ??= { lines: [] };

  return state.overrides;
}

function toDate(rule: CompiledRule, value: string): string {
  const day = value.slice(0, 10);

  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day))) {
    throw new RuleRuntimeError(
      rule.rule.ruleId,
      rule.rule.name,
      `${rule.action.label} needs a date but the order's value is "${value}"`,
    );
  }

  return day;
}

function applyOrderAction(
  rule: CompiledRule,
  state: RunState,
  value: string,
  trace: RuleTrace | undefined,
): void {
  const record = (target: string, before: unknown, after: unknown): void => {
    trace?.changes.push({ target, before, after });
  };
  const { action } = rule;

  switch (action.kind) {
    case 'do_not_import':
      state.skippedBy = { ruleId: rule.rule.ruleId, name: rule.rule.name };
      record('import', true, false);

      return;
    case 'transaction_type': {
      const type = value as TransactionType;

      state.transactionType = type;
      overridesOf(state).transactionType = type;
      record('overrides.transactionType', undefined, type);

      if (type === 'do_not_sync') {
        state.skippedBy = { ruleId: rule.rule.ruleId, name: rule.rule.name };
      }

      return;
    }
    case 'order_number': {
      const order = writableOrder(state);

      record('order.orderNumber', order.orderNumber, value);
      order.orderNumber = value;

      return;
    }
    case 'order_status': {
      const order = writableOrder(state);

      record('order.financialStatus', order.financialStatus, value);
      order.financialStatus = value;

      return;
    }
    case 'currency': {
      const currency = value.toUpperCase();

      if (!isKnownCurrency(currency)) {
        throw new RuleRuntimeError(
          rule.rule.ruleId,
          rule.rule.name,
          `"${value}" is not an ISO 4217 currency code`,
        );
      }

      const order = writableOrder(state);

      record('order.currency', order.currency, currency);
      order.currency = currency;

      return;
    }
    case 'po_number': {
      const order = writableOrder(state);
      const existing = order.customFields.find((field) => field.name.toLowerCase() === 'po_number');

      record('order.customFields.po_number', existing?.value, value);

      if (existing) {
        existing.value = value;
      } else {
        order.customFields.push({ name: 'po_number', value });
      }

      return;
    }
    case 'billing_company': {
      const order = writableOrder(state);

      record('order.billingAddress.company', order.billingAddress?.company, value);
      order.billingAddress = { ...order.billingAddress, company: value };

      return;
    }
    default: {
      const key = action.override!;
      const written = action.valueType === 'date' ? toDate(rule, value) : value;
      const overrides = overridesOf(state) as Record<string, unknown>;

      record(`overrides.${key}`, overrides[key], written);
      overrides[key] = written;
    }
  }
}

function applyLineAction(
  rule: CompiledRule,
  state: RunState,
  index: number,
  value: string,
  trace: RuleTrace | undefined,
): void {
  const { action } = rule;

  if (action.kind === 'sku') {
    const line = writableOrder(state).lines[index]!;

    trace?.changes.push({ target: `order.lines[${index}].sku`, before: line.sku, after: value });
    line.sku = value;

    return;
  }

  if (action.kind === 'quantity_multiplier') {
    multiplyQuantity(rule, state, index, Number(value), trace);

    return;
  }

  const lineId = state.order.lines[index]!.lineId;
  const overrides = overridesOf(state);

  state.lineOverrides ??= new Map();
  let entry = state.lineOverrides.get(lineId);

  if (!entry) {
    entry = { lineId };
    state.lineOverrides.set(lineId, entry);
    overrides.lines.push(entry);
  }

  const key = action.lineOverride!;

  trace?.changes.push({
    target: `overrides.lines[${lineId}].${key}`,
    before: entry[key],
    after: value,
  });
  entry[key] = value;
}

/**
 * Multiplies a line's quantity and divides its unit price, so the line amount and the order total
 * stay the same to the cent. A unit price that does not divide evenly fails the rule, because the
 * total would change.
 */
function multiplyQuantity(
  rule: CompiledRule,
  state: RunState,
  index: number,
  factor: number,
  trace: RuleTrace | undefined,
): void {
  const current = state.order.lines[index]!;

  if (current.unitPrice % factor !== 0) {
    throw new RuleRuntimeError(
      rule.rule.ruleId,
      rule.rule.name,
      `cannot multiply the quantity of line ${current.lineId} (SKU ${current.sku || 'none'}) by ${factor} because its unit price of ${current.unitPrice} minor units does not divide evenly by ${factor}`,
    );
  }

  const line = writableOrder(state).lines[index]!;

  trace?.changes.push({
    target: `order.lines[${index}].quantity`,
    before: line.quantity,
    after: line.quantity * factor,
  });
  line.quantity *= factor;
  line.unitPrice /= factor;
}

function buildSteps(rules: CompiledRule[]): Step[] {
  const steps: Step[] = [];
  let run: CompiledRule[] = [];

  const flush = (): void => {
    if (run.length >= SKU_INDEX_MIN_RULES) {
      const bySku = new Map<string, CompiledRule>();

      for (const rule of run) {
        const condition = rule.conditions[0]!.condition;
        const skus = condition.comparison === 'in_list' ? condition.values : [condition.value];

        for (const sku of skus) {
          const key = sku.trim().toLowerCase();

          if (!bySku.has(key)) {
            bySku.set(key, rule);
          }
        }
      }

      steps.push({ kind: 'sku_index', action: run[0]!.action, firstRule: run[0]!.rule, bySku });
    } else {
      steps.push(...run.map((rule) => ({ kind: 'rule' as const, rule })));
    }

    run = [];
  };

  for (const rule of rules) {
    if (
      isIndexableSkuRule(rule) &&
      (run.length === 0 || run[0]!.action.kind === rule.action.kind)
    ) {
      run.push(rule);
      continue;
    }

    flush();

    if (isIndexableSkuRule(rule)) {
      run.push(rule);
    } else {
      steps.push({ kind: 'rule', rule });
    }
  }

  flush();

  return steps;
}

function isIndexableSkuRule(rule: CompiledRule): boolean {
  const condition = rule.conditions[0]?.condition;

  return (
    rule.rule.enabled &&
    rule.connectionIds === undefined &&
    rule.action.level === 'line' &&
    rule.staticValue !== undefined &&
    rule.conditions.length === 1 &&
    condition !== undefined &&
    condition.field === 'line.sku' &&
    (condition.comparison === 'equals' || condition.comparison === 'in_list')
  );
}
