import { buildLine, buildOrder, buildShippingLine } from '@qbsync/testing/dist/orders';

import { previewDocument } from './document-preview';

describe(previewDocument.name, () => {
  const order = buildOrder({
    orderNumber: '#42',
    lines: [buildLine({ lineId: 'a', sku: 'SKU-A', unitPrice: 1000 })],
    shippingLines: [buildShippingLine({ price: 500 })],
    totals: { subtotal: 1000, discounts: 0, shipping: 500, tax: 0, total: 1500 },
  });

  it('applies item, shipping item and date overrides', () => {
    const document = previewDocument(order, 'invoice', {
      transactionDate: '2025-08-01',
      shippingItem: 'Freight',
      lines: [{ lineId: 'a', itemName: 'Widget', className: 'Retail' }],
    });

    expect(document).toMatchObject({
      documentKind: 'invoice',
      docNumber: '42',
      txnDate: '2025-08-01',
      total: 1500,
      channelTotal: 1500,
      preflightErrors: [],
    });
    expect(document.lines).toEqual([
      { kind: 'item', itemName: 'Widget', quantity: 1, amount: 1000, className: 'Retail' },
      { kind: 'shipping', itemName: 'Freight', amount: 500 },
    ]);
  });

  it('uses the SKU as item without overrides', () => {
    expect(previewDocument(order, 'sales_receipt', undefined).lines[0]?.itemName).toBe('SKU-A');
  });

  it('reports totals that do not add up', () => {
    const broken = { ...order, totals: { ...order.totals, total: 9999 } };
    const document = previewDocument(broken, 'sales_receipt', undefined);

    expect(document.preflightErrors.length).toBeGreaterThan(0);
    expect(document.preflightErrors[0]).toMatch(/totals.total is 99.99 USD/);
  });
});
