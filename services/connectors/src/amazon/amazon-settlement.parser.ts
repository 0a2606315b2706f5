import { PAYOUT_SCHEMA_VERSION, type Payout, type PayoutTransaction } from '@qbsync/contracts';
import { parse } from 'csv-parse/sync';

import { ChannelPayloadError } from '../channel/channel-adapter';
import {
  assignDefined,
  buildSource,
  readCurrency,
  readDecimal,
  validatePayout,
  type ChannelNormaliseContext,
} from '../channel-support';

/** Columns of the V2 settlement flat file (`GET_V2_SETTLEMENT_REPORT_DATA_FLAT_FILE_V2`) used here. */
const REQUIRED_COLUMNS = [
  'settlement-id',
  'settlement-start-date',
  'settlement-end-date',
  'deposit-date',
  'total-amount',
  'currency',
  'transaction-type',
  'order-id',
  'adjustment-id',
  'amount-type',
  'amount-description',
  'amount',
  'posted-date',
] as const;

type SettlementRow = Record<(typeof REQUIRED_COLUMNS)[number], string>;

/**
 * Parses an Amazon V2 settlement report (tab-separated flat file) into the canonical payout. The
 * first data row carries the settlement's totals; each later row is one amount of a transaction.
 * Rows are grouped into one transaction per transaction type, order and adjustment: item fees
 * become the transaction's fee, withheld marketplace tax its own `tax_withheld` transaction and
 * reserve rows `reserve`, so `net = gross - fee` is true and the nets add up to `total-amount` for
 * a complete report. Throws `ChannelPayloadError` naming the row and column of a bad value.
 */
export function parseAmazonSettlementReport(
  text: string,
  context: ChannelNormaliseContext,
): Payout {
  let records: Record<string, string>[];

  try {
    records = parse(text, {
      delimiter: '\t',
      columns: true,
      relax_column_count: true,
      skip_empty_lines: true,
      quote: false,
    }) as Record<string, string>[];
  } catch (error) {
    throw new ChannelPayloadError(
      `(report): is not a tab-separated settlement report (${(error as Error).message})`,
      '(report)',
      undefined,
      { cause: error },
    );
  }

  const header = records[0];

  if (!header) {
    throw new ChannelPayloadError(
      '(report): has no rows; expected the settlement summary row',
      '(report)',
    );
  }

  for (const column of REQUIRED_COLUMNS) {
    if (!(column in header)) {
      throw new ChannelPayloadError(
        `${column}: column is missing; expected a V2 settlement flat file`,
        column,
      );
    }
  }

  const summary = header as SettlementRow;
  const settlementId = summary['settlement-id'].trim();
  const currency = readCurrency(summary.currency, 'row 2 currency', settlementId);
  const transactions = groupTransactions(
    records.slice(1) as SettlementRow[],
    currency,
    settlementId,
  );
  const deposit = settlementDate(summary['deposit-date'], 'row 2 deposit-date', settlementId);

  const payout: Payout = {
    schemaVersion: PAYOUT_SCHEMA_VERSION,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'amazon',
    payoutId: settlementId,
    status: 'paid',
    date: deposit.slice(0, 10),
    currency,
    amount: readDecimal(summary['total-amount'], currency, 'row 2 total-amount', settlementId),
    transactions,
    source: buildSource(context, `amazon:settlement:${settlementId}`),
  };

  assignDefined(payout, {
    periodStart: settlementDate(
      summary['settlement-start-date'],
      'row 2 settlement-start-date',
      settlementId,
    ),
    periodEnd: settlementDate(
      summary['settlement-end-date'],
      'row 2 settlement-end-date',
      settlementId,
    ),
  });

  return validatePayout(payout, 'Amazon');
}

function groupTransactions(
  rows: SettlementRow[],
  currency: string,
  settlementId: string,
): PayoutTransaction[] {
  const groups = new Map<string, PayoutTransaction>();

  for (const [index, row] of rows.entries()) {
    // Row numbers count the header line and the summary row, as a spreadsheet shows them.
    const rowName = `row ${index + 3}`;
    const amount = readDecimal(row.amount, currency, `${rowName} amount`, settlementId);
    const kind = classify(row);
    const key = `${row['transaction-type']}|${row['order-id']}|${row['adjustment-id']}|${kind === 'tax_withheld' ? 'withheld' : kind === 'reserve' || kind === 'other' ? row['amount-description'] : ''}`;
    const group =
      groups.get(key) ??
      assignDefined<PayoutTransaction>(
        {
          transactionId: `${settlementId}:${groups.size + 1}`,
          type: kind === 'fee-part' ? transactionType(row) : kind,
          gross: 0,
          fee: 0,
          net: 0,
        },
        {
          channelOrderId: row['order-id']?.trim() || undefined,
          orderNumber: row['order-id']?.trim() || undefined,
          description: row['order-id']?.trim()
            ? row['transaction-type']
            : row['amount-description'],
          processedAt: row['posted-date']
            ? settlementDate(row['posted-date'], `${rowName} posted-date`, settlementId)
            : undefined,
        },
      );

    // Amazon writes fees as negative amounts; the contract counts a charged fee as positive.
    if (kind === 'fee-part' || kind === 'fee') {
      group.fee -= amount;
    } else {
      group.gross += amount;
    }

    group.net = group.gross - group.fee;
    groups.set(key, group);
  }

  return [...groups.values()];
}

type RowKind = PayoutTransaction['type'] | 'fee-part';

function classify(row: SettlementRow): RowKind {
  const amountType = row['amount-type'];
  const description = row['amount-description'];

  if (amountType === 'ItemWithheldTax' || /withheld/i.test(description)) {
    return 'tax_withheld';
  }

  if (/reserve/i.test(description)) {
    return 'reserve';
  }

  if (amountType === 'ItemFees' || amountType === 'ShipmentFees' || amountType === 'OrderFees') {
    return row['order-id'] ? 'fee-part' : 'fee';
  }

  if (row['order-id']) {
    return transactionType(row);
  }

  return /fee|subscription/i.test(description) ? 'fee' : 'other';
}

function transactionType(row: SettlementRow): PayoutTransaction['type'] {
  switch (row['transaction-type']) {
    case 'Order':
      return 'charge';
    case 'Refund':
      return 'refund';
    case 'Chargeback Refund':
    case 'A-to-z Guarantee Refund':
      return 'chargeback';
    default:
      return 'adjustment';
  }
}

/**
 * Reads settlement dates, which Amazon writes as "2024-03-17 00:00:00 UTC" in North America and
 * as "17.03.2024 00:00:00 UTC" in Europe, or as ISO 8601 in newer reports.
 */
function settlementDate(value: string, field: string, settlementId: string): string {
  const text = value.trim();
  const european = /^(\d{2})\.(\d{2})\.(\d{4})(?: (\d{2}:\d{2}:\d{2}))?/.exec(text);
  const iso = european
    ? `${european[3]}-${european[2]}-${european[1]}T${european[4] ?? '00:00:00'}Z`
    : text.replace(' UTC', 'Z').replace(/^(\d{4}-\d{2}-\d{2}) /, '$1T');
  const time = Date.parse(/T/.test(iso) ? iso : `${iso}T00:00:00Z`);

  if (Number.isNaN(time)) {
    throw new ChannelPayloadError(
      `${field}: "${value}" is not a date such as "2024-03-17 00:00:00 UTC"`,
      field,
      settlementId,
    );
  }

  return new Date(time).toISOString();
}
