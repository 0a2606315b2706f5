import { type Order } from '@qbsync/contracts';
import { checkOrderTotals } from '@qbsync/accounting';
import { parse } from 'csv-parse/sync';

import {
  type ChannelEvent,
  ChannelPayloadError,
  type UploadParseResult,
} from '../channel/channel-adapter';
import {
  cancellationOf,
  type CustomNormaliseContext,
  normaliseCustomOrder,
} from './custom-order.normaliser';

/** Order columns; every row of one order repeats them with the same values. */
export const CSV_ORDER_COLUMNS = [
  'OrderNumber',
  'CreationDate',
  'ModifiedDate',
  'OrderStatus',
  'StoreName',
  'StoreType',
  'CurrencyCode',
  'ExchangeRate',
  'Total',
  'TotalTax',
  'TaxRate',
  'IsTaxInclusive',
  'SalesTaxName',
  'ShippingExclTax',
  'ShippingInclTax',
  'ShippingMethod',
  'Discounts',
  'DiscountExclTax',
  'DiscountInclTax',
  'AmountPaid',
  'PaidDate',
  'PaymentGatewayNames',
  'ReferenceNumber',
  'PONumber',
  'Note',
  'PrivateNote',
  'CustomerNote',
  'Tags',
  'ParentOrderNumber',
  'BillingAddress.FirstName',
  'BillingAddress.LastName',
  'BillingAddress.FullName',
  'BillingAddress.Company',
  'BillingAddress.Address1',
  'BillingAddress.Address2',
  'BillingAddress.City',
  'BillingAddress.RegionName',
  'BillingAddress.PostalCode',
  'BillingAddress.Country',
  'BillingAddress.Email',
  'BillingAddress.PhoneNumber',
  'ShippingAddress.FirstName',
  'ShippingAddress.LastName',
  'ShippingAddress.FullName',
  'ShippingAddress.Company',
  'ShippingAddress.Address1',
  'ShippingAddress.Address2',
  'ShippingAddress.City',
  'ShippingAddress.RegionName',
  'ShippingAddress.PostalCode',
  'ShippingAddress.Country',
  'ShippingAddress.Email',
  'ShippingAddress.PhoneNumber',
] as const;

/** Line columns, one line item per row. */
export const CSV_LINE_COLUMNS = [
  'Lines.Sku',
  'Lines.Name',
  'Lines.Quantity',
  'Lines.PriceExclTax',
  'Lines.PriceInclTax',
  'Lines.DiscountExclTax',
  'Lines.DiscountInclTax',
  'Lines.HasTax',
  'Lines.TaxCode',
  'Lines.IsShipping',
  'Lines.InventorySiteLocation',
  'Lines.UnitOfMeasure',
  'Lines.UPC',
] as const;

const REQUIRED_COLUMNS = [
  'OrderNumber',
  'CreationDate',
  'CurrencyCode',
  'Total',
  'Lines.Sku',
  'Lines.Name',
  'Lines.Quantity',
];
const KNOWN_COLUMNS = new Set<string>([...CSV_ORDER_COLUMNS, ...CSV_LINE_COLUMNS]);

type CsvError = UploadParseResult['errors'][number];

interface OrderRows {
  orderNumber: string;
  /** Spreadsheet row numbers (the header is row 1) of the order's rows, in file order. */
  rows: number[];
  body: Record<string, unknown>;
}

/**
 * Parses an orders CSV (one row per line item, order columns repeated) into order events, and
 * reports every problem with its row and column. The column layout is published in
 * docs/custom-store.md.
 */
export function parseCustomOrdersCsv(
  csv: string,
  context: CustomNormaliseContext,
): UploadParseResult {
  let records: string[][];

  try {
    records = parse(csv, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
    });
  } catch (error) {
    const line = (error as { lines?: number }).lines;

    return {
      rows: 0,
      events: [],
      errors: [
        {
          row: line ?? 1,
          column: '(file)',
          message: `is not valid CSV: ${(error as Error).message}`,
        },
      ],
    };
  }

  const [header = [], ...rows] = records;
  const errors = checkHeader(header);

  if (errors.length > 0) {
    return { rows: rows.length, events: [], errors };
  }

  const orders = groupOrders(header, rows, errors);
  const events: ChannelEvent[] = [];

  for (const order of orders.values()) {
    const event = normaliseRows(order, context, errors);

    if (event) {
      events.push(...event);
    }
  }

  return { rows: rows.length, events: errors.length > 0 ? [] : events, errors };
}

