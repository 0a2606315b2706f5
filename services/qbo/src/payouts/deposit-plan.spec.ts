import { type Payout, type PayoutTransaction } from '@qbsync/contracts';

import {
  buildDepositPlan,
  depositAmount,
  type DepositPlanResult,
  type MatchedDocument,
} from './deposit-plan';

function transaction(overrides: Partial<PayoutTransaction>): PayoutTransaction {
  const gross = overrides.gross ?? 0;
  const fee = overrides.fee ?? 0;

  return { transactionId: 't', type: 'charge', gross, fee, net: gross - fee, ...overrides };
}

function payout(transactions: PayoutTransaction[], amount?: number, currency = 'USD'): Payout {
  return {
    schemaVersion: 1,
    accountId: 'account-1',
    connectionId: 'connection-1',
    channel: 'shopify',
    payoutId: '5001',
    status: 'paid',
    date: '2008-01-14',
    currency,
    amount: amount ?? transactions.reduce((sum, entry) => sum + entry.net, 0),
    transactions,
    source: { kind: 'poll', receivedAt: '2008-01-14T10:00:00Z', rawRef: 'shopify:payout:5001' },
  };
}

function matchedTo(entry: PayoutTransaction, txnId: string): MatchedDocument {
  return {
    transaction: entry,
    txnType: entry.type === 'refund' ? 'RefundReceipt' : 'SalesReceipt',
    txnId,
    amount: entry.gross,
  };
}

/** Returns the planned deposit, failing the test with the plan's message when it is unmatched. */
function plannedOf(plan: DepositPlanResult): Extract<DepositPlanResult, { outcome: 'planned' }> {
  if (plan.outcome !== 'planned') {
    throw new Error(`Expected a planned deposit, got: ${plan.message}`);
  }

  return plan;
}

/** Returns the unmatched result, failing the test when the deposit was planned. */
function unmatchedOf(
  plan: DepositPlanResult,
): Extract<DepositPlanResult, { outcome: 'unmatched' }> {
  if (plan.outcome !== 'unmatched') {
    throw new Error(`Expected an unmatched payout, got a deposit of ${plan.total}`);
  }

  return plan;
}

