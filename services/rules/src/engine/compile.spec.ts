import { type Order } from '@qbsync/contracts';
import {
  buildLine,
  buildOrder,
  buildPayment,
  buildShippingLine,
} from '@qbsync/testing/dist/orders';

import { CompiledRuleSet, RuleRuntimeError } from './compile';
import { type Condition, type Rule, type RuleInput, ruleInputSchema } from './rule.model';

let counter = 0;

function rule(input: Partial<RuleInput> & Pick<RuleInput, 'action'>): Rule {
  counter += 1;
  const parsed = ruleInputSchema.parse({ name: `rule ${counter}`, ...input });

  return { ...parsed, ruleId: parsed.ruleId ?? `rule-${counter}` };
}

function compile(rules: Rule[]): CompiledRuleSet {
  const result = CompiledRuleSet.compile(rules, 7);

  if (!result.ok) {
    throw new Error(JSON.stringify(result.problems));
  }

  return result.ruleSet;
}

function condition(input: Partial<Condition> & Pick<Condition, 'field' | 'comparison'>): Condition {
  return { join: 'and', value: '', values: [], ...input };
}

/** Runs one "set class to Hit when <condition>" rule and returns whether it applied. */
function holds(
  order: Order,
  input: Partial<Condition> & Pick<Condition, 'field' | 'comparison'>,
): boolean {
  const result = compile([
    rule({ conditions: [condition(input)], action: { kind: 'class', value: 'Hit' } }),
  ]).run(order);

  return result.overrides?.className === 'Hit';
}

