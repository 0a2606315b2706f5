import { type Order, type OrderReady } from '@qbsync/contracts';
import { buildLine, buildOrder, buildShippingLine } from '@qbsync/testing/dist/orders';

import { validateQbxml } from '../../test/qbxml-schema';
import { DEFAULT_QBD_SETTINGS, type QbdSettings } from '../posting/qbd-settings';
import { buildSummaryEntries, summaryEntryId } from './summary-entries';
import { type SummaryBatchDocument, type SummaryDocumentType } from './summary-order.repository';

function ready(order: Partial<Order>): OrderReady {
  return {
    order: buildOrder(order),
    target: 'qbd',
    documentKind: 'sales_receipt',
    ruleSetVersion: 1,
    appliedRules: [],
  };
}

function batch(documentType: SummaryDocumentType, sequence = 0): SummaryBatchDocument {
  return {
    _id: `account-1|connection-1|${documentType}|store|2025-07-02|${sequence}`,
    accountId: 'account-1',
    connectionId: 'connection-1',
    channel: 'shopify',
    groupKey: `${documentType}|store`,
    documentType,
    day: '2025-07-02',
    sequence,
    createdAt: new Date(),
  };
}

/** Three orders of one day: two sell the mug with tax, one of them with shipping. */
const orders: OrderReady[] = [
  ready({
    channelOrderId: '1',
    orderNumber: '#1',
    lines: [
      buildLine({
        lineId: 'a',
        sku: 'MUG',
        name: 'Mug',
        unitPrice: 1250,
        quantity: 2,
        taxes: [{ name: 'State Tax', rate: '0.06', amount: 150 }],
      }),
    ],
    taxLines: [{ name: 'State Tax', rate: '0.06', amount: 150 }],
    totals: { subtotal: 2500, discounts: 0, shipping: 0, tax: 150, total: 2650 },
  }),
  ready({
    channelOrderId: '2',
    orderNumber: '#2',
    lines: [
      buildLine({
        lineId: 'b',
        sku: 'MUG',
        name: 'Mug',
        unitPrice: 1250,
        quantity: 1,
        taxes: [{ name: 'State Tax', rate: '0.06', amount: 75 }],
      }),
    ],
    shippingLines: [buildShippingLine({ price: 500 })],
    taxLines: [{ name: 'State Tax', rate: '0.06', amount: 75 }],
    totals: { subtotal: 1250, discounts: 0, shipping: 500, tax: 75, total: 1825 },
  }),
  ready({
    channelOrderId: '3',
    orderNumber: '#3',
    lines: [buildLine({ lineId: 'c', sku: 'CAP', name: 'Cap', unitPrice: 999, quantity: 3 })],
    totals: { subtotal: 2997, discounts: 0, shipping: 0, tax: 0, total: 2997 },
  }),
];

function build(
  documentType: SummaryDocumentType,
  settings: Partial<QbdSettings> = {},
  sequence = 0,
  input = orders,
) {
  return buildSummaryEntries(
    batch(documentType, sequence),
    input,
    { ...DEFAULT_QBD_SETTINGS, ...settings },
    { items: new Map([['mug', 'MUG']]) },
    'USD',
  );
}

