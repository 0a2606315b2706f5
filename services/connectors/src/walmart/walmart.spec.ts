import { checkOrderTotals } from '@qbsync/accounting';
import { orderSchema } from '@qbsync/contracts';

import { ChannelPayloadError, type ChannelHttpResponse } from '../channel/channel-adapter';
import {
  type FixtureJson,
  readJsonFixture,
  readTextFixture,
} from '../channel-support/fixture-files';
import { fuzzNormaliser, SeededRandom } from '../channel-support/payload-mutations';
import { observeWalmartLimit, reconReportCsv } from './walmart.adapter';
import {
  normaliseWalmartOrder,
  normaliseWalmartRefunds,
  parseWalmartReconReport,
} from './walmart.normaliser';

type Json = FixtureJson;
const context = {
  accountId: 'acct-1',
  connectionId: 'conn-1',
  receivedAt: '2026-01-01T00:00:00.000Z',
  sourceKind: 'poll' as const,
};
const order = (readJsonFixture('walmart/get-orders.json') as Json).list.elements.order[0];
const refunded = (readJsonFixture('walmart/get-orders-refunded.json') as Json).list.elements
  .order[0];
const report = readTextFixture('walmart/recon-report-03142024.csv');

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

describe('normaliseWalmartOrder', () => {
  it('balances the charges and their tax', () => {
    const normalised = normaliseWalmartOrder(order, context);

    expect(normalised.channelOrderId).toBe('1796277083022');
    expect(normalised.orderNumber).toBe('5281956426648');
    expect(normalised.lines.map((line) => [line.sku, line.quantity, line.unitPrice])).toEqual([
      ['MUG-BLUE', 2, 1500],
      ['TOWEL-1', 1, 1000],
    ]);
    expect(normalised.lines[1].discounts).toEqual([{ title: 'Promotion', amount: 100 }]);
    expect(normalised.lines[1].taxes).toEqual([{ name: 'Sales tax', rate: '0', amount: 72 }]);
    expect(normalised.totals).toEqual({
      subtotal: 4000,
      discounts: 100,
      shipping: 499,
      tax: 352,
      total: 4751,
    });
    expect(checkOrderTotals(normalised)).toEqual([]);
    expect(normalised.createdAt).toBe('2024-03-01T14:20:00.000Z');
  });

  it('leaves out cancelled lines', () => {
    const copy = structuredClone(order);

    copy.orderLines.orderLine[1].orderLineStatuses.orderLineStatus[0].status = 'Cancelled';

    const normalised = normaliseWalmartOrder(copy, context);

    expect(normalised.lines).toHaveLength(1);
    expect(checkOrderTotals(normalised)).toEqual([]);
  });

  it.each([
    [
      'zero quantity',
      (o: Json) => (o.orderLines.orderLine[0].orderLineQuantity.amount = '0'),
      'orderLines.orderLine[0].orderLineQuantity.amount',
    ],
    [
      'fractional quantity',
      (o: Json) => (o.orderLines.orderLine[0].orderLineQuantity.amount = '1.5'),
      'orderLines.orderLine.0.orderLineQuantity.amount',
    ],
    [
      'mixed currency',
      (o: Json) => (o.orderLines.orderLine[1].charges.charge[0].chargeAmount.currency = 'CAD'),
      'orderLines.orderLine[1].charges.charge[0].chargeAmount.currency',
    ],
    [
      'unknown currency',
      (o: Json) => {
        for (const line of o.orderLines.orderLine)
          for (const charge of line.charges.charge) {
            charge.chargeAmount.currency = 'ABC';
          }
      },
      'orderLines.orderLine[0].charges.charge[0].chargeAmount.currency',
    ],
    [
      'fraction of a cent',
      (o: Json) => (o.orderLines.orderLine[0].charges.charge[0].chargeAmount.amount = 30.005),
      'orderLines.orderLine[0].charges.charge[0].chargeAmount.amount',
    ],
    ['no lines', (o: Json) => (o.orderLines.orderLine = []), 'orderLines.orderLine'],
  ])('rejects %s naming the field', (_case, change, field) => {
    const copy = structuredClone(order);

    change(copy);

    expect(payloadError(() => normaliseWalmartOrder(copy, context)).field).toBe(field);
  });
});

describe('normaliseWalmartRefunds', () => {
  it('maps the refunded line with its tax', () => {
    const [refund] = normaliseWalmartRefunds(refunded, context);

    expect(refund.channelRefundId).toBe('R-7781');
    expect(refund.lines).toEqual([
      {
        lineId: '2',
        sku: 'TOWEL-1',
        name: 'Linen tea towel',
        quantity: 1,
        amount: 900,
        tax: 72,
        restock: false,
      },
    ]);
    expect(refund.totals.total).toBe(972);
    expect(refund.reason).toBe('Damaged item');
  });
});