describe(CompiledRuleSet.name, () => {
  const order = buildOrder({
    channel: 'amazon',
    orderNumber: '#1001',
    createdAt: '2021-12-31T23:30:00-05:00',
    financialStatus: 'paid',
    lines: [
      buildLine({
        lineId: 'a',
        sku: 'AMZ-DIGITAL-1',
        name: 'E-book',
        unitPrice: 1200,
        quantity: 2,
      }),
      buildLine({ lineId: 'b', sku: 'HW-2', name: 'Widget', unitPrice: 600 }),
    ],
    shippingLines: [buildShippingLine({ title: 'UPS Ground' })],
    payments: [buildPayment({ gateway: 'PayPal Express', amount: 2000 })],
    totals: { subtotal: 3000, discounts: 0, shipping: 500, tax: 150, total: 3650 },
    tags: ['wholesale', 'vip'],
    customFields: [
      { name: 'ship_date', value: '2022-01-03' },
      { name: 'PO_Number', value: 'PO-77' },
    ],
    shippingAddress: { regionCode: 'NY', countryCode: 'US' },
    billingAddress: { company: 'Acme Inc' },
  });

  describe('comparisons', () => {
    it.each([
      [
        'equals ignores case and spaces',
        { field: 'channel', comparison: 'equals', value: ' AMAZON ' },
        true,
      ],
      [
        'equals on a different value',
        { field: 'channel', comparison: 'equals', value: 'ebay' },
        false,
      ],
      [
        'not_equals on a different value',
        { field: 'channel', comparison: 'not_equals', value: 'ebay' },
        true,
      ],
      [
        'not_equals when any line equals',
        { field: 'line.sku', comparison: 'not_equals', value: 'hw-2' },
        false,
      ],
      [
        'contains on any line',
        { field: 'line.sku', comparison: 'contains', value: 'digital' },
        true,
      ],
      ['contains on no line', { field: 'line.sku', comparison: 'contains', value: 'gift' }, false],
      ['starts_with', { field: 'order_number', comparison: 'starts_with', value: '#10' }, true],
      [
        'starts_with mismatch',
        { field: 'order_number', comparison: 'starts_with', value: '10' },
        false,
      ],
      ['ends_with', { field: 'shipping_method', comparison: 'ends_with', value: 'ground' }, true],
      [
        'ends_with mismatch',
        { field: 'shipping_method', comparison: 'ends_with', value: 'air' },
        false,
      ],
      ['matches fully', { field: 'line.sku', comparison: 'matches', value: 'hw-\\d+' }, true],
      [
        'matches needs a full match',
        { field: 'line.sku', comparison: 'matches', value: 'hw' },
        false,
      ],
      [
        'greater_than on money in major units',
        { field: 'total', comparison: 'greater_than', value: '36.49' },
        true,
      ],
      [
        'greater_than on money equal value',
        { field: 'total', comparison: 'greater_than', value: '36.50' },
        false,
      ],
      ['less_than on money', { field: 'total_tax', comparison: 'less_than', value: '1.51' }, true],
      ['equals on money', { field: 'total', comparison: 'equals', value: '36.5' }, true],
      [
        'greater_than on a number',
        { field: 'line.quantity', comparison: 'greater_than', value: '1' },
        true,
      ],
      [
        'less_than on a number',
        { field: 'line.quantity', comparison: 'less_than', value: '1' },
        false,
      ],
      [
        'less_than on a date uses the local day',
        { field: 'order_date', comparison: 'less_than', value: '2022-01-01' },
        true,
      ],
      [
        'equals on a date',
        { field: 'order_date', comparison: 'equals', value: '2021-12-31' },
        true,
      ],
      [
        'greater_than on an instant',
        { field: 'order_date', comparison: 'greater_than', value: '2022-01-01T04:00:00Z' },
        true,
      ],
      ['in_list', { field: 'channel', comparison: 'in_list', values: ['eBay', 'Amazon'] }, true],
      [
        'in_list mismatch',
        { field: 'channel', comparison: 'in_list', values: ['eBay', 'Etsy'] },
        false,
      ],
      ['in_list on money', { field: 'total', comparison: 'in_list', values: ['1', '36.50'] }, true],
      ['is_empty on a missing field', { field: 'customer_email', comparison: 'is_empty' }, true],
      ['is_empty on a set field', { field: 'billing_company', comparison: 'is_empty' }, false],
      ['exists on a custom field', { field: 'custom.ship_date', comparison: 'exists' }, true],
      [
        'exists on a missing custom field',
        { field: 'custom.gift_note', comparison: 'exists' },
        false,
      ],
      ['map_all', { field: 'channel', comparison: 'map_all' }, true],
      [
        'equals on a boolean',
        { field: 'taxes_included', comparison: 'equals', value: 'false' },
        true,
      ],
      ['equals on a tag', { field: 'tag', comparison: 'equals', value: 'VIP' }, true],
      [
        'contains on payment method',
        { field: 'payment_method', comparison: 'contains', value: 'paypal' },
        true,
      ],
      [
        'custom field name ignores case',
        { field: 'po_number', comparison: 'equals', value: 'po-77' },
        true,
      ],
      ['balance due', { field: 'balance_due', comparison: 'equals', value: '16.50' }, true],
      ['shipping state', { field: 'shipping_state', comparison: 'equals', value: 'ny' }, true],
      [
        'path field',
        { field: 'path.shippingAddress.countryCode', comparison: 'equals', value: 'us' },
        true,
      ],
    ] as const)('%s', (_name, input, expected) => {
      expect(holds(order, input as Condition)).toBe(expected);
    });

    it('rejects a matches value longer than the input bound', () => {
      const long = buildOrder({ lines: [buildLine({ sku: 'A'.repeat(1_001) })] });

      expect(holds(long, { field: 'line.sku', comparison: 'matches', value: 'A+' })).toBe(false);
    });
  });

  describe('conditions', () => {
    const skuDigital = condition({ field: 'line.sku', comparison: 'contains', value: 'digital' });
    const ebay = condition({ field: 'channel', comparison: 'equals', value: 'ebay' });
    const amazon = condition({ field: 'channel', comparison: 'equals', value: 'amazon' });

    it('joins with AND', () => {
      expect(holds(order, skuDigital)).toBe(true);
      expect(holds(order, ebay)).toBe(false);
      const result = compile([
        rule({
          conditions: [skuDigital, { ...ebay, join: 'and' }],
          action: { kind: 'class', value: 'X' },
        }),
      ]).run(order);

      expect(result.overrides).toBeUndefined();
    });

    it('joins with OR', () => {
      const result = compile([
        rule({
          conditions: [ebay, { ...amazon, join: 'or' }],
          action: { kind: 'class', value: 'X' },
        }),
      ]).run(order);

      expect(result.overrides?.className).toBe('X');
    });

    it('binds AND before OR', () => {
      // ebay OR (amazon AND sku contains gift): false OR (true AND false) is false.
      const result = compile([
        rule({
          conditions: [
            ebay,
            { ...amazon, join: 'or' },
            condition({ join: 'and', field: 'line.sku', comparison: 'contains', value: 'gift' }),
          ],
          action: { kind: 'class', value: 'X' },
        }),
      ]).run(order);

      expect(result.overrides).toBeUndefined();
    });
  });

  describe('order actions', () => {
    it.each([
      ['transaction_type', 'Invoices', 'transactionType', 'invoice'],
      ['order_date', '2022-02-01', 'transactionDate', '2022-02-01'],
      ['due_date', '2022-03-01', 'dueDate', '2022-03-01'],
      ['ship_date', '2022-02-02', 'shipDate', '2022-02-02'],
      ['class', 'Amazon', 'className', 'Amazon'],
      ['location', 'Warehouse', 'location', 'Warehouse'],
      ['sales_rep', 'JD', 'salesRep', 'JD'],
      ['ar_account', 'A/R Amazon', 'arAccount', 'A/R Amazon'],
      ['deposit_account', 'PayPal', 'depositAccount', 'PayPal'],
      ['payment_method', 'PayPal', 'paymentMethod', 'PayPal'],
      ['terms', 'Net 30', 'terms', 'Net 30'],
      ['price_level', 'Wholesale', 'priceLevel', 'Wholesale'],
      ['tax_code', 'TAX', 'taxCode', 'TAX'],
      ['shipping_tax_code', 'NON', 'shippingTaxCode', 'NON'],
      ['discount_tax_code', 'NON', 'discountTaxCode', 'NON'],
      ['shipping_item', 'Shipping', 'shippingItem', 'Shipping'],
      ['discount_item', 'Discounts', 'discountItem', 'Discounts'],
      ['customer_name', 'Amazon Customer', 'customerName', 'Amazon Customer'],
      ['memo', 'Imported', 'memo', 'Imported'],
    ] as const)('%s with %s sets its override', (kind, value, key, expected) => {
      const result = compile([rule({ type: 'map_value', action: { kind, value } })]).run(order);

      expect(result.overrides?.[key]).toBe(expected);
      expect(result.order).toBe(order);
    });

    it('maps the transaction type to the document kind', () => {
      const result = compile([
        rule({ type: 'map_value', action: { kind: 'transaction_type', value: 'Sales Order' } }),
      ]).run(order);

      expect(result.documentKind).toBe('sales_order');
    });

    it('maps Summary Sales Order to a summary sales order', () => {
      const result = compile([
        rule({
          type: 'map_value',
          action: { kind: 'transaction_type', value: 'Summary Sales Order' },
        }),
      ]).run(order);

      expect(result.overrides?.transactionType).toBe('summary_sales_order');
      expect(result.documentKind).toBe('sales_order');
    });

    it('defaults the document kind to a sales receipt', () => {
      expect(compile([]).run(order).documentKind).toBe('sales_receipt');
    });

    it('rewrites the order number without changing the input', () => {
      const result = compile([
        rule({ type: 'map_value', action: { kind: 'order_number', value: 'AMZ-1001' } }),
      ]).run(order);

      expect(result.order.orderNumber).toBe('AMZ-1001');
      expect(order.orderNumber).toBe('#1001');
    });

    it('rewrites the order status, currency and billing company', () => {
      const result = compile([
        rule({ type: 'map_value', action: { kind: 'order_status', value: 'awaiting_payment' } }),
        rule({ type: 'map_value', action: { kind: 'currency', value: 'cad' } }),
        rule({ type: 'map_value', action: { kind: 'billing_company', value: 'Acme Ltd' } }),
      ]).run(order);

      expect(result.order.financialStatus).toBe('awaiting_payment');
      expect(result.order.currency).toBe('CAD');
      expect(result.order.billingAddress?.company).toBe('Acme Ltd');
    });

    it('copies the checked field when the value is blank', () => {
      const result = compile([
        rule({
          conditions: [condition({ field: 'reference_number', comparison: 'map_all' })],
          action: { kind: 'order_number' },
        }),
      ]).run(order);

      expect(result.order.orderNumber).toBe(order.channelOrderId);
    });

    it('copies a custom field to another field', () => {
      const result = compile([
        rule({ type: 'map_field', action: { kind: 'order_date', from: 'custom.ship_date' } }),
      ]).run(order);

      expect(result.overrides?.transactionDate).toBe('2022-01-03');
    });

    it('sets the PO number custom field', () => {
      const result = compile([
        rule({ type: 'map_value', action: { kind: 'po_number', value: 'PO-1' } }),
      ]).run(order);

      expect(result.order.customFields).toContainEqual({ name: 'PO_Number', value: 'PO-1' });
    });

    it('skips a copy from an empty field', () => {
      const result = compile([
        rule({ type: 'map_field', action: { kind: 'customer_name', from: 'customer_email' } }),
        rule({ type: 'map_value', action: { kind: 'customer_name', value: 'Fallback' } }),
      ]).run(order);

      expect(result.overrides?.customerName).toBe('Fallback');
    });

    it('excludes the order with do_not_import', () => {
      const result = compile([
        rule({
          name: 'Skip digital',
          conditions: [condition({ field: 'line.sku', comparison: 'contains', value: 'digital' })],
          action: { kind: 'do_not_import' },
        }),
      ]).run(order);

      expect(result.skippedBy?.name).toBe('Skip digital');
    });

    it('stops evaluating after an exclusion', () => {
      const result = compile([
        rule({ name: 'Skip all', type: 'map_value', action: { kind: 'do_not_import' } }),
        rule({ type: 'map_value', action: { kind: 'class', value: 'Late' } }),
      ]).run(order);

      expect(result.overrides).toBeUndefined();
      expect(result.appliedRules).toEqual(['Skip all']);
    });

    it('excludes the order with transaction type Do Not Sync', () => {
      const result = compile([
        rule({
          name: 'No sync',
          type: 'map_value',
          action: { kind: 'transaction_type', value: 'Do Not Sync' },
        }),
      ]).run(order);

      expect(result.skippedBy?.name).toBe('No sync');
    });
  });

  describe('line actions', () => {
    it.each([
      ['item', 'itemName'],
      ['line_class', 'className'],
      ['line_tax_code', 'taxCode'],
      ['unit_of_measure', 'unitOfMeasure'],
      ['inventory_site', 'inventorySite'],
      ['line_description', 'description'],
    ] as const)('%s sets the line override %s on matching lines only', (kind, key) => {
      const result = compile([
        rule({
          conditions: [condition({ field: 'line.sku', comparison: 'starts_with', value: 'hw-' })],
          action: { kind, value: 'V' },
        }),
      ]).run(order);

      expect(result.overrides?.lines).toEqual([{ lineId: 'b', [key]: 'V' }]);
    });

    it('rewrites the SKU of matching lines', () => {
      const result = compile([
        rule({
          conditions: [condition({ field: 'line.sku', comparison: 'equals', value: 'hw-2' })],
          action: { kind: 'sku', value: 'WIDGET' },
        }),
      ]).run(order);

      expect(result.order.lines.map((line) => line.sku)).toEqual(['AMZ-DIGITAL-1', 'WIDGET']);
    });

    it('multiplies quantity and divides the unit price', () => {
      const result = compile([
        rule({
          conditions: [condition({ field: 'line.sku', comparison: 'equals', value: 'hw-2' })],
          action: { kind: 'quantity_multiplier', value: '6' },
        }),
      ]).run(order);

      expect(result.order.lines[1]).toMatchObject({ quantity: 6, unitPrice: 100 });
    });

    it('fails the rule when the unit price does not divide evenly', () => {
      const set = compile([
        rule({
          name: 'Six pack',
          conditions: [
            condition({ field: 'line.sku', comparison: 'equals', value: 'amz-digital-1' }),
          ],
          action: { kind: 'quantity_multiplier', value: '7' },
        }),
      ]);

      expect(() => set.run(order)).toThrow(RuleRuntimeError);
      expect(() => set.run(order)).toThrow(/Rule "Six pack" failed: .*does not divide evenly by 7/);
    });

    it('names the rule for an unexpected error', () => {
      const set = compile([
        rule({
          name: 'Big orders',
          conditions: [condition({ field: 'total', comparison: 'greater_than', value: '100' })],
          action: { kind: 'class', value: 'Big' },
        }),
      ]);
      // An order that skipped validation, with a currency the money comparison cannot scale.
      const invalid = { ...order, currency: 'XXX' };

      expect(() => set.run(invalid)).toThrow(RuleRuntimeError);
      expect(() => set.run(invalid)).toThrow(
        /^Rule "Big orders" failed: unexpected error: Unknown currency code "XXX"/,
      );
    });

    it('applies an order condition to every line', () => {
      const result = compile([
        rule({
          conditions: [condition({ field: 'channel', comparison: 'equals', value: 'amazon' })],
          action: { kind: 'line_class', value: 'Amazon' },
        }),
      ]).run(order);

      expect(result.overrides?.lines).toHaveLength(2);
    });

    it('copies a line field per line', () => {
      const result = compile([
        rule({
          conditions: [condition({ field: 'line.sku', comparison: 'map_all' })],
          action: { kind: 'item' },
        }),
      ]).run(order);

      expect(result.overrides?.lines.map((line) => line.itemName)).toEqual([
        'AMZ-DIGITAL-1',
        'HW-2',
      ]);
    });
  });

  describe('evaluation order', () => {
    it('lets the first rule per target win', () => {
      const result = compile([
        rule({ name: 'first', type: 'map_value', action: { kind: 'class', value: 'One' } }),
        rule({ name: 'second', type: 'map_value', action: { kind: 'class', value: 'Two' } }),
      ]).run(order);

      expect(result.overrides?.className).toBe('One');
      expect(result.appliedRules).toEqual(['first']);
    });

    it('lets the first rule per line target win', () => {
      const result = compile([
        rule({
          conditions: [condition({ field: 'line.sku', comparison: 'equals', value: 'hw-2' })],
          action: { kind: 'item', value: 'Widget Item' },
        }),
        rule({ type: 'map_value', action: { kind: 'item', value: 'Other' } }),
      ]).run(order);

      expect(result.overrides?.lines).toEqual([
        { lineId: 'b', itemName: 'Widget Item' },
        { lineId: 'a', itemName: 'Other' },
      ]);
    });

    it('shows later conditions the rewritten order', () => {
      const result = compile([
        rule({ type: 'map_value', action: { kind: 'order_number', value: 'AMZ-9' } }),
        rule({
          conditions: [
            condition({ field: 'order_number', comparison: 'starts_with', value: 'amz-' }),
          ],
          action: { kind: 'class', value: 'Rewritten' },
        }),
      ]).run(order);

      expect(result.overrides?.className).toBe('Rewritten');
    });

    it('skips disabled rules', () => {
      const result = compile([
        rule({ enabled: false, type: 'map_value', action: { kind: 'class', value: 'Off' } }),
      ]).run(order);

      expect(result.overrides).toBeUndefined();
    });

    it('limits a rule to its connections', () => {
      const rules = [
        rule({
          type: 'map_value',
          scope: { connectionIds: ['other-connection'] },
          action: { kind: 'class', value: 'Scoped' },
        }),
      ];

      expect(compile(rules).run(order).overrides).toBeUndefined();
      expect(
        compile(rules).run({ ...order, connectionId: 'other-connection' }).overrides?.className,
      ).toBe('Scoped');
    });

    it('records the applied rules in order', () => {
      const result = compile([
        rule({ name: 'B', type: 'map_value', action: { kind: 'class', value: 'X' } }),
        rule({ name: 'A', type: 'map_value', action: { kind: 'memo', value: 'Y' } }),
      ]).run(order);

      expect(result.appliedRules).toEqual(['B', 'A']);
    });
  });

  describe('SKU index', () => {
    function mappingRules(count: number): Rule[] {
      return Array.from({ length: count }, (_, index) =>
        rule({
          name: `map ${index}`,
          type: 'map_product',
          conditions: [
            condition({ field: 'line.sku', comparison: 'equals', value: `SKU-${index}` }),
          ],
          action: { kind: 'item', value: `Item ${index}` },
        }),
      );
    }

    it('gives the same result as evaluating rule by rule', () => {
      const rules = [
        ...mappingRules(50),
        rule({
          conditions: [condition({ field: 'line.sku', comparison: 'equals', value: 'SKU-3' })],
          action: { kind: 'item', value: 'Shadowed' },
        }),
        rule({ type: 'map_value', action: { kind: 'item', value: 'Fallback' } }),
      ];
      const duplicate = rule({
        conditions: [condition({ field: 'line.sku', comparison: 'equals', value: 'sku-3' })],
        action: { kind: 'item', value: 'Later duplicate' },
      });
      const set = compile([...rules.slice(0, 10), duplicate, ...rules.slice(10)]);
      const mapped = buildOrder({
        lines: [
          buildLine({ lineId: '1', sku: 'SKU-3' }),
          buildLine({ lineId: '2', sku: 'sku-42' }),
          buildLine({ lineId: '3', sku: 'UNKNOWN' }),
        ],
      });
      const fast = set.run(mapped);
      const traced = set.explain(mapped).result;

      expect(fast.overrides?.lines).toEqual(traced.overrides?.lines);
      expect(fast.overrides?.lines).toEqual([
        { lineId: '1', itemName: 'Item 3' },
        { lineId: '2', itemName: 'Item 42' },
        { lineId: '3', itemName: 'Fallback' },
      ]);
      expect(fast.appliedRules).toEqual(traced.appliedRules);
    });
  });

  describe('explain', () => {
    it('reports each condition with the values it saw', () => {
      const { trace } = compile([
        rule({
          name: 'Amazon digital',
          conditions: [
            condition({ field: 'channel', comparison: 'equals', value: 'amazon' }),
            condition({ field: 'line.sku', comparison: 'contains', value: 'gift' }),
          ],
          action: { kind: 'class', value: 'X' },
        }),
      ]).explain(order);

      expect(trace[0]).toMatchObject({
        name: 'Amazon digital',
        matched: false,
        reason: 'conditions_false',
      });
      expect(trace[0]!.conditions.map((entry) => entry.result)).toEqual([true, false]);
      expect(trace[0]!.conditions[1]!.actual).toEqual(['AMZ-DIGITAL-1', 'HW-2']);
    });

    it('reports changes with before and after', () => {
      const { trace } = compile([
        rule({ type: 'map_value', action: { kind: 'order_number', value: 'N-1' } }),
      ]).explain(order);

      expect(trace[0]!.changes).toEqual([
        { target: 'order.orderNumber', before: '#1001', after: 'N-1' },
      ]);
    });

    it('reports a rule skipped because its target is set', () => {
      const { trace } = compile([
        rule({ type: 'map_value', action: { kind: 'class', value: 'A' } }),
        rule({ type: 'map_value', action: { kind: 'class', value: 'B' } }),
      ]).explain(order);

      expect(trace[1]!.reason).toBe('target_already_set');
    });
  });

  describe('runForRefund', () => {
    it('applies only actions that make sense for a refund', () => {
      const result = compile([
        rule({ type: 'map_value', action: { kind: 'do_not_import' } }),
        rule({ type: 'map_value', action: { kind: 'transaction_type', value: 'Invoice' } }),
        rule({ type: 'map_value', action: { kind: 'deposit_account', value: 'Refunds' } }),
      ]).runForRefund(order);

      expect(result.skippedBy).toBeUndefined();
      expect(result.overrides).toEqual({ depositAccount: 'Refunds', lines: [] });
    });
  });
});
