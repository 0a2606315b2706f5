import { type Order, type Payout, type PayoutTransaction } from '@qbsync/contracts';
import { buildLine, buildOrder, buildSampleShopifyOrder } from '@qbsync/testing/dist/orders';

import { AccountingError, AccountingErrorCode } from './accounting.errors';
import { buildPayoutPlan, formatPayoutDocNumber, PayoutDoesNotBalanceError } from './payout-plan';
import { type PayoutPlanLine } from './posting-plan.types';

const options = {
  customerName: 'Web Store',
  feeItemName: 'Merchant Fees',
  salesItemName: 'Payout Sales',
  refundItemName: 'Refunds',
  adjustmentItemName: 'Payout Adjustments',
};

function transaction(overrides: Partial<PayoutTransaction>): PayoutTransaction {
  const gross = overrides.gross ?? 0;
  const fee = overrides.fee ?? 0;

  return {
    transactionId: 't',
    type: 'charge',
    gross,
    fee,
    net: gross - fee,
    ...overrides,
  };
}

function payout(transactions: PayoutTransaction[], amount?: number): Payout {
  return {
    schemaVersion: 1,
    accountId: 'account-1',
    connectionId: 'connection-1',
    channel: 'shopify',
    payoutId: '623721858',
    status: 'paid',
    date: '2008-01-12',
    currency: 'USD',
    amount: amount ?? transactions.reduce((sum, entry) => sum + entry.net, 0),
    transactions,
    source: { kind: 'poll', receivedAt: '2008-01-12T10:00:00Z', rawRef: 'shopify:payout:1' },
  };
}

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }

  throw new Error('Expected the action to throw');
}

describe('buildPayoutPlan', () => {
  const sample = buildSampleShopifyOrder();
  const widget = buildOrder({
    channelOrderId: '1002',
    orderNumber: '#1002',
    lines: [buildLine({ sku: 'WIDGET', unitPrice: 2500, taxable: false })],
    totals: { subtotal: 2500, discounts: 0, shipping: 0, tax: 0, total: 2500 },
  });
  const orders = new Map<string, Order>([
    [sample.channelOrderId, sample],
    [widget.channelOrderId, widget],
  ]);
  const transactions = [
    transaction({ transactionId: 'c1', channelOrderId: '450789469', gross: 59894, fee: 1767 }),
    transaction({ transactionId: 'c2', channelOrderId: '1002', gross: 2500, fee: 103 }),
    transaction({
      transactionId: 'c3',
      channelOrderId: '1003',
      orderNumber: '#1003',
      gross: 1000,
      fee: 59,
    }),
    transaction({ transactionId: 'r1', type: 'refund', channelOrderId: '1002', gross: -500 }),
    transaction({ transactionId: 'v1', type: 'reserve', gross: -1000 }),
    transaction({ transactionId: 'f1', type: 'fee', gross: 0, fee: 200 }),
  ];
  const result = buildPayoutPlan(payout(transactions), orders, options);
  const payoutLines = result.plan.lines.filter(
    (line): line is PayoutPlanLine => line.kind === 'payout',
  );

  it('totals the payout amount', () => {
    expect(result.plan.total - result.plan.giftCardTotal).toBe(
      59894 + 2500 + 1000 - 500 - 1000 - 2129,
    );
    expect(result.plan.channelTotal - result.plan.giftCardTotal).toBe(59765);
  });

  it('carries the lines of received orders', () => {
    expect(result.orderIds).toEqual(['450789469', '1002']);
    expect(result.plan.lines.filter((line) => line.kind === 'item')).toHaveLength(4);
    expect(result.plan.taxTotal).toBe(1194);
    expect(result.plan.discountTotal).toBe(1000);
  });

  it('posts an unreceived order from the charge', () => {
    expect(result.chargesWithoutOrder).toEqual([
      {
        channelOrderId: '1003',
        amount: 1000,
        reason: 'order 1003 was not received from the channel',
      },
    ]);
    expect(payoutLines.find((line) => line.transactionType === 'charge')).toMatchObject({
      itemName: 'Payout Sales',
      amount: 1000,
      description: 'Sales of order #1003 (1003) as paid out',
    });
  });

  it('posts the refund as a negative line', () => {
    expect(payoutLines.find((line) => line.transactionType === 'refund')).toMatchObject({
      itemName: 'Refunds',
      amount: -500,
    });
  });

  it('sums every fee into one negative line', () => {
    const fees = payoutLines.filter((line) => line.transactionType === 'fee');

    expect(fees).toHaveLength(1);
    expect(fees[0]?.amount).toBe(-(1767 + 103 + 59 + 200));
    expect(fees[0]?.itemName).toBe('Merchant Fees');
  });

  it('posts the reserve on its own line', () => {
    expect(payoutLines.find((line) => line.transactionType === 'reserve')).toMatchObject({
      itemName: 'Payout Adjustments',
      description: 'Reserves',
      amount: -1000,
    });
  });

  it('numbers and dates the receipt by the payout', () => {
    expect(result.plan.docNumber).toBe('P-623721858');
    expect(result.plan.txnDate).toBe('2008-01-12');
    expect(result.plan.customer.displayName).toBe('Web Store');
  });

  it('records channel and payout id in the memo', () => {
    expect(result.plan.privateNote).toBe(
      'shopify payout 623721858 of 2008-01-12: 6 transactions, orders #1001 (450789469), #1002 (1002)',
    );
  });

  it('ignores orders the payout does not name', () => {
    const other = buildOrder({ channelOrderId: '9999', orderNumber: '#9999' });
    const wider = new Map(orders).set('9999', other);

    expect(buildPayoutPlan(payout(transactions), wider, options).orderIds).toEqual([
      '450789469',
      '1002',
    ]);
  });

  it('posts a charge that differs from its order from the charge', () => {
    const partial = buildPayoutPlan(
      payout([transaction({ transactionId: 'c2', channelOrderId: '1002', gross: 2000 })]),
      orders,
      options,
    );

    expect(partial.orderIds).toEqual([]);
    expect(partial.chargesWithoutOrder[0]?.reason).toBe(
      'order 1002 totals 25.00 USD but the payout charged 20.00 USD',
    );
    expect(partial.plan.total).toBe(2000);
  });
});

