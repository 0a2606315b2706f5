import { minorUnitExponent, type Order, type OrderLine } from '@qbsync/contracts';

import { type FieldDefinition, type FieldType, type FieldValue, resolveField } from './fields';
import { type Comparison, type Condition } from './rule.model';
import { compileSafeRegex, MAX_MATCH_INPUT } from './safe-regex';

/**
 * Normalised text values of the fields read while one order is evaluated, per order and per line,
 * so a hundred rules on `channel` trim and lower-case it once. The rule engine clears it whenever an
 * action rewrites the order.
 */
export interface EvaluationCache {
  order: Map<string, readonly string[]>;
  lines: (Map<string, readonly string[]> | undefined)[];
}

export function newEvaluationCache(): EvaluationCache {
  return { order: new Map(), lines: [] };
}

export function clearEvaluationCache(cache: EvaluationCache): void {
  cache.order.clear();
  cache.lines.length = 0;
}

/**
 * Tests a condition on the order, or on one line of it (`line` and its index `lineIndex`), in which
 * case line fields read that line only.
 */
export type ConditionTest = (
  order: Order,
  line: OrderLine | undefined,
  lineIndex: number,
  cache: EvaluationCache,
) => boolean;

/** A condition compiled into a closure over the field reader and the parsed rule value. */
export interface CompiledCondition {
  condition: Condition;
  field: FieldDefinition;
  test: ConditionTest;
}

/** Comparisons each field type supports. */
const COMPARISONS_BY_TYPE: Record<FieldType, readonly Comparison[]> = {
  text: [
    'equals',
    'not_equals',
    'contains',
    'starts_with',
    'ends_with',
    'matches',
    'in_list',
    'is_empty',
    'exists',
    'map_all',
  ],
  number: ['equals', 'not_equals', 'greater_than', 'less_than', 'in_list', 'is_empty', 'map_all'],
  money: ['equals', 'not_equals', 'greater_than', 'less_than', 'in_list', 'is_empty', 'map_all'],
  date: ['equals', 'not_equals', 'greater_than', 'less_than', 'is_empty', 'exists', 'map_all'],
  boolean: ['equals', 'not_equals', 'map_all'],
};

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

type ValueTest = (value: FieldValue, order: Order) => boolean;

function normalizeText(value: FieldValue): string {
  return String(value).trim().toLowerCase();
}

const scales = new Map<string, number>();

/** Minor units per major unit of the order's currency (100 for USD, 1 for JPY). */
function minorScale(order: Order): number {
  let scale = scales.get(order.currency);

  if (scale === undefined) {
    scale = 10 ** minorUnitExponent(order.currency);
    scales.set(order.currency, scale);
  }

  return scale;
}

/**
 * Compiles one condition. Returns an error message naming the problem when the field is unknown,
 * the comparison does not fit the field's type, or the value cannot be read as that type.
 */
export function compileCondition(condition: Condition): CompiledCondition | { error: string } {
  const field = resolveField(condition.field);

  if ('error' in field) {
    return field;
  }

  const allowed = COMPARISONS_BY_TYPE[field.type];

  if (!allowed.includes(condition.comparison)) {
    return {
      error: `comparison ${condition.comparison} does not fit ${field.type} field "${field.id}"; use one of ${allowed.join(', ')}`,
    };
  }

  const get = field.get;
  const comparison = condition.comparison;

  if (comparison === 'map_all') {
    return { condition, field, test: () => true };
  }

  if (comparison === 'exists') {
    return { condition, field, test: (order, line) => get(order, line).length > 0 };
  }

  const texts = textReader(field);

  if (comparison === 'is_empty') {
    return {
      condition,
      field,
      test: (order, line, lineIndex, cache) =>
        texts(order, line, lineIndex, cache).every((value) => value === ''),
    };
  }

  const rawValues = comparison === 'in_list' ? condition.values : [condition.value];

  if (comparison === 'in_list' && rawValues.length === 0) {
    return { error: 'in_list needs at least one value in values' };
  }

  if (field.type === 'text') {
    return compileTextCondition(condition, field, texts, rawValues);
  }

  const tests: ValueTest[] = [];

  for (const raw of rawValues) {
    const compiled = compileValueTest(field, comparison === 'in_list' ? 'equals' : comparison, raw);

    if ('error' in compiled) {
      return compiled;
    }

    tests.push(compiled.test);
  }

  const matchesAny = buildAnyTest(tests);

  if (comparison === 'not_equals') {
    return { condition, field, test: (order, line) => !matchesAny(get(order, line), order) };
  }

  return { condition, field, test: (order, line) => matchesAny(get(order, line), order) };
}

