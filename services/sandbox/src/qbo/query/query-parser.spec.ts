import { parseQuery, QueryParseError } from './query-parser';

function parseErrorOf(text: string): QueryParseError {
  try {
    parseQuery(text);
  } catch (error) {
    if (error instanceof QueryParseError) {
      return error;
    }

    throw error;
  }

  throw new Error(`expected a parse error for: ${text}`);
}

describe('parseQuery', () => {
  it('parses SELECT * with defaults', () => {
    expect(parseQuery('SELECT * FROM Customer')).toEqual({
      selection: { kind: 'all' },
      entity: 'Customer',
      conditions: [],
      orderBy: [],
    });
  });

  it('accepts lower-case keywords and COUNT(*)', () => {
    const query = parseQuery("select count(*) from Item where Type = 'Service'");

    expect(query.selection).toEqual({ kind: 'count' });
    expect(query.conditions).toEqual([{ field: 'Type', operator: '=', value: 'Service' }]);
  });

  it('parses every operator joined by AND', () => {
    const query = parseQuery(
      "SELECT * FROM SalesReceipt WHERE TotalAmt >= 10 AND TotalAmt < 99.5 AND DocNumber IN ('1001', '1002') " +
        "AND PrivateNote LIKE '%shop%' AND MetaData.LastUpdatedTime > '2026-07-01T00:00:00-07:00' AND Balance <= 0",
    );

    expect(query.conditions).toEqual([
      { field: 'TotalAmt', operator: '>=', value: 10 },
      { field: 'TotalAmt', operator: '<', value: 99.5 },
      { field: 'DocNumber', operator: 'IN', values: ['1001', '1002'] },
      { field: 'PrivateNote', operator: 'LIKE', pattern: '%shop%' },
      { field: 'MetaData.LastUpdatedTime', operator: '>', value: '2026-07-01T00:00:00-07:00' },
      { field: 'Balance', operator: '<=', value: 0 },
    ]);
  });

  it('unescapes quotes in strings', () => {
    const query = parseQuery("SELECT * FROM Customer WHERE DisplayName = 'O\\'Brien'");

    expect(query.conditions[0]).toEqual({ field: 'DisplayName', operator: '=', value: "O'Brien" });
  });

  it('reads booleans, field lists, ordering and paging', () => {
    const query = parseQuery(
      'SELECT Id, DisplayName FROM Customer WHERE Active = true ORDERBY DisplayName DESC, Id ' +
        'STARTPOSITION 11 MAXRESULTS 10',
    );

    expect(query.selection).toEqual({ kind: 'fields', fields: ['Id', 'DisplayName'] });
    expect(query.conditions).toEqual([{ field: 'Active', operator: '=', value: true }]);
    expect(query.orderBy).toEqual([
      { field: 'DisplayName', descending: true },
      { field: 'Id', descending: false },
    ]);
    expect(query.startPosition).toBe(11);
    expect(query.maxResults).toBe(10);
  });

  it('accepts MAXRESULTS before STARTPOSITION', () => {
    const query = parseQuery('SELECT * FROM Item MAXRESULTS 5 STARTPOSITION 2');

    expect(query.maxResults).toBe(5);
    expect(query.startPosition).toBe(2);
  });

  it.each([
    ['SELECT FROM Customer', 'FROM', 8],
    ['SELECT * Customer', 'Customer', 10],
    ['SELECT * FROM Customer WHERE', '<EOF>', 29],
    ["SELECT * FROM Customer WHERE Name = 'open", '<EOF>', 42],
    ['SELECT * FROM Customer WHERE Active = 1 OR Active = 0', 'OR', 41],
    ['SELECT * FROM Customer ORDER BY Id', 'ORDER', 24],
    ['SELECT * FROM Customer MAXRESULTS 0', '0', 35],
    ['SELECT * FROM Customer WHERE Name != 1', '!', 35],
  ])('rejects %p at the offending token', (text, found, column) => {
    const error = parseErrorOf(text);

    expect(error.found).toBe(found);
    expect(error.column).toBe(column);
  });
});