function checkHeader(header: string[]): CsvError[] {
  const errors: CsvError[] = [];
  const seen = new Set<string>();

  header.forEach((column) => {
    if (!KNOWN_COLUMNS.has(column)) {
      errors.push({
        row: 1,
        column,
        message: 'is not a known column; see docs/custom-store.md for the layout',
      });
    }

    if (seen.has(column)) {
      errors.push({ row: 1, column, message: 'appears twice in the header' });
    }

    seen.add(column);
  });

  for (const column of REQUIRED_COLUMNS) {
    if (!seen.has(column)) {
      errors.push({ row: 1, column, message: 'is missing from the header; it is required' });
    }
  }

  if (!seen.has('Lines.PriceExclTax') && !seen.has('Lines.PriceInclTax')) {
    errors.push({
      row: 1,
      column: 'Lines.PriceExclTax',
      message: 'is missing; add Lines.PriceExclTax or Lines.PriceInclTax',
    });
  }

  return errors;
}

function groupOrders(
  header: string[],
  rows: string[][],
  errors: CsvError[],
): Map<string, OrderRows> {
  const orders = new Map<string, OrderRows>();

  rows.forEach((cells, index) => {
    const row = index + 2;

    if (cells.length !== header.length) {
      errors.push({
        row,
        column: '(row)',
        message: `has ${cells.length} cells but the header has ${header.length}`,
      });

      return;
    }

    const values = new Map(header.map((column, position) => [column, cells[position]]));
    const orderNumber = values.get('OrderNumber') ?? '';

    if (!orderNumber) {
      errors.push({ row, column: 'OrderNumber', message: 'is empty; every row names its order' });

      return;
    }

    let order = orders.get(orderNumber);

    if (!order) {
      order = { orderNumber, rows: [], body: { Lines: [] } };
      orders.set(orderNumber, order);

      for (const column of CSV_ORDER_COLUMNS) {
        const value = values.get(column);

        if (value !== undefined && value !== '') {
          setPath(order.body, column, value);
        }
      }
    } else {
      for (const column of CSV_ORDER_COLUMNS) {
        const first = getPath(order.body, column) ?? '';
        const value = values.get(column) ?? '';

        if (values.has(column) && value !== first) {
          errors.push({
            row,
            column,
            message: `is "${value}" but row ${order.rows[0]} of order ${orderNumber} has "${String(first)}"; repeat the same order values on every row`,
          });
        }
      }
    }

    order.rows.push(row);
    const line: Record<string, unknown> = {};

    for (const column of CSV_LINE_COLUMNS) {
      const value = values.get(column);

      if (value !== undefined && value !== '') {
        line[column.slice('Lines.'.length)] = value;
      }
    }

    (order.body.Lines as unknown[]).push(line);
  });

  return orders;
}

function normaliseRows(
  order: OrderRows,
  context: CustomNormaliseContext,
  errors: CsvError[],
): ChannelEvent[] | undefined {
  let normalised: Order;

  try {
    normalised = normaliseCustomOrder(order.body, { ...context, sourceKind: 'upload' });
  } catch (error) {
    if (!(error instanceof ChannelPayloadError)) {
      throw error;
    }

    errors.push(locate(order, error));

    return undefined;
  }

  for (const inconsistency of checkOrderTotals(normalised)) {
    errors.push({
      row: order.rows[0],
      column:
        inconsistency.field === 'total'
          ? 'Total'
          : inconsistency.field === 'tax'
            ? 'TotalTax'
            : 'Lines.PriceExclTax',
      message: `order ${order.orderNumber}: ${inconsistency.message}`,
    });
  }

  const events: ChannelEvent[] = [
    { kind: 'order', order: normalised, revision: normalised.updatedAt },
  ];

  if (normalised.cancelledAt) {
    events.push({
      kind: 'refund',
      refund: cancellationOf(normalised),
      revision: normalised.updatedAt,
    });
  }

  return events;
}

/** Maps an error's field path (`Lines[2].Quantity`, `Total`) to the row and column it came from. */
function locate(order: OrderRows, error: ChannelPayloadError): CsvError {
  const field =
    error.field ?? /(?:^|\s)((?:Lines\[\d+\]\.)?[A-Z][\w.]*):/.exec(error.message)?.[1] ?? '';
  const line = /^Lines[.[](\d+)\]?\.?(\w+)?/.exec(field);

  if (line) {
    const index = Number(line[1]);

    return {
      row: order.rows[index] ?? order.rows[0],
      column: line[2] ? `Lines.${line[2]}` : 'Lines',
      message: error.message,
    };
  }

  return { row: order.rows[0], column: field || '(order)', message: error.message };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const [head, tail] = path.split('.', 2);

  if (tail === undefined) {
    target[head] = value;

    return;
  }

  const child = (target[head] ??= {}) as Record<string, unknown>;

  child[tail] = value;
}

function getPath(target: Record<string, unknown>, path: string): unknown {
  const [head, tail] = path.split('.', 2);

  return tail === undefined
    ? target[head]
    : (target[head] as Record<string, unknown> | undefined)?.[tail];
}