type TextReader = (
  order: Order,
  line: OrderLine | undefined,
  lineIndex: number,
  cache: EvaluationCache,
) => readonly string[];

/** Reads a field's values trimmed and lower-cased, through the evaluation cache. */
function textReader(field: FieldDefinition): TextReader {
  const { id, get } = field;

  return (order, line, lineIndex, cache) => {
    const map = line ? (cache.lines[lineIndex] ??= new Map()) : cache.order;
    let values = map.get(id);

    if (values === undefined) {
      values = get(order, line).map(normalizeText);
      map.set(id, values);
    }

    return values;
  };
}

function compileTextCondition(
  condition: Condition,
  field: FieldDefinition,
  texts: TextReader,
  rawValues: readonly string[],
): CompiledCondition | { error: string } {
  const comparison = condition.comparison;

  if (comparison === 'in_list') {
    const set = new Set(rawValues.map(normalizeText));

    return {
      condition,
      field,
      test: (order, line, lineIndex, cache) =>
        texts(order, line, lineIndex, cache).some((value) => set.has(value)),
    };
  }

  const compiled = compileTextTest(comparison, rawValues[0] ?? '');

  if ('error' in compiled) {
    return compiled;
  }

  const test = compiled.test;
  const any: ConditionTest = (order, line, lineIndex, cache) => {
    for (const value of texts(order, line, lineIndex, cache)) {
      if (test(value)) {
        return true;
      }
    }

    return false;
  };

  if (comparison === 'not_equals') {
    // "Not equals" holds when no value of the field equals the rule's value, so an order whose
    // lines hold SKUs A and B is not "SKU not equals A".
    return {
      condition,
      field,
      test: (order, line, lineIndex, cache) => !any(order, line, lineIndex, cache),
    };
  }

  return { condition, field, test: any };
}

/** Builds "does any field value pass any of the tests" for number, money, date and boolean fields. */
function buildAnyTest(
  tests: readonly ValueTest[],
): (values: readonly FieldValue[], order: Order) => boolean {
  if (tests.length === 1) {
    const test = tests[0]!;

    return (values, order) => {
      for (const value of values) {
        if (test(value, order)) {
          return true;
        }
      }

      return false;
    };
  }

  return (values, order) => values.some((value) => tests.some((test) => test(value, order)));
}

function compileValueTest(
  field: FieldDefinition,
  comparison: Comparison,
  raw: string,
): { test: ValueTest } | { error: string } {
  switch (field.type) {
    case 'text':
      return { error: 'text fields are compiled by compileTextCondition' };
    case 'number':
      return compileNumberTest(comparison, raw, false);
    case 'money':
      return compileNumberTest(comparison, raw, true);
    case 'date':
      return compileDateTest(comparison, raw);
    case 'boolean':
      return compileBooleanTest(raw);
  }
}

