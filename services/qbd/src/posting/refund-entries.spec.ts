import { type RefundReady } from '@qbsync/contracts';
import { buildPayment, buildRefund, buildRefundLine } from '@qbsync/testing/dist/orders';

import { validateQbxml } from '../../test/qbxml-schema';
import { DEFAULT_QBD_SETTINGS, type QbdSettings } from './qbd-settings';
import { buildRefundEntries, type RefundOriginal } from './refund-entries';

function ready(refund = buildRefund()): RefundReady {
  return { refund, target: 'qbd', ruleSetVersion: 1, appliedRules: [] };
}

function build(
  input: RefundReady,
  original: RefundOriginal | undefined,
  settings: Partial<QbdSettings> = {},
) {
  return buildRefundEntries(
    input,
    original,
    0,
    { ...DEFAULT_QBD_SETTINGS, ...settings },
    new Map([['sku-1', 'SKU-1']]),
  );
}

const original: RefundOriginal = {
  entryId: 'account-1|shopify|1000|sales_receipt',
  customerName: 'Jane Doe',
  documentKind: 'sales_receipt',
  paid: true,
};

describe('buildRefundEntries', () => {
  it('credits the original and depends on it', () => {
    const result = build(ready(), original);

    expect(result.outcome).toBe('queued');
    if (result.outcome !== 'queued') {
      return;
    }

    const creditMemo = result.entries.find((entry) => entry.requestName === 'CreditMemoAdd');

    expect(creditMemo?.dependsOn).toEqual([original.entryId]);
    expect(creditMemo?.customerName).toBe('Jane Doe');
    expect(creditMemo?.documentKind).toBe('credit_memo');
  });

  it('posts a standalone credit memo and card refund', () => {
    const result = build(ready(), undefined);

    expect(result.outcome).toBe('queued');
    if (result.outcome !== 'queued') {
      return;
    }

    expect(result.entries.map((entry) => entry.requestName)).toEqual([
      'CustomerAdd',
      'CreditMemoAdd',
      'ARRefundCreditCardAdd',
    ]);
    const [customer, creditMemo, cardRefund] = result.entries;

    expect(customer?.listName).toBe('Channel Refunds');
    expect(creditMemo?.dependsOn).toEqual([customer?._id]);
    expect(creditMemo?.documentKind).toBe('standalone_credit_memo');
    expect(creditMemo?.body).toContain('<FullName>Channel Refunds</FullName>');
    expect(creditMemo?.body).toContain('<Amount>10.00</Amount>');
    expect(cardRefund?.dependsOn).toEqual([creditMemo?._id]);
    expect(cardRefund?.body).toContain('<RefundAmount>10.00</RefundAmount>');
    expect(result.notes.join(' ')).toContain('never reached QuickBooks Desktop');
    expect(() => validateQbxml(result.entries)).not.toThrow();
  });

  it('refunds a standalone credit by check per setting', () => {
    const result = build(ready(), undefined, {
      refundMethod: 'check',
      standaloneRefundCustomer: 'Web Refunds',
    });

    expect(result.outcome).toBe('queued');
    if (result.outcome !== 'queued') {
      return;
    }

    expect(result.entries.map((entry) => entry.requestName)).toEqual([
      'CustomerAdd',
      'CreditMemoAdd',
      'CheckAdd',
    ]);
    expect(result.entries[2]?.body).toContain('<FullName>Web Refunds</FullName>');
    expect(() => validateQbxml(result.entries)).not.toThrow();
  });

  it('leaves out the money when the channel returned none', () => {
    const refund = buildRefund({
      kind: 'cancellation',
      transactions: [buildPayment({ kind: 'other', amount: 1000, status: 'failure' })],
    });
    const result = build(ready(refund), undefined);

    expect(result.outcome).toBe('queued');
    if (result.outcome !== 'queued') {
      return;
    }

    expect(result.entries.map((entry) => entry.requestName)).toEqual([
      'CustomerAdd',
      'CreditMemoAdd',
    ]);
  });

  it('rejects a standalone refund that misses the channel total', () => {
    const refund = buildRefund({
      lines: [buildRefundLine({ amount: 1000 })],
      totals: { subtotal: 1000, shipping: 0, tax: 0, adjustments: 0, total: 1200 },
    });
    const result = build(ready(refund), undefined);

    expect(result.outcome).toBe('rejected');
    if (result.outcome !== 'rejected') {
      return;
    }

    expect(result.message).toContain('12.00');
  });
});