describe('buildPayoutPlan balance', () => {
  it('rejects transactions that do not add up to the amount', () => {
    const error = catchError(() =>
      buildPayoutPlan(
        payout([transaction({ transactionId: 'c1', gross: 1000, fee: 30 })], 1000),
        new Map(),
        options,
      ),
    );

    expect(error).toBeInstanceOf(PayoutDoesNotBalanceError);
    expect((error as PayoutDoesNotBalanceError).figures.gap).toBe(30);
    expect((error as Error).message).toContain('a gap of 0.30 USD');
  });

  it('rejects a transaction whose net is not gross less fee', () => {
    const error = catchError(() =>
      buildPayoutPlan(
        payout([{ ...transaction({ transactionId: 'c9', gross: 1000, fee: 30 }), net: 980 }], 980),
        new Map(),
        options,
      ),
    );

    expect(error).toBeInstanceOf(PayoutDoesNotBalanceError);
    expect((error as Error).message).toContain('transaction c9');
  });

  it('rejects a negative payout', () => {
    const error = catchError(() =>
      buildPayoutPlan(
        payout([transaction({ type: 'chargeback', gross: -5000 })]),
        new Map(),
        options,
      ),
    );

    expect(error).toBeInstanceOf(AccountingError);
    expect((error as AccountingError).code).toBe(AccountingErrorCode.InvalidOption);
  });
});

describe('formatPayoutDocNumber', () => {
  it('keeps a short id whole', () => {
    expect(formatPayoutDocNumber('623721858', 'SS-', 21)).toEqual({
      docNumber: 'SS-P-623721858',
      truncated: false,
    });
  });

  it('keeps the tail of a long id', () => {
    const result = formatPayoutDocNumber('po_1NXf4T2eZvKYlo2C0123456789', '', 21);

    expect(result.docNumber).toBe('P-eZvKYlo2C0123456789');
    expect(result.docNumber).toHaveLength(21);
    expect(result.truncated).toBe(true);
  });
});
