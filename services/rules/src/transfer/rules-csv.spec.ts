import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Rule, ruleInputSchema } from '../engine/rule.model';
import { RULE_TEMPLATES } from '../engine/templates';
import { validateRules } from '../engine/validate';
import { parseCsv, writeCsv } from './csv';
import { parseMappingCsv, parseRulesCsv, RULE_CSV_COLUMNS, writeRulesCsv } from './rules-csv';

const HEADER = RULE_CSV_COLUMNS.join(',');

function stored(rules: ReturnType<typeof parseRulesCsv>['rules']): Rule[] {
  return rules.map((rule) => ({ ...ruleInputSchema.parse(rule), ruleId: rule.ruleId }));
}

describe(parseCsv.name, () => {
  it('reads quoted fields with commas, quotes and line breaks', () => {
    expect(parseCsv('a,"b,c","say ""hi""","two\nlines"\r\nd,e,f,g\n')).toEqual([
      { line: 1, cells: ['a', 'b,c', 'say "hi"', 'two\nlines'] },
      { line: 3, cells: ['d', 'e', 'f', 'g'] },
    ]);
  });

  it('skips blank lines and a byte order mark', () => {
    expect(parseCsv('\uFEFFa,b\n\n c , d \n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 3, cells: [' c ', ' d '] },
    ]);
  });

  it('rejects an unclosed quote with its line', () => {
    expect(() => parseCsv('a,b\n"open,c\n')).toThrow('line 2: a quoted field is not closed');
  });

  it('writes what it reads', () => {
    const rows = [['a', 'b,c', 'say "hi"', ' padded ', 'line\nbreak']];

    expect(parseCsv(writeCsv(rows)).map((record) => record.cells)).toEqual(rows);
  });
});

describe(parseRulesCsv.name, () => {
  it('groups rows by rule_id into conditions', () => {
    const parsed = parseRulesCsv(
      [
        HEADER,
        'r1,1,Amazon class,all,order,class,,channel,equals,amazon,Amazon,true,',
        'r1,1,Amazon class,all,order,class,or,channel,Is One Of,ebay|etsy,Amazon,true,',
      ].join('\n'),
    );

    expect(parsed.errors).toEqual([]);
    expect(parsed.rules).toEqual([
      {
        ruleId: 'r1',
        name: 'Amazon class',
        enabled: true,
        type: 'map_on_condition',
        scope: { connectionIds: [] },
        conditions: [
          { join: 'and', field: 'channel', comparison: 'equals', value: 'amazon', values: [] },
          {
            join: 'or',
            field: 'channel',
            comparison: 'in_list',
            value: '',
            values: ['ebay', 'etsy'],
          },
        ],
        action: { kind: 'class', value: 'Amazon', from: '' },
      },
    ]);
  });

  it('orders rules by position', () => {
    const parsed = parseRulesCsv(
      [
        HEADER,
        'second,2,B,all,order,memo,,,,,b,true,map_value',
        'first,1,A,all,order,memo,,,,,a,true,map_value',
      ].join('\n'),
    );

    expect(parsed.rules.map((rule) => rule.ruleId)).toEqual(['first', 'second']);
  });

  it('reads scope, field references and labels', () => {
    const parsed = parseRulesCsv(
      [
        HEADER,
        'r1,1,Ship date,c-1;c-2,order,Map Order Ship Date,,custom.ship_date,Order Custom Field,,field:custom.ship_date,no,',
      ].join('\n'),
    );

    expect(parsed.rules[0]).toMatchObject({
      enabled: false,
      type: 'map_field',
      scope: { connectionIds: ['c-1', 'c-2'] },
      conditions: [{ comparison: 'exists' }],
      action: { kind: 'ship_date', value: '', from: 'custom.ship_date' },
    });
  });

  it('reports row and column of each error', () => {
    const parsed = parseRulesCsv(
      [
        HEADER,
        'r1,1,,all,order,class,,channel,equals,amazon,A,true,',
        'r2,x,B,all,order,fly,,channel,equals,amazon,A,maybe,',
        'r3,3,C,all,order,class,,channel,bigger,amazon,A,true,',
        'r3,3,C,all,order,class,,channel,equals,ebay,A,true,',
      ].join('\n'),
    );

    expect(parsed.errors).toEqual([
      { row: 2, column: 'name', message: 'is empty; give the rule a name' },
      { row: 3, column: 'position', message: '"x" is not a whole number' },
      { row: 3, column: 'action', message: expect.stringMatching(/^"fly" is not an action/) },
      { row: 3, column: 'enabled', message: '"maybe" is not true or false' },
      {
        row: 4,
        column: 'comparison',
        message: expect.stringMatching(/^"bigger" is not a comparison/),
      },
      {
        row: 5,
        column: 'join',
        message: 'is empty; write and or or to tie this condition to the one before',
      },
    ]);
  });

  it('reports missing header columns', () => {
    expect(parseRulesCsv('rule_id,name\nr1,A\n').errors[0]).toMatchObject({
      row: 1,
      message: expect.stringMatching(/missing column position, scope, object, action/),
    });
  });

  it('round-trips through export without loss', () => {
    const rules = stored(
      parseRulesCsv(
        [
          HEADER,
          'r1,1,"Skip, digital",all,order,do_not_import,,line.sku,contains,"DIG ""X""",,true,map_on_condition',
          'r1,1,"Skip, digital",all,order,do_not_import,and,channel,in_list,amazon|ebay,,true,map_on_condition',
          'r2,2,Copy,c-1,order,order_number,,reference_number,map_all,,field:reference_number,false,map_field',
          'r3,3,Fixed,all,order,memo,,,,,Imported,true,map_value',
          'r4,4,Template,all,order,class,,channel,equals,amazon,Amazon,true,template,class_per_channel',
        ].join('\n'),
      ).rules,
    );
    const again = stored(parseRulesCsv(writeRulesCsv(rules)).rules);

    expect(again).toEqual(rules);
    expect(rules).toHaveLength(4);
    expect(rules[3]!.template).toBe('class_per_channel');
  });
});

