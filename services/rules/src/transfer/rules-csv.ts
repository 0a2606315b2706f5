import { createHash } from 'node:crypto';

import { ACTIONS } from '../engine/actions';
import {
  ACTION_KINDS,
  type ActionKind,
  COMPARISONS,
  type Comparison,
  type Condition,
  type RuleInput,
  RULE_TYPES,
  type Rule,
  type RuleType,
} from '../engine/rule.model';
import { CsvSyntaxError, parseCsv, writeCsv } from './csv';

/**
 * The published column layout of a rules CSV: one row per condition, rows sharing `rule_id` form
 * one rule, and `join` ties a condition to the one before. `type` and `template` may be left out
 * on import.
 */
export const RULE_CSV_COLUMNS = [
  'rule_id',
  'position',
  'name',
  'scope',
  'object',
  'action',
  'join',
  'field',
  'comparison',
  'value',
  'map_to',
  'enabled',
  'type',
  'template',
] as const;

type Column = (typeof RULE_CSV_COLUMNS)[number];

const OPTIONAL_COLUMNS: readonly Column[] = ['type', 'template'];
const REQUIRED_COLUMNS: readonly Column[] = RULE_CSV_COLUMNS.filter(
  (column) => !OPTIONAL_COLUMNS.includes(column),
);

/** Separates the items of an in_list value in the `value` column. */
export const LIST_SEPARATOR = '|';
/** Separates connection ids in the `scope` column; `all` applies the rule to every connection. */
export const SCOPE_SEPARATOR = ';';
/** Marks a `map_to` cell that names a field to copy rather than a literal value. */
export const FIELD_REFERENCE_PREFIX = 'field:';

export interface CsvRowError {
  /** The 1-based line of the file, counting the header as line 1. */
  row: number;
  column: string;
  message: string;
}

export interface ParsedRules {
  /** The rules in file order, with `position` giving the order within the file. */
  rules: (RuleInput & { ruleId: string })[];
  errors: CsvRowError[];
}

/** Comparison names as accountants write them, mapped to the contract's names. */
const COMPARISON_ALIASES: Record<string, Comparison> = {
  'more than': 'greater_than',
  'greater than': 'greater_than',
  'is one of': 'in_list',
  'in list': 'in_list',
  'not equals': 'not_equals',
  'does not equal': 'not_equals',
  'starts with': 'starts_with',
  'ends with': 'ends_with',
  'less than': 'less_than',
  'is empty': 'is_empty',
  'map all': 'map_all',
  'order custom field': 'exists',
};

function parseComparison(raw: string): Comparison | undefined {
  const text = raw.trim().toLowerCase();

  if ((COMPARISONS as readonly string[]).includes(text)) {
    return text as Comparison;
  }

  return COMPARISON_ALIASES[text.replace(/_/g, ' ')];
}

function parseActionKind(raw: string): ActionKind | undefined {
  const text = raw.trim().toLowerCase();

  if ((ACTION_KINDS as readonly string[]).includes(text)) {
    return text as ActionKind;
  }

  for (const definition of ACTIONS.values()) {
    if (definition.label.toLowerCase() === text) {
      return definition.kind;
    }
  }

  return undefined;
}

function parseBoolean(raw: string): boolean | undefined {
  const text = raw.trim().toLowerCase();

  if (['true', 'yes', 'y', '1', ''].includes(text)) {
    return true;
  }

  if (['false', 'no', 'n', '0'].includes(text)) {
    return false;
  }

  return undefined;
}

interface RuleBuilder {
  rule: RuleInput & { ruleId: string };
  position: number;
  firstRow: number;
  /** Rows read for this rule so far, counting rows whose condition had errors. */
  rows: number;
}

/**
 * Reads a rules CSV and reports every problem with its row and column. The rules are returned only
 * as far as they could be read, so the caller must reject them when `errors` is not empty.
 */
export function parseRulesCsv(text: string): ParsedRules {
  let records;

  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      return { rules: [], errors: [{ row: error.line, column: '', message: error.message }] };
    }

    throw error;
  }

  const errors: CsvRowError[] = [];
  const header = records[0];

  if (!header) {
    return { rules: [], errors: [{ row: 1, column: '', message: 'the file is empty' }] };
  }

  const columns = header.cells.map((cell) => cell.trim().toLowerCase());
  const missing = REQUIRED_COLUMNS.filter((column) => !columns.includes(column));

  if (missing.length > 0) {
    return {
      rules: [],
      errors: [
        {
          row: header.line,
          column: missing.join(', '),
          message: `the header is missing column ${missing.join(', ')}; the columns are ${RULE_CSV_COLUMNS.join(',')}`,
        },
      ],
    };
  }

  const builders = new Map<string, RuleBuilder>();

  for (const record of records.slice(1)) {
    const cell = (column: Column): string => {
      const index = columns.indexOf(column);

      return index >= 0 ? (record.cells[index] ?? '').trim() : '';
    };
    const fail = (column: Column, message: string): void => {
      errors.push({ row: record.line, column, message });
    };

    readRow(cell, fail, builders, record.line);
  }

  const rules = [...builders.values()]
    .sort((left, right) => left.position - right.position || left.firstRow - right.firstRow)
    .map((builder) => builder.rule);

  return { rules, errors };
}

