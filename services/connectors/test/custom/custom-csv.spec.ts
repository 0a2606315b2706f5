import { checkOrderTotals } from '@qbsync/accounting';
import { type Order } from '@qbsync/contracts';

import { parseCustomOrdersCsv } from '../../src/custom/custom-csv';
import { normaliseCustomOrder } from '../../src/custom/custom-order.normaliser';

const context = {
  accountId: 'account-1',
  connectionId: 'connection-1',
  receivedAt: '2026-07-01T12:00:00Z',
  sourceKind: 'upload' as const,
};
const HEADER =
  'OrderNumber,CreationDate,CurrencyCode,Total,TotalTax,ShippingExclTax,Lines.Sku,Lines.Name,Lines.Quantity,Lines.PriceExclTax,Lines.PriceInclTax';

function csv(...rows: string[]): string {
  return [HEADER, ...rows].join('\n');
}

describe('parseCustomOrdersCsv', () => {
  it('groups rows into orders', () => {
    const result = parseCustomOrdersCsv(
      csv(
        'A-1,2026-07-01T10:00:00Z,USD,47.40,2.40,5.00,MUG-1,Mug,2,20.00,21.20',
        'A-2,2026-07-01T11:00:00Z,USD,25.00,0,5.00,CAP-1,Cap,1,10.00,10.00',
        'A-2,2026-07-01T11:00:00Z,USD,25.00,0,5.00,PIN-1,Pin,2,5.00,5.00',
      ),
      context,
    );

    expect(result.errors).toEqual([]);
    expect(
      result.events.map((event) => (event.kind === 'order' ? event.order.lines.length : 0)),
    ).toEqual([1, 2]);
  });

  it('produces balanced orders', () => {
    const result = parseCustomOrdersCsv(
      csv('A-1,2026-07-01T10:00:00Z,USD,47.40,2.40,5.00,MUG-1,Mug,2,20.00,21.20'),
      context,
    );
    const order = (result.events[0] as { order: Order }).order;

    expect(checkOrderTotals(order)).toEqual([]);
  });

  it('names an unknown column', () => {
    const result = parseCustomOrdersCsv(
      `${HEADER},Colour\nA-1,2026-07-01T10:00:00Z,USD,1,0,0,S,N,1,1,1,red`,
      context,
    );

    expect(result.errors).toEqual([expect.objectContaining({ row: 1, column: 'Colour' })]);
  });

  it('names a missing required column', () => {
    const result = parseCustomOrdersCsv(
      'OrderNumber,CreationDate\nA-1,2026-07-01T10:00:00Z',
      context,
    );

    expect(result.errors.map((error) => error.column)).toEqual(
      expect.arrayContaining(['CurrencyCode', 'Total', 'Lines.Sku', 'Lines.Quantity']),
    );
  });

  it('names the row of a zero quantity', () => {
    const result = parseCustomOrdersCsv(
      csv(
        'A-1,2026-07-01T10:00:00Z,USD,47.40,2.40,5.00,MUG-1,Mug,2,20.00,21.20',
        'A-2,2026-07-01T11:00:00Z,USD,25.00,0,5.00,CAP-1,Cap,0,10.00,10.00',
      ),
      context,
    );

    expect(result.errors).toEqual([expect.objectContaining({ row: 3, column: 'Lines.Quantity' })]);
  });

  it('names a missing SKU', () => {
    const result = parseCustomOrdersCsv(
      csv('A-1,2026-07-01T10:00:00Z,USD,20.00,0,0,,Mug,1,20.00,20.00'),
      context,
    );

    expect(result.errors).toEqual([expect.objectContaining({ row: 2, column: 'Lines.Sku' })]);
  });

  it('names an unknown currency', () => {
    const result = parseCustomOrdersCsv(
      csv('A-1,2026-07-01T10:00:00Z,ABC,20.00,0,0,MUG-1,Mug,1,20.00,20.00'),
      context,
    );

    expect(result.errors).toEqual([expect.objectContaining({ row: 2, column: 'CurrencyCode' })]);
  });

  it('names order values that differ between rows', () => {
    const result = parseCustomOrdersCsv(
      csv(
        'A-2,2026-07-01T11:00:00Z,USD,25.00,0,5.00,CAP-1,Cap,1,10.00,10.00',
        'A-2,2026-07-01T11:00:00Z,USD,26.00,0,5.00,PIN-1,Pin,2,5.00,5.00',
      ),
      context,
    );

    expect(result.errors).toContainEqual(expect.objectContaining({ row: 3, column: 'Total' }));
  });

  it('names a total its lines do not reach', () => {
    const result = parseCustomOrdersCsv(
      csv('A-1,2026-07-01T10:00:00Z,USD,50.00,2.40,5.00,MUG-1,Mug,2,20.00,21.20'),
      context,
    );

    expect(result.errors).toEqual([expect.objectContaining({ row: 2, column: 'Total' })]);
  });

  it('queues nothing when a row fails', () => {
    const result = parseCustomOrdersCsv(
      csv(
        'A-1,2026-07-01T10:00:00Z,USD,47.40,2.40,5.00,MUG-1,Mug,2,20.00,21.20',
        'A-2,2026-07-01T11:00:00Z,USD,25.00,0,5.00,CAP-1,Cap,0,10.00,10.00',
      ),
      context,
    );

    expect(result.events).toEqual([]);
  });

  it('reports a broken quote', () => {
    const result = parseCustomOrdersCsv(`${HEADER}\n"A-1,2026`, context);

    expect(result.errors[0].column).toBe('(file)');
  });
});

describe('normaliseCustomOrder', () => {
  const order = {
    OrderNumber: 'T-1',
    CreationDate: '2026-07-01T10:00:00Z',
    CurrencyCode: 'EUR',
    IsTaxInclusive: true,
    Total: '26.20',
    TotalTax: '4.20',
    ShippingInclTax: '5.00',
    Lines: [
      { Sku: 'MUG-1', Name: 'Mug', Quantity: 1, PriceExclTax: '17.64', PriceInclTax: '21.20' },
    ],
  };

  it('reads prices with tax for a tax-inclusive order', () => {
    const normalised = normaliseCustomOrder(order, context);

    expect(normalised.lines[0].unitPrice).toBe(2120);
    expect(checkOrderTotals(normalised)).toEqual([]);
  });

  it('marks a line taxable when its price with tax is higher', () => {
    expect(normaliseCustomOrder(order, context).lines[0].taxable).toBe(true);
  });

  it('rejects a negative amount', () => {
    expect(() => normaliseCustomOrder({ ...order, ShippingInclTax: '-1.00' }, context)).toThrow(
      /ShippingInclTax/,
    );
  });
});
