import { type CompanyLists } from '@qbsync/contracts';

import { type Rule, type RuleInput, ruleInputSchema } from './rule.model';
import { describeProblems, validateRules } from './validate';

function rule(input: Partial<RuleInput> & Pick<RuleInput, 'action'>): Rule {
  const parsed = ruleInputSchema.parse({ name: 'Test rule', ...input });

  return { ...parsed, ruleId: parsed.ruleId ?? 'rule-1' };
}

function entry(name: string, active = true) {
  return { id: name, name, active };
}

const lists: CompanyLists = {
  accountId: 'account-1',
  target: 'qbo',
  refreshedAt: '2026-01-01T00:00:00Z',
  homeCurrency: 'USD',
  accounts: [{ ...entry('Undeposited Funds'), accountType: 'Other Current Asset' }],
  classes: [entry('Amazon'), entry('Retired', false)],
  locations: [],
  taxCodes: [entry('TAX'), entry('NON')],
  paymentMethods: [],
  terms: [],
  currencies: ['USD', 'CAD'],
  priceLevels: [],
  salesReps: [],
  unitsOfMeasure: [],
  inventorySites: [],
};

describe(validateRules.name, () => {
  function messages(rules: Rule[], withLists = false): string[] {
    return validateRules(rules, withLists ? lists : undefined).problems.map(
      (problem) => `${problem.ruleName} ${problem.path}: ${problem.message}`,
    );
  }

  it('accepts a valid rule', () => {
    expect(
      messages(
        [
          rule({
            conditions: [{ field: 'channel', comparison: 'equals', value: 'amazon' }],
            action: { kind: 'class', value: 'Amazon' },
          }),
        ],
        true,
      ),
    ).toEqual([]);
  });

  it('names an unknown field', () => {
    expect(
      messages([
        rule({
          conditions: [{ field: 'line.skuu', comparison: 'equals', value: 'x' }],
          action: { kind: 'class', value: 'A' },
        }),
      ]),
    ).toEqual([expect.stringMatching(/^Test rule conditions\[0\]: field "line.skuu" is unknown/)]);
  });

  it('names an unknown path root', () => {
    expect(
      messages([
        rule({
          conditions: [{ field: 'path.nothing.here', comparison: 'equals', value: 'x' }],
          action: { kind: 'class', value: 'A' },
        }),
      ])[0],
    ).toMatch(/the order has no field "nothing"/);
  });

  it('rejects a comparison that does not fit the field type', () => {
    expect(
      messages([
        rule({
          conditions: [{ field: 'line.sku', comparison: 'greater_than', value: '3' }],
          action: { kind: 'class', value: 'A' },
        }),
      ])[0],
    ).toMatch(/comparison greater_than does not fit text field "line.sku"/);
  });

  it('rejects a value that is not a number for a money field', () => {
    expect(
      messages([
        rule({
          conditions: [{ field: 'total', comparison: 'greater_than', value: 'ten' }],
          action: { kind: 'class', value: 'A' },
        }),
      ])[0],
    ).toMatch(/value "ten" is not a number/);
  });

  it('rejects a value that is not a date for a date field', () => {
    expect(
      messages([
        rule({
          conditions: [{ field: 'order_date', comparison: 'less_than', value: '01/02/2022' }],
          action: { kind: 'class', value: 'A' },
        }),
      ])[0],
    ).toMatch(/value "01\/02\/2022" is not a date/);
  });

  it('rejects an invalid regular expression', () => {
    expect(
      messages([
        rule({
          conditions: [{ field: 'line.sku', comparison: 'matches', value: '(a+)+' }],
          action: { kind: 'class', value: 'A' },
        }),
      ])[0],
    ).toMatch(/conditions\[0\]: a quantifier on a group/);
  });

  it('rejects an empty in_list', () => {
    expect(
      messages([
        rule({
          conditions: [{ field: 'channel', comparison: 'in_list', values: [] }],
          action: { kind: 'class', value: 'A' },
        }),
      ])[0],
    ).toMatch(/in_list needs at least one value/);
  });

  it('rejects an unknown transaction type', () => {
    expect(
      messages([
        rule({ type: 'map_value', action: { kind: 'transaction_type', value: 'Cheque' } }),
      ])[0],
    ).toMatch(/action.value: "Cheque" is not a transaction type/);
  });

  it('rejects a multiplier below 2', () => {
    expect(
      messages([
        rule({ type: 'map_value', action: { kind: 'quantity_multiplier', value: '1' } }),
      ])[0],
    ).toMatch(/not a whole number from 2 to 10000/);
  });

  it('rejects a date action value that is not a date', () => {
    expect(
      messages([rule({ type: 'map_value', action: { kind: 'ship_date', value: 'tomorrow' } })])[0],
    ).toMatch(/"tomorrow" is not a date/);
  });

  it('rejects an action with nothing to copy', () => {
    expect(messages([rule({ type: 'map_value', action: { kind: 'class' } })])[0]).toMatch(
      /Map Order Class needs a value/,
    );
  });

  it('rejects copying a line field into an order field', () => {
    expect(
      messages([rule({ type: 'map_field', action: { kind: 'class', from: 'line.sku' } })])[0],
    ).toMatch(/cannot copy line field "line.sku"/);
  });

  it('rejects a conditional rule without conditions', () => {
    expect(messages([rule({ action: { kind: 'class', value: 'A' } })])[0]).toMatch(
      /needs at least one condition/,
    );
  });

  it('rejects repeated rule ids', () => {
    const first = rule({ type: 'map_value', action: { kind: 'class', value: 'A' } });

    expect(messages([first, first])[0]).toMatch(/rule id rule-1 is used by more than one rule/);
  });

  it('rejects a class the company does not have', () => {
    expect(
      messages([rule({ type: 'map_value', action: { kind: 'class', value: 'eBay' } })], true)[0],
    ).toMatch(/Map Order Class: "eBay" is not in the QuickBooks company's classes; known: Amazon/);
  });

  it('rejects an inactive class', () => {
    expect(
      messages([rule({ type: 'map_value', action: { kind: 'class', value: 'retired' } })], true)[0],
    ).toMatch(/"retired" is inactive in QuickBooks/);
  });

  it('rejects a tax code the company does not have', () => {
    expect(
      messages(
        [rule({ type: 'map_value', action: { kind: 'shipping_tax_code', value: 'GST' } })],
        true,
      )[0],
    ).toMatch(/"GST" is not in the QuickBooks company's tax codes/);
  });

  it('rejects a currency the company does not use', () => {
    expect(
      messages([rule({ type: 'map_value', action: { kind: 'currency', value: 'EUR' } })], true)[0],
    ).toMatch(/currency EUR is not enabled/);
  });

  it('says the lists were not checked without them', () => {
    const report = validateRules(
      [rule({ type: 'map_value', action: { kind: 'class', value: 'Anything' } })],
      undefined,
      'no responder',
    );

    expect(report).toEqual({ problems: [], listsChecked: false, listsNote: 'no responder' });
  });

  it('checks lists only for the named rules', () => {
    const old = rule({
      ruleId: 'old',
      type: 'map_value',
      action: { kind: 'class', value: 'Gone' },
    });

    expect(validateRules([old], lists, undefined, new Set(['new'])).problems).toEqual([]);
  });

  it('describes problems with the rule name', () => {
    const report = validateRules(
      [rule({ name: 'Bad', type: 'map_value', action: { kind: 'ship_date', value: 'x' } })],
      undefined,
    );

    expect(describeProblems(report.problems)).toBe(
      'Rule "Bad" action.value: "x" is not a date; write YYYY-MM-DD',
    );
  });
});
