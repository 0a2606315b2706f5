import { type JsonObject } from '../company/company';
import { type Condition, type ParsedQuery } from './query-parser';

/** Rows returned when the query has no MAXRESULTS. */
export const DEFAULT_MAX_RESULTS = 100;

/** The most rows QBO returns for one query. */
export const MAX_RESULTS_LIMIT = 1000;

export type QueryResult =
  | { kind: 'count'; totalCount: number }
  | { kind: 'rows'; rows: JsonObject[]; startPosition: number };

/**
 * Filters, sorts, pages and projects stored objects. Without ORDERBY rows come in Id order.
 * STARTPOSITION counts from 1, and MAXRESULTS above 1000 is capped at 1000.
 */
export function executeQuery(query: ParsedQuery, objects: JsonObject[]): QueryResult {
  const matching = objects.filter((object) =>
    query.conditions.every((condition) => matches(object, condition)),
  );

  if (query.selection.kind === 'count') {
    return { kind: 'count', totalCount: matching.length };
  }

  const sorted = sortRows(matching, query);
  const startPosition = query.startPosition ?? 1;
  const maxResults = Math.min(query.maxResults ?? DEFAULT_MAX_RESULTS, MAX_RESULTS_LIMIT);
  const page = sorted.slice(startPosition - 1, startPosition - 1 + maxResults);
  const selection = query.selection;
  const rows =
    selection.kind === 'fields' ? page.map((row) => projectFields(row, selection.fields)) : page;

  return { kind: 'rows', rows, startPosition };
}

/**
 * Reads a dotted path, matching each key case-insensitively. A reference object
 * (`{value, name}`) reads as its value, so `CustomerRef = '5'` works as in QBO.
 */
export function readPath(object: JsonObject, path: string): unknown {
  let current: unknown = object;

  for (const segment of path.split('.')) {
    if (typeof current !== 'object' || current === null) {
      return undefined;
    }

    const key = findKey(current as JsonObject, segment);

    current = key === undefined ? undefined : (current as JsonObject)[key];
  }

  if (typeof current === 'object' && current !== null && 'value' in current) {
    return (current as JsonObject).value;
  }

  return current;
}

function findKey(object: JsonObject, segment: string): string | undefined {
  if (segment in object) {
    return segment;
  }

  const lower = segment.toLowerCase();

  return Object.keys(object).find((key) => key.toLowerCase() === lower);
}

function matches(object: JsonObject, condition: Condition): boolean {
  const value = readPath(object, condition.field);

  if (condition.operator === 'IN') {
    return condition.values.some((literal) => compareValues(value, literal) === 0);
  }

  if (condition.operator === 'LIKE') {
    return typeof value === 'string' && likePattern(condition.pattern).test(value);
  }

  const order = compareValues(value, condition.value);

  if (order === undefined) {
    return false;
  }

  switch (condition.operator) {
    case '=':
      return order === 0;
    case '<':
      return order < 0;
    case '>':
      return order > 0;
    case '<=':
      return order <= 0;
    case '>=':
      return order >= 0;
  }
}

/** LIKE supports only the % wildcard, matching any run of characters. */
function likePattern(pattern: string): RegExp {
  const escaped = pattern
    .split('%')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');

  return new RegExp(`^${escaped}$`, 'is');
}

const numericText = /^-?\d+(\.\d+)?$/;
const dateText = /^\d{4}-\d{2}-\d{2}/;

/**
 * Orders a stored value against a literal or another stored value. Numbers, numeric strings
 * (Ids) and timestamps compare by value, booleans by truth, other strings case-insensitively.
 * Returns undefined when either side is missing.
 */
export function compareValues(left: unknown, right: unknown): number | undefined {
  if (left === undefined || left === null || right === undefined || right === null) {
    return undefined;
  }

  if (typeof left === 'boolean' || typeof right === 'boolean') {
    return String(left).toLowerCase() === String(right).toLowerCase()
      ? 0
      : Number(left === true) - 1;
  }

  const leftText = String(left);
  const rightText = String(right);

  if (numericText.test(leftText) && numericText.test(rightText)) {
    return Math.sign(Number(leftText) - Number(rightText));
  }

  if (dateText.test(leftText) && dateText.test(rightText)) {
    const difference = Date.parse(leftText) - Date.parse(rightText);

    if (!Number.isNaN(difference)) {
      return Math.sign(difference);
    }
  }

  const leftLower = leftText.toLowerCase();
  const rightLower = rightText.toLowerCase();

  if (leftLower === rightLower) {
    return 0;
  }

  return leftLower < rightLower ? -1 : 1;
}

function sortRows(rows: JsonObject[], query: ParsedQuery): JsonObject[] {
  const terms = query.orderBy.length > 0 ? query.orderBy : [{ field: 'Id', descending: false }];

  return [...rows].sort((left, right) => {
    for (const term of terms) {
      const order = compareForSort(
        readPath(left, term.field),
        readPath(right, term.field),
        term.descending,
      );

      if (order !== 0) {
        return order;
      }
    }

    return 0;
  });
}

/** Like compareValues, but sorts missing values last in either direction. */
function compareForSort(left: unknown, right: unknown, descending: boolean): number {
  const leftMissing = left === undefined || left === null;
  const rightMissing = right === undefined || right === null;

  if (leftMissing || rightMissing) {
    return Number(leftMissing) - Number(rightMissing);
  }

  const order = compareValues(left, right) ?? 0;

  return descending ? -order : order;
}

/** Keeps only the selected fields, marking the row sparse as QBO does for a field list. */
function projectFields(row: JsonObject, fields: string[]): JsonObject {
  const projected: JsonObject = { ...(row.domain ? { domain: row.domain } : {}), sparse: true };

  for (const field of fields) {
    copyPath(row, projected, field.split('.'));
  }

  return projected;
}

function copyPath(source: JsonObject, target: JsonObject, segments: string[]): void {
  const key = findKey(source, segments[0]);

  if (key === undefined) {
    return;
  }

  const value = source[key];

  if (segments.length === 1 || typeof value !== 'object' || value === null) {
    target[key] = value;

    return;
  }

  const nested = (target[key] ?? {}) as JsonObject;

  target[key] = nested;
  copyPath(value as JsonObject, nested, segments.slice(1));
}
