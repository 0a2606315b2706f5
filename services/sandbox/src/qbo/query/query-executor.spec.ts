import { type JsonObject } from '../company/company';
import { compareValues, executeQuery, readPath } from './query-executor';
import { parseQuery } from './query-parser';

const customers: JsonObject[] = [
  {
    Id: '10',
    DisplayName: 'Zed',
    Active: true,
    Balance: 5,
    MetaData: { CreateTime: '2026-07-02T10:00:00-07:00' },
  },
  {
    Id: '2',
    DisplayName: 'alpha',
    Active: false,
    Balance: 0,
    MetaData: { CreateTime: '2026-07-01T10:00:00-07:00' },
  },
  { Id: '3', DisplayName: "O'Brien Shop", Active: true, CustomerRef: { value: '7', name: 'X' } },
];

function run(text: string) {
  return executeQuery(parseQuery(text), customers);
}

function ids(text: string): unknown[] {
  const result = run(text);

  return result.kind === 'rows' ? result.rows.map((row) => row.Id) : [];
}

describe('executeQuery', () => {
  it('orders by numeric Id by default', () => {
    expect(ids('SELECT * FROM Customer')).toEqual(['2', '3', '10']);
  });

  it('filters with = case-insensitively', () => {
    expect(ids("SELECT * FROM Customer WHERE DisplayName = 'ALPHA'")).toEqual(['2']);
  });

  it('filters with IN and booleans', () => {
    expect(ids("SELECT * FROM Customer WHERE Id IN ('3', '10') AND Active = true")).toEqual([
      '3',
      '10',
    ]);
  });

  it('filters with LIKE', () => {
    expect(ids("SELECT * FROM Customer WHERE DisplayName LIKE '%brien%'")).toEqual(['3']);
    expect(ids("SELECT * FROM Customer WHERE DisplayName LIKE 'z%'")).toEqual(['10']);
  });

  it('compares timestamps and numbers', () => {
    expect(
      ids("SELECT * FROM Customer WHERE MetaData.CreateTime > '2026-07-01T12:00:00-07:00'"),
    ).toEqual(['10']);
    expect(ids('SELECT * FROM Customer WHERE Balance >= 1')).toEqual(['10']);
  });

  it('counts matches', () => {
    expect(run('SELECT COUNT(*) FROM Customer WHERE Active = true')).toEqual({
      kind: 'count',
      totalCount: 2,
    });
  });

  it('pages with STARTPOSITION and MAXRESULTS', () => {
    expect(ids('SELECT * FROM Customer ORDERBY DisplayName STARTPOSITION 2 MAXRESULTS 1')).toEqual([
      '3',
    ]);
  });

  it('returns 100 rows by default and at most 1000', () => {
    const many = Array.from({ length: 1005 }, (_, index) => ({ Id: String(index + 1) }));
    const byDefault = executeQuery(parseQuery('SELECT * FROM Customer'), many);
    const capped = executeQuery(parseQuery('SELECT * FROM Customer MAXRESULTS 5000'), many);

    expect(byDefault.kind === 'rows' && byDefault.rows.length).toBe(100);
    expect(capped.kind === 'rows' && capped.rows.length).toBe(1000);
  });

  it('sorts descending with missing values last', () => {
    expect(ids('SELECT * FROM Customer ORDERBY Balance DESC')).toEqual(['10', '2', '3']);
  });

  it('projects selected fields as sparse rows', () => {
    const result = run("SELECT DisplayName, MetaData.CreateTime FROM Customer WHERE Id = '2'");

    expect(result).toEqual({
      kind: 'rows',
      startPosition: 1,
      rows: [
        {
          sparse: true,
          DisplayName: 'alpha',
          MetaData: { CreateTime: '2026-07-01T10:00:00-07:00' },
        },
      ],
    });
  });
});

describe('readPath', () => {
  it('reads a reference as its value', () => {
    expect(readPath(customers[2], 'CustomerRef')).toBe('7');
  });

  it('matches keys case-insensitively', () => {
    expect(readPath(customers[0], 'metadata.createtime')).toBe('2026-07-02T10:00:00-07:00');
  });
});

describe('compareValues', () => {
  it('returns undefined when a side is missing', () => {
    expect(compareValues(undefined, 'a')).toBeUndefined();
  });

  it('compares numeric strings by value', () => {
    expect(compareValues('10', '9')).toBe(1);
  });
});
