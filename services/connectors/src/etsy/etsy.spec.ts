import { checkOrderTotals } from '@qbsync/accounting';
import { orderSchema, payoutSchema } from '@qbsync/contracts';

import { ChannelPayloadError } from '../channel/channel-adapter';
import { type FixtureJson, readJsonFixture } from '../channel-support/fixture-files';
import { fuzzNormaliser } from '../channel-support/payload-mutations';
import {
  normaliseEtsyDeposit,
  normaliseEtsyReceipt,
  normaliseEtsyRefunds,
} from './etsy.normaliser';

type Json = FixtureJson;
const context = {
  accountId: 'acct-1',
  connectionId: 'conn-1',
  receivedAt: '2026-01-01T00:00:00.000Z',
  sourceKind: 'poll' as const,
};
const receipts = (readJsonFixture('etsy/get-shop-receipts.json') as Json).results as Json[];
const refunded = (readJsonFixture('etsy/get-shop-receipts-refunded.json') as Json).results[0];
const ledger = (readJsonFixture('etsy/get-ledger-entries.json') as Json).results as Json[];
const deposit = ledger[ledger.length - 1];

function payloadError(action: () => unknown): ChannelPayloadError {
  try {
    action();
  } catch (error) {
    if (error instanceof ChannelPayloadError) {
      return error;
    }

    throw error;
  }

  throw new Error('expected a ChannelPayloadError');
}

describe('normaliseEtsyReceipt', () => {
  it.each(
    receipts.map((receipt) => [receipt.receipt_id, receipt.grandtotal.currency_code, receipt]),
  )('balances receipt %s in %s to grandtotal', (_id, _currency, receipt) => {
    const order = normaliseEtsyReceipt(receipt, context);

    expect(checkOrderTotals(order)).toEqual([]);
    expect(order.totals.total).toBe(receipt.grandtotal.amount);
  });

  it('maps transactions, coupon and tax', () => {
    const order = normaliseEtsyReceipt(receipts[0], context);

    expect(
      order.lines.map((line) => [line.sku, line.quantity, line.unitPrice, line.variantTitle]),
    ).toEqual([
      ['MUG-BLUE', 2, 1500, 'Colour: Blue'],
      ['TOWEL-1', 1, 1200, undefined],
    ]);
    expect(order.orderDiscounts).toEqual([{ title: 'Coupon', amount: 420 }]);
    expect(order.taxLines).toEqual([{ name: 'Sales tax', rate: '0', amount: 312 }]);
    expect(order.createdAt).toBe('2024-03-01T17:00:00.000Z');
  });

  it('converts a divisor other than the minor unit', () => {
    const receipt = structuredClone(receipts[0]);

    receipt.transactions[0].price = { amount: 15000, divisor: 1000, currency_code: 'USD' };

    expect(normaliseEtsyReceipt(receipt, context).lines[0].unitPrice).toBe(1500);
  });

  it.each([
    [
      'fraction of a cent',
      (r: Json) => (r.grandtotal = { amount: 45925, divisor: 1000, currency_code: 'USD' }),
      'grandtotal',
    ],
    [
      'mixed currency',
      (r: Json) => (r.transactions[1].price.currency_code = 'EUR'),
      'transactions[1].price.currency_code',
    ],
    [
      'unknown currency',
      (r: Json) => (r.grandtotal.currency_code = 'BTC'),
      'grandtotal.currency_code',
    ],
    ['zero quantity', (r: Json) => (r.transactions[0].quantity = 0), 'transactions.0.quantity'],
    ['zero divisor', (r: Json) => (r.total_price.divisor = 0), 'total_price.divisor'],
    ['no transactions', (r: Json) => (r.transactions = []), 'transactions'],
  ])('rejects %s naming the field', (_case, change, field) => {
    const receipt = structuredClone(receipts[0]);

    change(receipt);

    expect(payloadError(() => normaliseEtsyReceipt(receipt, context)).field).toBe(field);
  });
});

describe('normaliseEtsyRefunds', () => {
  it('maps a receipt refund to an adjustment', () => {
    const [refund] = normaliseEtsyRefunds(refunded, context);

    expect(refund.channelRefundId).toBe('3012345680@1709500000');
    expect(refund.totals.total).toBe(1393);
    expect(refund.adjustments).toEqual([{ reason: 'Item arrived damaged', amount: 1393 }]);
  });
});

describe('normaliseEtsyDeposit', () => {
  it('sums the ledger entries to the deposit', () => {
    const payout = normaliseEtsyDeposit({ deposit, entries: ledger.slice(0, -1) }, context);
    const net = payout.transactions.reduce((sum, item) => sum + item.net, 0);

    expect(payout.amount).toBe(2070);
    expect(net).toBe(2070);
    expect(payout.transactions[0]).toMatchObject({
      type: 'charge',
      gross: 4592,
      fee: 0,
      channelOrderId: '3012345678',
    });
    expect(payout.transactions[1]).toMatchObject({ type: 'fee', gross: 0, fee: 168, net: -168 });
    expect(payout.transactions[6]).toMatchObject({ type: 'refund', net: -1393 });
    expect(payout.date).toBe('2024-03-05');
  });

  it('rejects a deposit entry that is not a disbursement', () => {
    expect(
      payloadError(() => normaliseEtsyDeposit({ deposit: ledger[0], entries: [] }, context)).field,
    ).toBe('deposit.ledger_type');
  });
});

describe('Etsy fuzz', () => {
  it('never crashes or accepts an invalid order', () => {
    const summary = fuzzNormaliser({
      samples: receipts,
      normalise: (payload) => normaliseEtsyReceipt(payload, context),
      check: (result) => {
        const parsed = orderSchema.safeParse(result);

        return parsed.success ? undefined : parsed.error.message;
      },
      rejection: ChannelPayloadError,
      iterations: 3000,
      seed: 4592,
    });

    expect(summary.crashes).toEqual([]);
    expect(summary.invalidAccepted).toEqual([]);
  });

  it('never crashes on a mangled deposit', () => {
    const summary = fuzzNormaliser({
      samples: [{ deposit, entries: ledger.slice(0, -1) }],
      normalise: (payload) => normaliseEtsyDeposit(payload, context),
      check: (result) => {
        const parsed = payoutSchema.safeParse(result);

        return parsed.success ? undefined : parsed.error.message;
      },
      rejection: ChannelPayloadError,
      iterations: 1500,
      seed: 2070,
    });

    expect(summary.crashes).toEqual([]);
    expect(summary.invalidAccepted).toEqual([]);
  });
});