function readRow(
  cell: (column: Column) => string,
  fail: (column: Column, message: string) => void,
  builders: Map<string, RuleBuilder>,
  line: number,
): void {
  const ruleId = cell('rule_id');

  if (!/^[A-Za-z0-9_-]{1,100}$/.test(ruleId)) {
    fail('rule_id', `"${ruleId}" is not a rule id; use up to 100 letters, digits, _ or -`);

    return;
  }

  let builder = builders.get(ruleId);

  if (!builder) {
    const created = startRule(ruleId, cell, fail, line);

    if (!created) {
      return;
    }

    builder = created;
    builders.set(ruleId, builder);
  }

  const condition = readCondition(cell, fail, builder.rows === 0);

  builder.rows += 1;

  if (condition) {
    builder.rule.conditions!.push(condition);
  }
}

function startRule(
  ruleId: string,
  cell: (column: Column) => string,
  fail: (column: Column, message: string) => void,
  line: number,
): RuleBuilder | undefined {
  const positionText = cell('position');
  const position = positionText === '' ? Number.MAX_SAFE_INTEGER : Number(positionText);
  const action = parseActionKind(cell('action'));
  const enabled = parseBoolean(cell('enabled'));
  const object = cell('object').toLowerCase();
  const typeText = cell('type').toLowerCase();
  const name = cell('name');
  let ok = true;

  if (!Number.isInteger(position) || position < 0) {
    fail('position', `"${positionText}" is not a whole number`);
    ok = false;
  }

  if (name === '') {
    fail('name', 'is empty; give the rule a name');
    ok = false;
  }

  if (object !== '' && object !== 'order') {
    fail('object', `"${object}" is not supported; only order rules can be imported`);
    ok = false;
  }

  if (!action) {
    fail('action', `"${cell('action')}" is not an action; use one of ${ACTION_KINDS.join(', ')}`);
    ok = false;
  }

  if (enabled === undefined) {
    fail('enabled', `"${cell('enabled')}" is not true or false`);
    ok = false;
  }

  if (typeText !== '' && !(RULE_TYPES as readonly string[]).includes(typeText)) {
    fail('type', `"${typeText}" is not a rule type; use one of ${RULE_TYPES.join(', ')}`);
    ok = false;
  }

  if (!ok) {
    return undefined;
  }

  const scope = cell('scope');
  const connectionIds =
    scope === '' || scope.toLowerCase() === 'all'
      ? []
      : scope
          .split(SCOPE_SEPARATOR)
          .map((id) => id.trim())
          .filter((id) => id !== '');
  const mapTo = cell('map_to');
  const template = cell('template');
  const copies = mapTo.toLowerCase().startsWith(FIELD_REFERENCE_PREFIX);

  return {
    position,
    firstRow: line,
    rows: 0,
    rule: {
      ruleId,
      name,
      enabled,
      type: (typeText || inferType(cell)) as RuleType,
      ...(template ? { template } : {}),
      scope: { connectionIds },
      conditions: [],
      action: {
        kind: action!,
        value: copies ? '' : mapTo,
        from: copies ? mapTo.slice(FIELD_REFERENCE_PREFIX.length).trim() : '',
      },
    },
  };
}

function inferType(cell: (column: Column) => string): RuleType {
  if (cell('field') === '') {
    return 'map_value';
  }

  return cell('map_to').toLowerCase().startsWith(FIELD_REFERENCE_PREFIX)
    ? 'map_field'
    : 'map_on_condition';
}

function readCondition(
  cell: (column: Column) => string,
  fail: (column: Column, message: string) => void,
  first: boolean,
): Condition | undefined {
  const field = cell('field');
  const comparisonText = cell('comparison');

  if (field === '' && comparisonText === '') {
    return undefined;
  }

  const comparison = parseComparison(comparisonText);
  const join = cell('join').toLowerCase();

  if (field === '') {
    fail('field', 'is empty; name the field the condition checks');

    return undefined;
  }

  if (!comparison) {
    fail(
      'comparison',
      `"${comparisonText}" is not a comparison; use one of ${COMPARISONS.join(', ')}`,
    );

    return undefined;
  }

  if (join !== '' && join !== 'and' && join !== 'or') {
    fail('join', `"${join}" is not and or or`);

    return undefined;
  }

  if (!first && join === '') {
    fail('join', 'is empty; write and or or to tie this condition to the one before');

    return undefined;
  }

  const value = cell('value');

  return {
    join: (join || 'and') as 'and' | 'or',
    field,
    comparison,
    value: comparison === 'in_list' ? '' : value,
    values:
      comparison === 'in_list'
        ? value
            .split(LIST_SEPARATOR)
            .map((item) => item.trim())
            .filter((item) => item !== '')
        : [],
  };
}