describe(parseMappingCsv.name, () => {
  it('turns each SKU row into a product rule', () => {
    const parsed = parseMappingCsv('sku_item', 'sku,item\nABC-1,Widget\nabc-2,Gadget\n');

    expect(parsed.errors).toEqual([]);
    expect(parsed.rules[0]).toMatchObject({
      type: 'map_product',
      conditions: [{ field: 'line.sku', comparison: 'equals', value: 'ABC-1' }],
      action: { kind: 'item', value: 'Widget' },
    });
  });

  it('derives the same rule id on a second import', () => {
    const first = parseMappingCsv('sku_item', 'ABC-1,Widget\n');
    const second = parseMappingCsv('sku_item', 'abc-1,Other\n');

    expect(first.rules[0]!.ruleId).toBe(second.rules[0]!.ruleId);
  });

  it('maps shipping methods to the shipping item', () => {
    const parsed = parseMappingCsv('shipping_item', 'shipping_method,item\nUPS Ground,Shipping\n');

    expect(parsed.rules[0]).toMatchObject({
      conditions: [{ field: 'shipping_method', value: 'UPS Ground' }],
      action: { kind: 'shipping_item', value: 'Shipping' },
    });
  });

  it('reports empty cells, extra columns and repeats by row', () => {
    const parsed = parseMappingCsv('sku_item', 'sku,item\nA,\n,B\nC,D,E\nF,G\nf,H\n');

    expect(parsed.errors).toEqual([
      { row: 2, column: 'item', message: 'is empty' },
      { row: 3, column: 'sku', message: 'is empty' },
      { row: 4, column: 'sku,item', message: expect.stringMatching(/has 3 columns/) },
      { row: 6, column: 'sku', message: '"f" is already mapped on row 5' },
    ]);
  });
});

describe('fixtures', () => {
  const folder = join(__dirname, '../../../../fixtures/rules');

  it('catalogue CSV imports without errors', () => {
    const parsed = parseRulesCsv(readFileSync(join(folder, 'catalogue-rules.csv'), 'utf8'));
    const rules = stored(parsed.rules);

    expect(parsed.errors).toEqual([]);
    expect(validateRules(rules, undefined).problems).toEqual([]);
    expect(rules.map((rule) => rule.ruleId)).toEqual(RULE_TEMPLATES.map((template) => template.id));
  });

  it('SKU table becomes one rule per row', () => {
    const parsed = parseMappingCsv('sku_item', readFileSync(join(folder, 'sku-items.csv'), 'utf8'));

    expect(parsed.errors).toEqual([]);
    expect(parsed.rules.map((rule) => rule.action.value)).toEqual([
      'iPod Nano 8GB:Black',
      'iPod Nano 8GB:Green',
      'iPod Nano 8GB:Red',
    ]);
  });
});
