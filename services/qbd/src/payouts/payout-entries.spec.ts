import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { type Payout, type PayoutTransaction } from '@qbsync/contracts';
import { fixturePath } from '@qbsync/testing';

import { DEFAULT_QBD_SETTINGS } from '../posting/qbd-settings';
import { messageSet, wrapRequest } from '../qbxml/qbxml-requests';
import {
  buildDepositEntry,
  depositEntryId,
  type MatchedPayoutLine,
  payoutGap,
} from './payout-entries';

const schema = fixturePath('qbxml/schemas/qbxmlops130.xsd');

function transaction(
  overrides: Partial<PayoutTransaction> & Pick<PayoutTransaction, 'transactionId' | 'type'>,
): PayoutTransaction {
  const gross = overrides.gross ?? 0;
  const fee = overrides.fee ?? 0;

  return { gross, fee, net: gross - fee, ...overrides };
}

function payout(transactions: PayoutTransaction[], amount?: number): Payout {
  return {
    schemaVersion: 1,
    accountId: 'acct-1',
    connectionId: 'conn-1',
    channel: 'shopify',
    payoutId: 'po_1001',
    status: 'paid',
    date: '2026-12-04',
    currency: 'USD',
    amount: amount ?? transactions.reduce((sum, item) => sum + item.net, 0),
    transactions,
    source: { kind: 'webhook', receivedAt: '2026-12-04T10:00:00Z', rawRef: 'shopify:payout:1' },
  };
}

function matched(line: PayoutTransaction, documentAmount = line.gross): MatchedPayoutLine {
  return {
    transaction: line,
    entryId: `acct-1|shopify|${line.channelOrderId}|sales_receipt`,
    documentAmount,
    orderNumber: `#${line.channelOrderId}`,
  };
}

const charges = [
  transaction({ transactionId: 't1', type: 'charge', channelOrderId: '1', gross: 2500, fee: 103 }),
  transaction({ transactionId: 't2', type: 'charge', channelOrderId: '2', gross: 1250, fee: 66 }),
  transaction({ transactionId: 't3', type: 'charge', channelOrderId: '3', gross: 4999, fee: 175 }),
];

/** Returns the Amount of each of the deposit's other lines, in cents. */
function otherLineCents(body: string): number[] {
  return [...body.matchAll(/<Amount>(-?[\d.]+)<\/Amount>/g)].map((match) =>
    Math.round(Number(match[1]) * 100),
  );
}