/**
 * Writes rules in the published layout, one row per condition (one row for a rule without any).
 * `offset` counts the rules before this page, so positions continue from it.
 */
export function writeRulesCsv(rules: readonly Rule[], offset = 0): string {
  const rows: string[][] = [[...RULE_CSV_COLUMNS]];

  rules.forEach((rule, index) => {
    const base = {
      rule_id: rule.ruleId,
      position: String(offset + index + 1),
      name: rule.name,
      scope:
        rule.scope.connectionIds.length === 0
          ? 'all'
          : rule.scope.connectionIds.join(SCOPE_SEPARATOR),
      object: 'order',
      action: rule.action.kind,
      map_to: rule.action.from ? `${FIELD_REFERENCE_PREFIX}${rule.action.from}` : rule.action.value,
      enabled: String(rule.enabled),
      type: rule.type,
      template: rule.template ?? '',
    };
    const conditions: (Condition | undefined)[] =
      rule.conditions.length > 0 ? rule.conditions : [undefined];

    conditions.forEach((condition, conditionIndex) => {
      const row: Record<Column, string> = {
        ...base,
        join: condition && conditionIndex > 0 ? condition.join : '',
        field: condition?.field ?? '',
        comparison: condition?.comparison ?? '',
        value:
          condition?.comparison === 'in_list'
            ? condition.values.join(LIST_SEPARATOR)
            : (condition?.value ?? ''),
      };

      rows.push(RULE_CSV_COLUMNS.map((column) => row[column]));
    });
  });

  return writeCsv(rows);
}

/** Mapping tables: two-column CSV files that become one ordinary rule per row. */
export const MAPPING_TABLES = {
  /** SKU to QuickBooks item: `sku,item`. */
  sku_item: { field: 'line.sku', action: 'item', columns: ['sku', 'item'] },
  /** Shipping method to QuickBooks item: `shipping_method,item`. */
  shipping_item: {
    field: 'shipping_method',
    action: 'shipping_item',
    columns: ['shipping_method', 'item'],
  },
} as const satisfies Record<
  string,
  { field: string; action: ActionKind; columns: readonly string[] }
>;

export type MappingTable = keyof typeof MAPPING_TABLES;

/**
 * Reads a two-column mapping table. The header row is optional. Rule ids derive from the table and
 * the mapped value, so importing the same table again updates its rules instead of adding copies.
 */
export function parseMappingCsv(table: MappingTable, text: string): ParsedRules {
  const definition = MAPPING_TABLES[table];
  let records;

  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) {
      return { rules: [], errors: [{ row: error.line, column: '', message: error.message }] };
    }

    throw error;
  }

  const first = records[0]?.cells.map((cell) => cell.trim().toLowerCase());
  const hasHeader = first?.[0] === definition.columns[0];
  const errors: CsvRowError[] = [];
  const rules: ParsedRules['rules'] = [];
  const seen = new Map<string, number>();

  for (const record of hasHeader ? records.slice(1) : records) {
    const from = (record.cells[0] ?? '').trim();
    const to = (record.cells[1] ?? '').trim();

    if (record.cells.length > 2 && record.cells.slice(2).some((cell) => cell.trim() !== '')) {
      errors.push({
        row: record.line,
        column: definition.columns.join(','),
        message: `has ${record.cells.length} columns; a mapping row has two: ${definition.columns.join(',')}`,
      });
      continue;
    }

    if (from === '') {
      errors.push({ row: record.line, column: definition.columns[0], message: 'is empty' });
      continue;
    }

    if (to === '') {
      errors.push({ row: record.line, column: definition.columns[1], message: 'is empty' });
      continue;
    }

    const key = from.toLowerCase();
    const earlier = seen.get(key);

    if (earlier !== undefined) {
      errors.push({
        row: record.line,
        column: definition.columns[0],
        message: `"${from}" is already mapped on row ${earlier}`,
      });
      continue;
    }

    seen.set(key, record.line);
    rules.push({
      ruleId: `${table}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`,
      name: `${definition.columns[0]} ${from} to ${to}`,
      type: table === 'sku_item' ? 'map_product' : 'map_on_condition',
      conditions: [{ field: definition.field, comparison: 'equals', value: from }],
      action: { kind: definition.action, value: to },
    });
  }

  if (rules.length === 0 && errors.length === 0) {
    errors.push({ row: 1, column: '', message: 'the file is empty: it has no mapping rows' });
  }

  return { rules, errors };
}
