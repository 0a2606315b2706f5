import { validateQbxml } from '../../test/qbxml-schema';
import { DEFAULT_QBD_SETTINGS, type QbdSettings } from '../posting/qbd-settings';
import {
  buildCogsEntry,
  buildCogsReversal,
  type CogsItemFacts,
  type CogsSource,
  cogsEntryId,
} from './cogs-entries';

const settings: QbdSettings = { ...DEFAULT_QBD_SETTINGS, cogsJournalEntries: true };

function source(
  lines: CogsSource['lines'],
  transactionId = 'account-1|shopify|1001|sales_receipt',
) {
  return {
    accountId: 'account-1',
    transactionId,
    txnDate: '2025-07-02',
    refNumber: '1001',
    memo: 'shopify order 1001 (#1001)',
    customerName: 'Jane Doe',
    className: 'Web',
    currency: 'USD',
    origin: {
      entity: 'order' as const,
      channel: 'shopify',
      channelOrderId: '1001',
      orderNumber: '#1001',
      connectionId: 'connection-1',
      currency: 'USD',
      channelTotal: 5000,
      notes: ['an address was cut'],
    },
    lines,
  };
}

const items = new Map<string, CogsItemFacts>([
  ['mug', { itemType: 'ItemNonInventory', purchaseCost: '4.10' }],
  ['setup', { itemType: 'ItemService', purchaseCost: '12.00' }],
  ['widget', { itemType: 'ItemInventory', purchaseCost: '3.00' }],
  ['cap', { itemType: 'ItemNonInventory' }],
]);

/** Sums the amounts of one side's lines in cents. */
function sideTotal(body: string, side: 'Debit' | 'Credit'): number {
  const pattern = new RegExp(`<Journal${side}Line>.*?<Amount>([\\d.]+)</Amount>`, 'g');

  return [...body.matchAll(pattern)].reduce(
    (sum, match) => sum + Math.round(Number(match[1]) * 100),
    0,
  );
}

describe('buildCogsEntry', () => {
  it('books quantity times unit cost for costed lines', () => {
    const result = buildCogsEntry(
      source([
        { itemName: 'MUG', quantity: 3 },
        { itemName: 'Setup', quantity: 1, className: 'Services' },
      ]),
      items,
      settings,
    );
    const body = result.entry!.body;

    expect(sideTotal(body, 'Debit')).toBe(1230 + 1200);
    expect(sideTotal(body, 'Credit')).toBe(1230 + 1200);
    expect(body).toMatch(
      /<JournalDebitLine><AccountRef><FullName>Cost of Goods Sold<\/FullName><\/AccountRef><Amount>12.30<\/Amount>/,
    );
    expect(body).toMatch(
      /<JournalCreditLine><AccountRef><FullName>Inventory Asset<\/FullName><\/AccountRef><Amount>12.30<\/Amount>/,
    );
    expect(body).toContain('<EntityRef><FullName>Jane Doe</FullName></EntityRef>');
    expect(body).toContain('<ClassRef><FullName>Web</FullName></ClassRef>');
    expect(body).toContain('<ClassRef><FullName>Services</FullName></ClassRef>');
    expect(result.warnings).toEqual([]);
  });

  it('depends on its sale and posts once per sale', () => {
    const sale = source([{ itemName: 'MUG', quantity: 1 }]);
    const result = buildCogsEntry(sale, items, settings);

    expect(result.entry?._id).toBe(cogsEntryId(sale.transactionId));
    expect(result.entry?.dependsOn).toEqual([sale.transactionId]);
    expect(result.entry?.kind).toBe('journal');
    expect(result.entry?.lookup?.memoStamp).toBe('COGS of shopify order 1001 (#1001)');
    expect(result.entry?.origin?.notes).toEqual([]);
  });

  it('leaves out inventory items without a warning', () => {
    const result = buildCogsEntry(source([{ itemName: 'Widget', quantity: 2 }]), items, settings);

    expect(result.entry).toBeUndefined();
    expect(result.warnings).toEqual([]);
  });

  it('warns about lines without a cost', () => {
    const result = buildCogsEntry(
      source([
        { itemName: 'MUG', quantity: 1 },
        { itemName: 'Cap', quantity: 1 },
        { itemName: 'New Item', quantity: 1 },
      ]),
      items,
      settings,
    );

    expect(sideTotal(result.entry!.body, 'Debit')).toBe(410);
    expect(result.warnings).toHaveLength(2);
    expect(result.warnings[0]).toContain('item Cap has no purchase cost');
    expect(result.warnings[1]).toContain('item New Item has no purchase cost');
  });

  it('uses the accounts from the settings', () => {
    const result = buildCogsEntry(source([{ itemName: 'MUG', quantity: 1 }]), items, {
      ...settings,
      cogsAccount: 'COGS:Online',
      assetAccount: 'Stock',
    });

    expect(result.entry?.body).toContain('<FullName>COGS:Online</FullName>');
    expect(result.entry?.body).toContain('<FullName>Stock</FullName>');
    expect(result.entry?.references.map((reference) => reference.name)).toEqual([
      'COGS:Online',
      'Stock',
      'Web',
    ]);
  });

  it('validates against the schema', () => {
    const result = buildCogsEntry(
      source([
        { itemName: 'MUG', quantity: 3 },
        { itemName: 'Setup', quantity: 1 },
      ]),
      items,
      settings,
    );

    expect(() => validateQbxml([result.entry!])).not.toThrow();
  });
});

describe('buildCogsReversal', () => {
  const refund = (lines: CogsSource['lines']) =>
    source(lines, 'account-1|shopify|1001|refund|r-1|credit_memo');

  it('reverses the restocked share at the sale cost', () => {
    const result = buildCogsReversal(
      refund([{ itemName: 'MUG', quantity: 1 }]),
      [{ itemName: 'Tools:MUG', quantity: 3, unitCost: '4.10' }],
      settings,
    );
    const body = result.entry!.body;

    expect(body).toMatch(
      /<JournalDebitLine><AccountRef><FullName>Inventory Asset<\/FullName><\/AccountRef><Amount>4.10<\/Amount>/,
    );
    expect(body).toMatch(
      /<JournalCreditLine><AccountRef><FullName>Cost of Goods Sold<\/FullName><\/AccountRef><Amount>4.10<\/Amount>/,
    );
    expect(result.entry?.documentKind).toBe('cogs_reversal');
    expect(() => validateQbxml([result.entry!])).not.toThrow();
  });

  it('reverses no more than the sale booked', () => {
    const result = buildCogsReversal(
      refund([{ itemName: 'MUG', quantity: 5 }]),
      [{ itemName: 'MUG', quantity: 2, unitCost: '4.10' }],
      settings,
    );

    expect(sideTotal(result.entry!.body, 'Debit')).toBe(820);
    expect(result.lines).toEqual([{ itemName: 'MUG', quantity: 2, unitCost: '4.10' }]);
  });

  it('books nothing for items the sale did not cost', () => {
    const result = buildCogsReversal(
      refund([{ itemName: 'Cap', quantity: 1 }]),
      [{ itemName: 'MUG', quantity: 2, unitCost: '4.10' }],
      settings,
    );

    expect(result.entry).toBeUndefined();
  });
});
