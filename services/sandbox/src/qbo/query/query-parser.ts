/**
 * Parser for the QuickBooks Online query language, a subset of SQL:
 *
 *   SELECT * | COUNT(*) | field[, field...] FROM Entity
 *   [WHERE field op value [AND ...]] [ORDERBY field [ASC|DESC][, ...]]
 *   [STARTPOSITION n] [MAXRESULTS n]
 *
 * Operators are =, <, >, <=, >=, IN (v, ...) and LIKE '%text%'. Keywords are case-insensitive,
 * strings are single-quoted with \' for a quote, and fields may be dotted (MetaData.CreateTime).
 * Like QBO, there is no OR, NOT or parenthesised condition.
 */

import { QueryParseError, type Token, type TokenKind, tokenize } from './query-tokenizer';

export { QueryParseError } from './query-tokenizer';

export type Literal = string | number | boolean;

export type ComparisonOperator = '=' | '<' | '>' | '<=' | '>=';

export type Condition =
  | { field: string; operator: ComparisonOperator; value: Literal }
  | { field: string; operator: 'IN'; values: Literal[] }
  | { field: string; operator: 'LIKE'; pattern: string };

export interface OrderTerm {
  field: string;
  descending: boolean;
}

export type Selection = { kind: 'all' } | { kind: 'count' } | { kind: 'fields'; fields: string[] };

export interface ParsedQuery {
  selection: Selection;
  entity: string;
  conditions: Condition[];
  orderBy: OrderTerm[];
  startPosition?: number;
  maxResults?: number;
}

/** Parses a query. Throws QueryParseError at the first token that does not fit the grammar. */
export function parseQuery(text: string): ParsedQuery {
  return new QueryParser(tokenize(text)).parse();
}

class QueryParser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  parse(): ParsedQuery {
    this.expectKeyword('SELECT');
    const selection = this.parseSelection();

    this.expectKeyword('FROM');
    const entity = this.expectField('an entity name');
    const query: ParsedQuery = { selection, entity, conditions: [], orderBy: [] };

    if (this.acceptKeyword('WHERE')) {
      query.conditions = this.parseConditions();
    }

    if (this.acceptKeyword('ORDERBY')) {
      query.orderBy = this.parseOrderBy();
    }

    this.parsePaging(query);
    this.expect('eof', 'the end of the query');

    return query;
  }

  private parseSelection(): Selection {
    if (this.acceptSymbol('*')) {
      return { kind: 'all' };
    }

    if (this.peek().kind === 'word' && this.peek().text.toUpperCase() === 'COUNT') {
      this.position += 1;
      this.expectSymbol('(');
      this.expectSymbol('*');
      this.expectSymbol(')');

      return { kind: 'count' };
    }

    const fields = [this.expectField('*, COUNT(*) or a field name')];

    while (this.acceptSymbol(',')) {
      fields.push(this.expectField('a field name'));
    }

    return { kind: 'fields', fields };
  }

  private parseConditions(): Condition[] {
    const conditions = [this.parseCondition()];

    while (this.acceptKeyword('AND')) {
      conditions.push(this.parseCondition());
    }

    return conditions;
  }

  private parseCondition(): Condition {
    const field = this.expectField('a field name');

    if (this.acceptKeyword('IN')) {
      this.expectSymbol('(');
      const values = [this.parseLiteral()];

      while (this.acceptSymbol(',')) {
        values.push(this.parseLiteral());
      }

      this.expectSymbol(')');

      return { field, operator: 'IN', values };
    }

    if (this.acceptKeyword('LIKE')) {
      return { field, operator: 'LIKE', pattern: this.expect('string', 'a quoted pattern').text };
    }

    const operator = this.peek();

    if (operator.kind !== 'symbol' || !['=', '<', '>', '<=', '>='].includes(operator.text)) {
      throw this.error('=, <, >, <=, >=, IN or LIKE');
    }

    this.position += 1;

    return { field, operator: operator.text as ComparisonOperator, value: this.parseLiteral() };
  }

  private parseLiteral(): Literal {
    const token = this.peek();

    if (token.kind === 'string') {
      this.position += 1;

      return token.text;
    }

    if (token.kind === 'number') {
      this.position += 1;

      return Number(token.text);
    }

    if (token.kind === 'word' && ['TRUE', 'FALSE'].includes(token.text.toUpperCase())) {
      this.position += 1;

      return token.text.toUpperCase() === 'TRUE';
    }

    throw this.error('a quoted string, number, true or false');
  }

  private parseOrderBy(): OrderTerm[] {
    const terms: OrderTerm[] = [];

    do {
      const field = this.expectField('a field name');
      const descending = this.acceptKeyword('DESC');

      if (!descending) {
        this.acceptKeyword('ASC');
      }

      terms.push({ field, descending });
    } while (this.acceptSymbol(','));

    return terms;
  }

  /** STARTPOSITION and MAXRESULTS, each at most once, in either order. */
  private parsePaging(query: ParsedQuery): void {
    for (;;) {
      if (query.startPosition === undefined && this.acceptKeyword('STARTPOSITION')) {
        query.startPosition = this.expectPositiveInteger();
      } else if (query.maxResults === undefined && this.acceptKeyword('MAXRESULTS')) {
        query.maxResults = this.expectPositiveInteger();
      } else {
        return;
      }
    }
  }

  private expectPositiveInteger(): number {
    const token = this.peek();

    if (token.kind !== 'number' || !/^\d+$/.test(token.text) || Number(token.text) < 1) {
      throw this.error('a positive integer');
    }

    this.position += 1;

    return Number(token.text);
  }

  private expectField(expected: string): string {
    const token = this.peek();

    if (token.kind !== 'word' || RESERVED.has(token.text.toUpperCase())) {
      throw this.error(expected);
    }

    this.position += 1;

    return token.text;
  }

  private expectKeyword(keyword: string): void {
    if (!this.acceptKeyword(keyword)) {
      throw this.error(keyword);
    }
  }

  private acceptKeyword(keyword: string): boolean {
    const token = this.peek();

    if (token.kind === 'word' && token.text.toUpperCase() === keyword) {
      this.position += 1;

      return true;
    }

    return false;
  }

  private expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) {
      throw this.error(`"${symbol}"`);
    }
  }

  private acceptSymbol(symbol: string): boolean {
    const token = this.peek();

    if (token.kind === 'symbol' && token.text === symbol) {
      this.position += 1;

      return true;
    }

    return false;
  }

  private expect(kind: TokenKind, expected: string): Token {
    const token = this.peek();

    if (token.kind !== kind) {
      throw this.error(expected);
    }

    this.position += 1;

    return token;
  }

  private peek(): Token {
    return this.tokens[this.position];
  }

  private error(expected: string): QueryParseError {
    const token = this.peek();

    return new QueryParseError(token.text, token.column, expected);
  }
}

const RESERVED = new Set([
  'SELECT',
  'FROM',
  'WHERE',
  'AND',
  'ORDERBY',
  'STARTPOSITION',
  'MAXRESULTS',
  'IN',
  'LIKE',
  'ASC',
  'DESC',
]);