describe('buildDepositEntry', () => {
  it('deposits sales less one fee line', () => {
    const result = buildDepositEntry(
      payout(charges),
      charges.map((line) => matched(line)),
      DEFAULT_QBD_SETTINGS,
    );

    if (result.outcome !== 'queued') {
      throw new Error(result.message);
    }

    const { entry } = result;

    expect(entry._id).toBe('acct-1|payout|shopify|po_1001|deposit');
    expect(entry.requestName).toBe('DepositAdd');
    expect(entry.kind).toBe('deposit');
    expect(entry.dependsOn).toHaveLength(3);
    expect(entry.body.match(/<PaymentTxnID>/g)).toHaveLength(3);
    expect(entry.body).toContain(
      '<PaymentTxnID>{{TxnID:acct-1|shopify|1|sales_receipt}}</PaymentTxnID>',
    );
    expect(otherLineCents(entry.body)).toEqual([-344]);
    expect(entry.body).toContain('<FullName>Merchant Fees</FullName>');
    expect(entry.body).toContain('<DepositToAccountRef><FullName>Checking</FullName>');
    expect(result.total).toBe(8749 - 344);
    expect(entry.origin?.entity).toBe('payout');
    expect(entry.origin?.entityId).toBe('po_1001');
    expect(entry.lookup).toEqual({
      txnType: 'Deposit',
      txnDate: '2026-12-04',
      memoStamp: 'Payout po_1001 from shopify',
    });
  });

  it('gives reserves their own lines', () => {
    const lines = [
      ...charges,
      transaction({ transactionId: 'r1', type: 'reserve', gross: -500 }),
      transaction({
        transactionId: 'a1',
        type: 'adjustment',
        gross: 120,
        description: 'Dispute won',
      }),
      transaction({ transactionId: 'f1', type: 'fee', gross: -299, description: 'Monthly fee' }),
    ];
    const result = buildDepositEntry(
      payout(lines),
      charges.map((line) => matched(line)),
      DEFAULT_QBD_SETTINGS,
    );

    if (result.outcome !== 'queued') {
      throw new Error(result.message);
    }

    expect(otherLineCents(result.entry.body)).toEqual([-643, -500, 120]);
    expect(result.entry.body).toContain('<Memo>adjustment Dispute won</Memo>');
    expect(result.total).toBe(payout(lines).amount);
    expect(result.entry.references.map((reference) => reference.name)).toEqual([
      'Checking',
      'Merchant Fees',
      'Payout Clearing',
    ]);
  });

  it('deposits a card refund negatively', () => {
    const refund = transaction({
      transactionId: 'rf1',
      type: 'refund',
      channelOrderId: '1',
      gross: -1000,
    });
    const lines = [...charges, refund];
    const result = buildDepositEntry(
      payout(lines),
      [...charges.map((line) => matched(line)), { ...matched(refund), entryId: 'refund-entry' }],
      DEFAULT_QBD_SETTINGS,
    );

    if (result.outcome !== 'queued') {
      throw new Error(result.message);
    }

    expect(result.entry.body).toContain('<PaymentTxnID>{{TxnID:refund-entry}}</PaymentTxnID>');
    expect(result.total).toBe(8749 - 1000 - 344);
  });

  it('balances a negative payout to zero', () => {
    const lines = [
      transaction({
        transactionId: 't1',
        type: 'charge',
        channelOrderId: '1',
        gross: 1000,
        fee: 59,
      }),
      transaction({ transactionId: 'c1', type: 'chargeback', gross: -2500, fee: 1500 }),
    ];
    const result = buildDepositEntry(payout(lines), [matched(lines[0]!)], DEFAULT_QBD_SETTINGS);

    if (result.outcome !== 'queued') {
      throw new Error(result.message);
    }

    expect(payout(lines).amount).toBe(-3059);
    expect(otherLineCents(result.entry.body)).toEqual([-1559, -2500, 3059]);
    expect(result.total).toBe(0);
    expect(result.notes[0]).toContain('balancing line of 30.59 to Payout Clearing');
  });

  it('fails a mismatched sale naming the gap', () => {
    const result = buildDepositEntry(
      payout(charges),
      [matched(charges[0]!, 2400), matched(charges[1]!), matched(charges[2]!)],
      DEFAULT_QBD_SETTINGS,
    );

    if (result.outcome !== 'failed') {
      throw new Error('expected the mismatched payout to fail');
    }

    expect(result.message).toContain('by 1.00 USD');
    expect(result.message).toContain('order #1: payout 25.00, QuickBooks document 24.00');
    expect(result.fix).toContain('re-sync');
  });

  it('validates against the qbXML schema', () => {
    const lines = [...charges, transaction({ transactionId: 'r1', type: 'reserve', gross: -500 })];
    const result = buildDepositEntry(
      payout(lines),
      charges.map((line) => matched(line)),
      { ...DEFAULT_QBD_SETTINGS, payoutFeesReceivedFrom: 'Shopify Payments' },
    );

    if (result.outcome !== 'queued') {
      throw new Error(result.message);
    }

    const body = result.entry.body.replace(/\{\{TxnID:[^}]+\}\}/g, '1A-1234567890');
    const dir = mkdtempSync(path.join(tmpdir(), 'qbxml-deposit-'));
    const file = path.join(dir, 'deposit.xml');

    try {
      writeFileSync(file, messageSet([wrapRequest('DepositAdd', '1', body)], '13.0'));
      execFileSync('xmllint', ['--noout', '--schema', schema, file], { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    expect(body).toContain('<EntityRef><FullName>Shopify Payments</FullName></EntityRef>');
  });
});

describe('payoutGap', () => {
  it('is zero when the transactions add up', () => {
    expect(payoutGap(payout(charges))).toBe(0);
  });

  it('is the missing amount when they do not', () => {
    expect(payoutGap(payout(charges, 8500))).toBe(8500 - (8749 - 344));
  });
});

describe('depositEntryId', () => {
  it('is one id per payout', () => {
    expect(depositEntryId(payout(charges))).toBe(depositEntryId(payout(charges, 1)));
  });
});