describe('parseWalmartReconReport', () => {
  it('balances the report to Total Payable', () => {
    const payout = parseWalmartReconReport(report, context);
    const net = payout.transactions.reduce((sum, item) => sum + item.net, 0);

    expect(payout.amount).toBe(1659);
    expect(net).toBe(1659);
    expect(payout.date).toBe('2024-03-14');
    expect(payout.transactions.map((item) => [item.type, item.gross, item.fee, item.net])).toEqual([
      ['charge', 3739, 450, 3289],
      ['tax_withheld', -240, 0, -240],
      ['refund', -900, -135, -765],
      ['shipping_label', -625, 0, -625],
    ]);
  });

  it('rejects a bad amount naming the row', () => {
    const broken = report.replace(',30.00,', ',30.0.0,');

    expect(payloadError(() => parseWalmartReconReport(broken, context)).field).toBe('row 2 Amount');
  });

  it('never crashes on a mangled report', () => {
    const random = new SeededRandom(5);

    for (let iteration = 0; iteration < 300; iteration += 1) {
      const position = random.integer(report.length);
      const mangled =
        report.slice(0, position) +
        String.fromCharCode(random.integer(128)) +
        report.slice(position + 1);

      for (const text of [report.slice(0, position), mangled]) {
        try {
          parseWalmartReconReport(text, context);
        } catch (error) {
          expect(error).toBeInstanceOf(ChannelPayloadError);
        }
      }
    }
  });
});

describe('observeWalmartLimit', () => {
  it('waits for the next replenish time with no tokens left', () => {
    const response: ChannelHttpResponse = {
      status: 200,
      headers: {
        'x-current-token-count': '0',
        'x-next-replenish-time': String(Date.now() + 60_000),
      },
      text: '',
      json: undefined,
    };

    expect(observeWalmartLimit(response)).toBeGreaterThan(50);
  });

  it('does not wait while tokens remain', () => {
    expect(
      observeWalmartLimit({
        status: 200,
        headers: { 'x-current-token-count': '12' },
        text: '',
        json: undefined,
      }),
    ).toBeUndefined();
  });
});

describe('reconReportCsv', () => {
  /** Python zipfile archives: one with `ReconFile_03142024.csv`, one with two CSV files. */
  const oneCsv = Buffer.from(
    'UEsDBBQAAAAIAOWqhF17B5cKCgAAAAgAAAAWAAAAUmVjb25GaWxlXzAzMTQyMDI0LmNzdkvUSeIy1DHiAgBQSwECFAMUAAAACADlqoRdeweXCgoAAAAIAAAAFgAAAAAAAAAAAAAAgAEAAAAAUmVjb25GaWxlXzAzMTQyMDI0LmNzdlBLBQYAAAAAAQABAEQAAAA+AAAAAAA=',
    'base64',
  );
  const twoCsv = Buffer.from(
    'UEsDBBQAAAAIAOWqhF0AJMGJBgAAAAQAAAAHAAAAb25lLmNzdkvkMuQCAFBLAwQUAAAACADlqoRdw3fsogYAAAAEAAAABwAAAHR3by5jc3ZL5DLiAgBQSwECFAMUAAAACADlqoRdACTBiQYAAAAEAAAABwAAAAAAAAAAAAAAgAEAAAAAb25lLmNzdlBLAQIUAxQAAAAIAOWqhF3Dd+yiBgAAAAQAAAAHAAAAAAAAAAAAAACAASsAAAB0d28uY3N2UEsFBgAAAAACAAIAagAAAFYAAAAAAA==',
    'base64',
  );
  const response = (body: Buffer): ChannelHttpResponse => ({
    status: 200,
    headers: {},
    body,
    text: body.toString('utf8'),
    json: undefined,
  });

  it('unpacks the one CSV of a ZIP', () => {
    expect(reconReportCsv(response(oneCsv), '03142024')).toBe('a,b\n1,2\n');
  });

  it('passes a bare CSV through', () => {
    expect(reconReportCsv(response(Buffer.from(report, 'utf8')), '03142024')).toBe(report);
  });

  it('rejects an archive with two CSVs', () => {
    expect(payloadError(() => reconReportCsv(response(twoCsv), '03142024')).message).toMatch(
      /contains 2 CSV files \(one\.csv, two\.csv\); expected exactly one/,
    );
  });

  it('rejects a truncated archive', () => {
    expect(
      payloadError(() => reconReportCsv(response(oneCsv.subarray(0, 40)), '03142024')).message,
    ).toMatch(/report 03142024 is not a readable ZIP archive/);
  });
});

describe('Walmart fuzz', () => {
  it('never crashes or accepts an invalid order', () => {
    const summary = fuzzNormaliser({
      samples: [order, refunded],
      normalise: (payload) => normaliseWalmartOrder(payload, context),
      check: (result) => {
        const parsed = orderSchema.safeParse(result);

        return parsed.success ? undefined : parsed.error.message;
      },
      rejection: ChannelPayloadError,
      iterations: 3000,
      seed: 4751,
    });

    expect(summary.crashes).toEqual([]);
    expect(summary.invalidAccepted).toEqual([]);
  });
});
