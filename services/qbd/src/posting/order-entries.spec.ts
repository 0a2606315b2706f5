import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { type OrderReady } from '@qbsync/contracts';
import { fixturePath } from '@qbsync/testing';
import {
  buildLine,
  buildOrder,
  buildPayment,
  buildSampleShopifyOrder,
} from '@qbsync/testing/dist/orders';

import { messageSet, wrapRequest } from '../qbxml/qbxml-requests';
import { buildOrderEntries, type OrderListFacts } from './order-entries';
import { DEFAULT_QBD_SETTINGS, type QbdSettings } from './qbd-settings';

const noFacts: OrderListFacts = { items: new Map() };

function ready(overrides: Partial<OrderReady> = {}): OrderReady {
  return {
    order: buildSampleShopifyOrder(),
    target: 'qbd',
    documentKind: 'sales_receipt',
    ruleSetVersion: 3,
    appliedRules: [],
    ...overrides,
  };
}

function build(input: OrderReady, settings: Partial<QbdSettings> = {}, facts = noFacts) {
  return buildOrderEntries(input, { ...DEFAULT_QBD_SETTINGS, ...settings }, 'USD', facts);
}

describe('buildOrderEntries', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'order-entries-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function validate(bodies: Array<{ requestName: string; body: string }>): void {
    const file = path.join(dir, `${Math.random()}.xml`);
    const xml = messageSet(
      bodies.map((entry, index) =>
        wrapRequest(
          entry.requestName,
          String(index),
          entry.body.replace(/\{\{TxnID:[^}]+\}\}/g, '1-1'),
        ),
      ),
      '13.0',
    );

    writeFileSync(file, xml);
    execFileSync(
      'xmllint',
      ['--noout', '--schema', fixturePath('qbxml/schemas/qbxmlops130.xsd'), file],
      {
        stdio: 'pipe',
      },
    );
  }

  it('queues the customer and items before the sales receipt', () => {
    const result = build(ready());

    expect(result.outcome).toBe('queued');
    if (result.outcome !== 'queued') {
      return;
    }

    expect(result.entries.map((entry) => entry.requestName)).toEqual([
      'CustomerAdd',
      'ItemNonInventoryAdd',
      'ItemNonInventoryAdd',
      'ItemNonInventoryAdd',
      'ItemServiceAdd',
      'ItemServiceAdd',
      'SalesReceiptAdd',
    ]);
    const receipt = result.entries.at(-1)!;

    expect(receipt.dependsOn).toEqual(result.entries.slice(0, -1).map((entry) => entry._id));
    expect(receipt.seq).toBeGreaterThan(result.entries[0]!.seq);
    validate(result.entries);
  });

  it('posts the channel tax as one line', () => {
    const result = build(ready());

    if (result.outcome !== 'queued') {
      throw new Error(result.outcome);
    }

    const body = result.entries.at(-1)!.body;

    expect(body).toContain('<ItemRef><FullName>Sales Tax</FullName></ItemRef>');
    expect(body).toContain('<Amount>11.94</Amount>');
    expect(body).toContain('<Amount>-10.00</Amount>');
    expect(body).toContain('<RefNumber>1001</RefNumber>');
    expect(body).not.toContain('<ItemSalesTaxRef>');
  });

  it('looks up a lost receipt by its whole memo stamp', () => {
    const result = build(ready());

    if (result.outcome !== 'queued') {
      throw new Error(result.outcome);
    }

    expect(result.entries.at(-1)!.lookup).toEqual({
      txnType: 'SalesReceipt',
      refNumber: '1001',
      txnDate: '2008-01-10',
      memoStamp: 'shopify order 450789469 (#1001)',
    });
  });

  it('uses tax codes and the tax item in tax code mode', () => {
    const result = build(ready(), { taxMode: 'tax_codes', itemSalesTax: 'State Tax' });

    if (result.outcome !== 'queued') {
      throw new Error(result.outcome);
    }

    const body = result.entries.at(-1)!.body;

    expect(body).toContain('<ItemSalesTaxRef><FullName>State Tax</FullName></ItemSalesTaxRef>');
    expect(body).toContain('<SalesTaxCodeRef><FullName>Tax</FullName></SalesTaxCodeRef>');
    expect(body).not.toContain('<FullName>Sales Tax</FullName>');
    validate(result.entries);
  });

  it('lets QuickBooks number an order number over 11 characters', () => {
    const result = build(ready({ order: buildOrder({ orderNumber: '#123456789012' }) }));

    if (result.outcome !== 'queued') {
      throw new Error(result.outcome);
    }

    expect(result.entries.at(-1)!.body).not.toContain('<RefNumber>');
    expect(result.notes.join(' ')).toContain('QuickBooks numbered the document');
  });

  it('skips customers and items the list copy has', () => {
    const facts: OrderListFacts = {
      customer: { listId: '80000001-1', editSequence: '1' },
      items: new Map([
        ['ipod2008green', 'IPOD2008GREEN'],
        ['ipod2008red', 'IPOD2008RED'],
        ['ipod2008black', 'IPOD2008BLACK'],
        ['shipping', 'Shipping'],
        ['discount', 'Discount'],
        ['sales tax', 'Sales Tax'],
      ]),
    };
    const result = build(ready(), {}, facts);

    if (result.outcome !== 'queued') {
      throw new Error(result.outcome);
    }

    expect(result.entries.map((entry) => entry.requestName)).toEqual(['SalesReceiptAdd']);
  });

  it('updates a known customer with its EditSequence placeholder', () => {
    const result = build(
      ready(),
      { updateCustomerContact: true },
      { ...noFacts, customer: { listId: '80000001-1', editSequence: '7' } },
    );

    if (result.outcome !== 'queued') {
      throw new Error(result.outcome);
    }

    expect(result.entries[0]!.requestName).toBe('CustomerMod');
    expect(result.entries[0]!.body).toContain(
      '<ListID>80000001-1</ListID><EditSequence>{{EditSequence}}</EditSequence>',
    );
  });

  it('chains an invoice, its payment and the TxnID placeholder', () => {
    const order = buildOrder({ payments: [buildPayment({ amount: 1000, transactionId: 'ch_1' })] });
    const result = build(
      ready({
        order,
        documentKind: 'invoice',
        overrides: { transactionType: 'invoice_with_payment', lines: [] },
      }),
    );

    if (result.outcome !== 'queued') {
      throw new Error(result.outcome);
    }

    const invoice = result.entries.find((entry) => entry.requestName === 'InvoiceAdd')!;
    const payment = result.entries.find((entry) => entry.requestName === 'ReceivePaymentAdd')!;

    expect(payment.dependsOn).toEqual([invoice._id]);
    expect(payment.body).toContain(`<TxnID>{{TxnID:${invoice._id}}}</TxnID>`);
    expect(payment.body).toContain('<PaymentAmount>10.00</PaymentAmount>');
    validate(result.entries);
  });

  it('links the invoice to its sales order', () => {
    const order = buildOrder({ payments: [buildPayment({ amount: 1000 })] });
    const result = build(
      ready({
        order,
        documentKind: 'sales_order',
        overrides: { transactionType: 'sales_order_invoice_payment', lines: [] },
      }),
    );

    if (result.outcome !== 'queued') {
      throw new Error(result.outcome);
    }

    const names = result.entries.map((entry) => entry.requestName);

    expect(names.slice(-3)).toEqual(['SalesOrderAdd', 'InvoiceAdd', 'ReceivePaymentAdd']);
    expect(result.entries.at(-2)!.body).toContain('<LinkToTxnID>{{TxnID:');
    validate(result.entries);
  });

  it('posts a foreign-currency order to a currency customer', () => {
    const order = buildOrder({
      currency: 'EUR',
      presentmentCurrency: 'EUR',
      exchangeRate: '1.0845',
      customer: { firstName: 'Anna', lastName: 'Schmidt' },
    });
    const result = build(ready({ order }), {}, { ...noFacts, currencyName: 'Euro' });

    if (result.outcome !== 'queued') {
      throw new Error(result.outcome);
    }

    expect(result.entries[0]!.body).toContain('<Name>Anna Schmidt EUR</Name>');
    expect(result.entries[0]!.body).toContain(
      '<CurrencyRef><FullName>Euro</FullName></CurrencyRef>',
    );
    expect(result.entries.at(-1)!.body).toContain('<ExchangeRate>1.0845</ExchangeRate>');
  });

  it('rejects an unknown SKU when the missing product action fails', () => {
    const result = build(ready({ order: buildOrder({ lines: [buildLine({ sku: 'NEW-SKU' })] }) }), {
      missingItemAction: 'fail',
    });

    expect(result.outcome).toBe('rejected');
    expect(result.outcome === 'rejected' ? result.fix : '').toContain('Map SKU');
  });

  it('rejects an order that does not balance', () => {
    const order = buildOrder({
      totals: { subtotal: 1000, discounts: 0, shipping: 0, tax: 0, total: 5000 },
    });

    expect(build(ready({ order })).outcome).toBe('rejected');
  });

  it('skips an order a rule marked do not sync', () => {
    expect(build(ready({ overrides: { transactionType: 'do_not_sync', lines: [] } })).outcome).toBe(
      'skipped',
    );
  });

  it('applies line overrides from the rules', () => {
    const order = buildOrder({ lines: [buildLine({ lineId: 'l1' })] });
    const result = build(
      ready({
        order,
        overrides: {
          className: 'Web',
          salesRep: 'WEB',
          priceLevel: 'Wholesale',
          lines: [
            {
              lineId: 'l1',
              itemName: 'Tools:Hammer',
              className: 'Retail',
              inventorySite: 'B30',
              unitOfMeasure: 'each',
            },
          ],
        },
      }),
    );

    if (result.outcome !== 'queued') {
      throw new Error(result.outcome);
    }

    const receipt = result.entries.at(-1)!;

    expect(receipt.body).toContain('<ItemRef><FullName>Tools:Hammer</FullName></ItemRef>');
    expect(receipt.body).toContain('<PriceLevelRef><FullName>Wholesale</FullName></PriceLevelRef>');
    expect(receipt.body).toContain('<InventorySiteRef><FullName>B30</FullName></InventorySiteRef>');
    expect(receipt.features.sort()).toEqual(['inventorySites', 'unitsOfMeasure']);
    expect(
      receipt.references.map((reference) => `${reference.listType}:${reference.name}`),
    ).toEqual(
      expect.arrayContaining([
        'Item:Tools:Hammer',
        'InventorySite:B30',
        'Class:Web',
        'SalesRep:WEB',
        'PriceLevel:Wholesale',
      ]),
    );
    validate(result.entries);
  });
});