describe('buildDepositPlan', () => {
  const charges = [
    transaction({ transactionId: 'c1', channelOrderId: '1001', gross: 59894, fee: 1767 }),
    transaction({ transactionId: 'c2', channelOrderId: '1002', gross: 12000, fee: 378 }),
  ];
  const refund = transaction({
    transactionId: 'r1',
    type: 'refund',
    channelOrderId: '1001',
    gross: -20900,
    fee: -300,
  });

  it('links each document and nets the fees', () => {
    const all = [...charges, refund];
    const plan = plannedOf(
      buildDepositPlan(
        payout(all),
        [matchedTo(charges[0]!, '11'), matchedTo(charges[1]!, '12'), matchedTo(refund, '13')],
        [],
        { force: false },
      ),
    );

    expect(plan.lines.filter((line) => line.kind === 'linked')).toHaveLength(3);
    expect(plan.lines.find((line) => line.linked?.txnId === '13')?.amount).toBe(-20900);
    expect(plan.lines.find((line) => line.kind === 'fees')?.amount).toBe(-(1767 + 378 - 300));
    expect(plan.total).toBe(payout(all).amount);
    expect(plan.notes).toEqual([]);
  });

  it('puts reserves and adjustments on own lines', () => {
    const reserve = transaction({ transactionId: 'v1', type: 'reserve', gross: -5000 });
    const adjustment = transaction({
      transactionId: 'a1',
      type: 'adjustment',
      gross: 250,
      description: 'Shipping label credit',
    });
    const fee = transaction({ transactionId: 'f1', type: 'fee', gross: -199 });
    const all = [charges[0]!, reserve, adjustment, fee];
    const plan = plannedOf(
      buildDepositPlan(payout(all), [matchedTo(charges[0]!, '11')], [], {
        force: false,
      }),
    );

    const clearing = plan.lines.filter((line) => line.kind === 'clearing');

    expect(clearing.map((line) => line.amount)).toEqual([-5000, 250]);
    expect(clearing[1]?.description).toBe('adjustment Shipping label credit');
    expect(plan.lines.find((line) => line.kind === 'fees')?.amount).toBe(-(1767 + 199));
    expect(plan.total).toBe(59894 - 1767 - 5000 + 250 - 199);
  });

  it('fails an unmatched charge naming the gap', () => {
    const plan = unmatchedOf(
      buildDepositPlan(
        payout(charges),
        [matchedTo(charges[0]!, '11')],
        [{ transaction: charges[1]!, reason: 'no posted sales receipt' }],
        { force: false },
      ),
    );

    expect(plan.gap).toBe(12000);
    expect(plan.message).toContain('charge c2 (order 1002) of 120.00 USD is unmatched');
    expect(plan.message).toContain('a gap of 120.00 USD');
  });

  it('fails a payout that differs from its transactions', () => {
    const plan = unmatchedOf(
      buildDepositPlan(payout([charges[0]!], 60000), [matchedTo(charges[0]!, '11')], [], {
        force: false,
      }),
    );

    expect(plan.gap).toBe(60000 - (59894 - 1767));
  });

  it('fails a document of another amount', () => {
    const document = { ...matchedTo(charges[0]!, '11'), amount: 59000 };
    const plan = unmatchedOf(
      buildDepositPlan(payout([charges[0]!]), [document], [], { force: false }),
    );

    expect(plan.message).toContain('is 598.94 USD in the payout but 590.00 USD in SalesReceipt 11');
  });

  it('forces the gap to the clearing account', () => {
    const plan = plannedOf(
      buildDepositPlan(
        payout(charges),
        [matchedTo(charges[0]!, '11')],
        [{ transaction: charges[1]!, reason: 'no posted sales receipt' }],
        { force: true },
      ),
    );

    const clearing = plan.lines.filter((line) => line.kind === 'clearing');

    expect(clearing.map((line) => line.amount)).toEqual([12000]);
    expect(plan.total).toBe(payout(charges).amount);
    expect(plan.notes[0]).toContain('forced');
  });

  it('balances a negative payout to zero', () => {
    const chargeback = transaction({
      transactionId: 'cb1',
      type: 'chargeback',
      gross: -15000,
      fee: 1500,
    });
    const all = [charges[1]!, chargeback];
    const plan = plannedOf(
      buildDepositPlan(payout(all), [matchedTo(charges[1]!, '12')], [], {
        force: false,
      }),
    );

    const balancing = plan.lines.at(-1);

    expect(payout(all).amount).toBeLessThan(0);
    expect(balancing?.kind).toBe('clearing');
    expect(balancing?.amount).toBe(-payout(all).amount);
    expect(plan.total).toBe(0);
    expect(plan.notes[0]).toContain('QuickBooks rejects negative deposits');
  });

  it('sums decimal amounts to the cent', () => {
    // 0.1 + 0.2 is 0.30000000000000004 in floating point; minor units keep it exact.
    const small = [
      transaction({ transactionId: 's1', channelOrderId: '1', gross: 10, fee: 0 }),
      transaction({ transactionId: 's2', channelOrderId: '2', gross: 20, fee: 0 }),
      transaction({ transactionId: 's3', channelOrderId: '3', gross: 70, fee: 1 }),
    ];
    const plan = plannedOf(
      buildDepositPlan(
        payout(small),
        small.map((entry, index) => matchedTo(entry, String(index + 20))),
        [],
        { force: false },
      ),
    );

    const amounts = plan.lines.map((line) => depositAmount(line.amount, 'USD'));

    expect(amounts).toEqual([0.1, 0.2, 0.7, -0.01]);
    expect(plan.total).toBe(99);
    expect(depositAmount(plan.total, 'USD')).toBe(0.99);
  });

  it('uses the currency minor unit', () => {
    expect(depositAmount(1234, 'JPY')).toBe(1234);
    expect(depositAmount(1234, 'USD')).toBe(12.34);
  });
});