describe('buildSummaryEntries', () => {
  it('sums lines by item with tax and shipping', () => {
    const result = build('SalesReceipt');

    expect(result.outcome).toBe('queued');
    if (result.outcome !== 'queued') {
      return;
    }

    const receipt = result.entries.at(-1)!;

    expect(receipt.requestName).toBe('SalesReceiptAdd');
    expect(receipt.body).toContain('<RefNumber>S250702</RefNumber>');
    expect(receipt.body).toContain('<TxnDate>2025-07-02</TxnDate>');
    expect(receipt.body).toMatch(
      /<FullName>MUG<\/FullName><\/ItemRef><Desc>Mug<\/Desc><Quantity>3<\/Quantity><Rate>12.50<\/Rate>.*<Amount>37.50<\/Amount>/,
    );
    expect(receipt.body).toMatch(
      /<FullName>CAP<\/FullName>.*<Quantity>3<\/Quantity>.*<Amount>29.97<\/Amount>/,
    );
    expect(receipt.body).toMatch(/<FullName>Shipping<\/FullName>.*<Amount>5.00<\/Amount>/);
    expect(receipt.body).toMatch(/<FullName>Sales Tax<\/FullName>.*<Amount>2.25<\/Amount>/);
    expect(receipt.body).toContain('<FullName>Online Sales Summary</FullName>');
    expect(receipt.body).toContain('#1 (1), #2 (2), #3 (3)');
    expect(result.total).toBe(2650 + 1825 + 2997);
  });

  it('totals the sum of its orders to the cent', () => {
    const result = build('SalesReceipt');

    expect(result.outcome).toBe('queued');
    if (result.outcome !== 'queued') {
      return;
    }

    const receipt = result.entries.at(-1)!;
    const amounts = [...receipt.body.matchAll(/<Amount>(-?[\d.]+)<\/Amount>/g)].map((match) =>
      Math.round(Number(match[1]) * 100),
    );

    expect(amounts.reduce((sum, amount) => sum + amount, 0)).toBe(7472);
    expect(receipt.origin?.channelTotal).toBe(7472);
  });

  it('queues the summary customer and new items first', () => {
    const result = build('SalesReceipt');

    expect(result.outcome).toBe('queued');
    if (result.outcome !== 'queued') {
      return;
    }

    expect(result.entries.map((entry) => entry.requestName)).toEqual([
      'CustomerAdd',
      'ItemNonInventoryAdd',
      'ItemServiceAdd',
      'ItemServiceAdd',
      'SalesReceiptAdd',
    ]);
    expect(result.entries.at(-1)?.dependsOn).toEqual(
      result.entries.slice(0, -1).map((entry) => entry._id),
    );
  });

  it.each([['SalesReceipt'], ['Invoice'], ['SalesOrder']] as const)(
    '%s summary validates against the schema',
    (documentType) => {
      const result = build(documentType, { defaultClass: 'Web' });

      expect(result.outcome).toBe('queued');
      if (result.outcome !== 'queued') {
        return;
      }

      expect(result.entries.at(-1)?.requestName).toBe(`${documentType}Add`);
      expect(() => validateQbxml(result.entries)).not.toThrow();
    },
  );

  it('keys the entry by store, group, day and sequence', () => {
    const first = build('SalesReceipt');
    const again = build('SalesReceipt');

    expect(first.outcome).toBe('queued');
    expect(again.outcome).toBe('queued');
    if (first.outcome !== 'queued' || again.outcome !== 'queued') {
      return;
    }

    expect(first.transactionId).toBe(summaryEntryId(batch('SalesReceipt')));
    expect(again.transactionId).toBe(first.transactionId);
  });

  it('numbers an adjustment summary with a suffix', () => {
    const result = build('SalesReceipt', {}, 1, [orders[2]!]);

    expect(result.outcome).toBe('queued');
    if (result.outcome !== 'queued') {
      return;
    }

    expect(result.refNumber).toBe('S250702-1');
    expect(result.transactionId).toMatch(/\|1$/);
    expect(result.total).toBe(2997);
  });

  it('lets QuickBooks number a summary too long for RefNumber', () => {
    const result = build('SalesReceipt', { docNumberPrefix: 'SHOP-' }, 1);

    expect(result.outcome).toBe('queued');
    if (result.outcome !== 'queued') {
      return;
    }

    expect(result.refNumber).toBeUndefined();
    expect(result.entries.at(-1)?.body).not.toContain('<RefNumber>');
    expect(result.notes.join(' ')).toContain('QuickBooks numbered it');
  });

  it('reads its item lines for the COGS entry', () => {
    const result = build('Invoice', { defaultClass: 'Web' });

    expect(result.outcome).toBe('queued');
    if (result.outcome !== 'queued') {
      return;
    }

    expect(result.sale?.transactionId).toBe(result.transactionId);
    expect(result.sale?.customerName).toBe('Online Sales Summary');
    expect(result.sale?.className).toBe('Web');
    expect(result.sale?.lines).toEqual([
      { itemName: 'MUG', quantity: 3 },
      { itemName: 'CAP', quantity: 3 },
    ]);
  });

  it('gives a sales order no COGS entry', () => {
    const result = build('SalesOrder');

    expect(result.outcome).toBe('queued');
    if (result.outcome !== 'queued') {
      return;
    }

    expect(result.sale).toBeUndefined();
  });

  it('rejects orders in two currencies', () => {
    const result = build('Invoice', {}, 0, [
      orders[0]!,
      ready({ ...orders[1]!.order, currency: 'EUR', presentmentCurrency: 'EUR' }),
    ]);

    expect(result.outcome).toBe('rejected');
    if (result.outcome !== 'rejected') {
      return;
    }

    expect(result.message).toContain('one currency');
  });
});