/** Compiles a test on one trimmed, lower-cased value. */
function compileTextTest(
  comparison: Comparison,
  raw: string,
): { test: (text: string) => boolean } | { error: string } {
  const expected = normalizeText(raw);

  switch (comparison) {
    case 'equals':
    case 'not_equals':
      return { test: (value) => value === expected };
    case 'contains':
      return { test: (value) => value.includes(expected) };
    case 'starts_with':
      return { test: (value) => value.startsWith(expected) };
    case 'ends_with':
      return { test: (value) => value.endsWith(expected) };
    case 'matches': {
      const compiled = compileSafeRegex(raw);

      if (!compiled.ok) {
        return { error: compiled.error };
      }

      const regex = compiled.regex;

      // The pattern is case-insensitive, so testing the lower-cased value gives the same result.
      return { test: (value) => value.length <= MAX_MATCH_INPUT && regex.test(value) };
    }
    default:
      return { error: `comparison ${comparison} does not fit a text field` };
  }
}

function compileNumberTest(
  comparison: Comparison,
  raw: string,
  money: boolean,
): { test: ValueTest } | { error: string } {
  const trimmed = raw.trim();

  if (!NUMBER.test(trimmed)) {
    return {
      error: `value "${raw}" is not a number; write it like ${money ? '100.50 (in the order currency)' : '3'}`,
    };
  }

  const expected = Number(trimmed);

  if (money) {
    // Money fields hold minor units; the rule's value is in major units of the order's currency.
    switch (comparison) {
      case 'equals':
      case 'not_equals':
        return { test: (value, order) => value === Math.round(expected * minorScale(order)) };
      case 'greater_than':
        return { test: (value, order) => (value as number) > expected * minorScale(order) };
      case 'less_than':
        return { test: (value, order) => (value as number) < expected * minorScale(order) };
      default:
        return { error: `comparison ${comparison} does not fit a money field` };
    }
  }

  switch (comparison) {
    case 'equals':
    case 'not_equals':
      return { test: (value) => value === expected };
    case 'greater_than':
      return { test: (value) => (value as number) > expected };
    case 'less_than':
      return { test: (value) => (value as number) < expected };
    default:
      return { error: `comparison ${comparison} does not fit a number field` };
  }
}

/**
 * Compiles a date test. A date-only value (2022-01-01) compares with the calendar date of the
 * order's timestamp in the channel's own offset, so an order placed late on 31 December in New York
 * stays in December. A value with a time compares instants.
 */
function compileDateTest(
  comparison: Comparison,
  raw: string,
): { test: ValueTest } | { error: string } {
  const trimmed = raw.trim();

  if (DATE_ONLY.test(trimmed) && !Number.isNaN(Date.parse(trimmed))) {
    const day = (value: FieldValue): string => String(value).trim().slice(0, 10);

    switch (comparison) {
      case 'equals':
      case 'not_equals':
        return { test: (value) => day(value) === trimmed };
      case 'greater_than':
        return { test: (value) => day(value) > trimmed };
      case 'less_than':
        return { test: (value) => day(value) < trimmed };
      default:
        return { error: `comparison ${comparison} does not fit a date field` };
    }
  }

  const instant = Date.parse(trimmed);

  if (Number.isNaN(instant) || !/^\d{4}-\d{2}-\d{2}T/.test(trimmed)) {
    return {
      error: `value "${raw}" is not a date; write it as 2022-01-01 or 2022-01-01T09:00:00Z`,
    };
  }

  const time = (value: FieldValue): number => Date.parse(String(value));

  switch (comparison) {
    case 'equals':
    case 'not_equals':
      return { test: (value) => time(value) === instant };
    case 'greater_than':
      return { test: (value) => time(value) > instant };
    case 'less_than':
      return { test: (value) => time(value) < instant };
    default:
      return { error: `comparison ${comparison} does not fit a date field` };
  }
}

function compileBooleanTest(raw: string): { test: ValueTest } | { error: string } {
  const normalized = raw.trim().toLowerCase();

  if (normalized === 'true' || normalized === 'yes') {
    return { test: (value) => value === true };
  }

  if (normalized === 'false' || normalized === 'no') {
    return { test: (value) => value === false };
  }

  return { error: `value "${raw}" is not true or false` };
}
