import {
  ORDER_SCHEMA_VERSION,
  PAYOUT_SCHEMA_VERSION,
  REFUND_SCHEMA_VERSION,
  type Discount,
  type Order,
  type OrderLine,
  type Payout,
  type PayoutTransaction,
  type Refund,
  type RefundLine,
  type TaxLine,
} from '@qbsync/contracts';
import { parse } from 'csv-parse/sync';

import { ChannelPayloadError } from '../channel/channel-adapter';
import {
  assignDefined,
  buildSource,
  epochToIso,
  firstText,
  parseChannelPayload,
  readCurrency,
  readDecimal,
  splitLineTotal,
  validateOrder,
  validatePayout,
  validateRefund,
  type ChannelNormaliseContext,
} from '../channel-support';
import { walmartOrderSchema, type WalmartMoney, type WalmartOrder } from './walmart.schemas';

class WalmartMoneyReader {
  constructor(
    readonly currency: string,
    private readonly recordId: string,
  ) {}

  read(money: WalmartMoney | null | undefined, field: string): number {
    if (!money) {
      return 0;
    }

    if (money.currency !== this.currency) {
      throw new ChannelPayloadError(
        `${field}.currency: "${money.currency}" differs from the order's ${this.currency}`,
        `${field}.currency`,
        this.recordId,
      );
    }

    return readDecimal(money.amount, this.currency, `${field}.amount`, this.recordId);
  }
}

function readerFor(order: WalmartOrder): WalmartMoneyReader {
  const first = order.orderLines.orderLine[0].charges.charge[0];

  return new WalmartMoneyReader(
    readCurrency(
      first?.chargeAmount.currency ?? 'USD',
      'orderLines.orderLine[0].charges.charge[0].chargeAmount.currency',
      order.purchaseOrderId,
    ),
    order.purchaseOrderId,
  );
}

function isCancelled(line: WalmartOrder['orderLines']['orderLine'][number]): boolean {
  const statuses = line.orderLineStatuses?.orderLineStatus ?? [];

  return statuses.length > 0 && statuses.every((status) => status.status === 'Cancelled');
}

/**
 * Converts a Walmart Marketplace purchase order into the canonical order. Walmart reports no
 * order total, so the total is the sum of every line's charges and their tax. `PRODUCT` charges
 * (the price of the line's whole quantity) become lines, and `DISCOUNT` charges (negative) their
 * discounts. `SHIPPING` charges make one shipping line, and `FEE` charges item-less lines. Lines
 * whose every status is Cancelled are left out. Throws `ChannelPayloadError` naming the Walmart field.
 */
export function normaliseWalmartOrder(payload: unknown, context: ChannelNormaliseContext): Order {
  const order = parseChannelPayload(
    walmartOrderSchema,
    payload,
    'Walmart order',
    (raw) => raw.purchaseOrderId,
  );
  const money = readerFor(order);
  const lines: OrderLine[] = [];
  const shipping = { price: 0, tax: 0, discount: 0 };
  let total = 0;
  let updatedAt = order.orderDate;

  for (const [index, line] of order.orderLines.orderLine.entries()) {
    if (isCancelled(line)) {
      continue;
    }

    const path = `orderLines.orderLine[${index}]`;
    const quantity = Number(line.orderLineQuantity.amount);

    if (!Number.isSafeInteger(quantity) || quantity <= 0) {
      throw new ChannelPayloadError(
        `${path}.orderLineQuantity.amount: "${line.orderLineQuantity.amount}" must be a whole number greater than zero`,
        `${path}.orderLineQuantity.amount`,
        order.purchaseOrderId,
      );
    }

    updatedAt = Math.max(updatedAt, line.statusDate ?? 0);

    let price = 0;
    let tax = 0;
    const discounts: Discount[] = [];

    for (const [chargeIndex, charge] of line.charges.charge.entries()) {
      const chargePath = `${path}.charges.charge[${chargeIndex}]`;
      const amount = money.read(charge.chargeAmount, `${chargePath}.chargeAmount`);
      const chargeTax = money.read(charge.tax?.taxAmount, `${chargePath}.tax.taxAmount`);

      total += amount + chargeTax;

      switch (charge.chargeType) {
        case 'PRODUCT':
          price += amount;
          tax += chargeTax;
          break;
        case 'SHIPPING':
          shipping.price += Math.max(0, amount);
          shipping.discount += Math.max(0, -amount);
          shipping.tax += chargeTax;
          break;
        case 'DISCOUNT':
          discounts.push({
            title: firstText(charge.chargeName) ?? 'Discount',
            amount: Math.abs(amount),
          });
          tax += chargeTax;
          break;
        default:
          lines.push(
            feeLine(
              `${line.lineNumber}-${chargeIndex}`,
              firstText(charge.chargeName, charge.chargeType) ?? 'Fee',
              amount,
              chargeTax,
              chargePath,
              order.purchaseOrderId,
            ),
          );
      }
    }

    if (price < 0) {
      throw new ChannelPayloadError(
        `${path}.charges: the PRODUCT charges add up to a negative price`,
        `${path}.charges`,
        order.purchaseOrderId,
      );
    }

    const { unitPrice, remainder } = splitLineTotal(price, quantity);

    if (remainder > 0) {
      discounts.push({ title: 'Rounding', amount: remainder });
    }

    lines.push({
      lineId: line.lineNumber,
      sku: line.item.sku?.trim() ?? '',
      name: firstText(line.item.productName, line.item.sku) ?? `Order line ${line.lineNumber}`,
      quantity,
      unitPrice,
      discounts,
      taxes: tax > 0 ? [{ name: 'Sales tax', rate: '0', amount: tax }] : [],
      taxable: tax > 0,
      requiresShipping: true,
      giftCard: false,
      customFields: (line.orderLineStatuses?.orderLineStatus ?? [])
        .slice(0, 1)
        .map((status) => ({ name: 'status', value: status.status })),
    });
  }

  if (lines.length === 0) {
    throw new ChannelPayloadError(
      'orderLines.orderLine: every line is Cancelled, so the order has nothing to post',
      'orderLines.orderLine',
      order.purchaseOrderId,
    );
  }

  const allLines = [...lines];
  const shippingLines =
    shipping.price > 0
      ? [
          {
            title: firstText(order.shippingInfo?.methodCode) ?? 'Shipping',
            price: shipping.price,
            discounts:
              shipping.discount > 0
                ? [{ title: 'Shipping discount', amount: shipping.discount }]
                : [],
            taxes: shipping.tax > 0 ? [{ name: 'Sales tax', rate: '0', amount: shipping.tax }] : [],
          },
        ]
      : [];
  const taxes: TaxLine[] = [...allLines, ...shippingLines].flatMap((line) => line.taxes);
  const address = order.shippingInfo?.postalAddress;
  const [firstName, ...rest] = (address?.name ?? '').trim().split(/\s+/);

  const normalised: Order = {
    schemaVersion: ORDER_SCHEMA_VERSION,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'walmart',
    channelOrderId: order.purchaseOrderId,
    orderNumber: order.customerOrderId,
    createdAt: epochToIso(order.orderDate, 'milliseconds'),
    updatedAt: epochToIso(updatedAt, 'milliseconds'),
    currency: money.currency,
    presentmentCurrency: money.currency,
    taxesIncluded: false,
    customer: assignDefined(
      {},
      {
        email: firstText(order.customerEmailId),
        phone: firstText(order.shippingInfo?.phone),
        firstName: firstText(firstName),
        lastName: firstText(rest.join(' ')),
      },
    ),
    lines: allLines,
    shippingLines,
    orderDiscounts: [],
    taxLines: [],
    payments: [{ gateway: 'walmart', amount: total, kind: 'sale', status: 'success' }],
    totals: {
      subtotal: allLines.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0),
      discounts: [...allLines, ...shippingLines]
        .flatMap((line) => line.discounts)
        .reduce((sum, discount) => sum + discount.amount, 0),
      shipping: shipping.price,
      tax: taxes.reduce((sum, tax) => sum + tax.amount, 0),
      total,
    },
    tags: [],
    customFields: [
      ['orderType', order.orderType],
      ['shipNode', order.shipNode?.type],
      ['purchaseOrderId', order.purchaseOrderId],
    ].flatMap(([name, value]) => (name && value ? [{ name, value }] : [])),
    source: buildSource(context, `walmart:order:${order.purchaseOrderId}`),
  };

  assignDefined(normalised, {
    shippingAddress: address
      ? assignDefined(
          {},
          {
            name: firstText(address.name),
            line1: firstText(address.address1),
            line2: firstText(address.address2),
            city: firstText(address.city),
            regionCode: firstText(address.state),
            postalCode: firstText(address.postalCode),
            country: firstText(address.country),
            phone: firstText(order.shippingInfo?.phone),
          },
        )
      : undefined,
  });

  return validateOrder(normalised, 'Walmart');
}

function feeLine(
  lineId: string,
  name: string,
  amount: number,
  tax: number,
  path: string,
  orderId: string,
): OrderLine {
  if (amount < 0) {
    throw new ChannelPayloadError(
      `${path}.chargeAmount.amount: a ${name} charge must not be negative`,
      `${path}.chargeAmount.amount`,
      orderId,
    );
  }

  return {
    lineId,
    sku: '',
    name,
    quantity: 1,
    unitPrice: amount,
    discounts: [],
    taxes: tax > 0 ? [{ name: 'Sales tax', rate: '0', amount: tax }] : [],
    taxable: tax > 0,
    requiresShipping: false,
    giftCard: false,
    customFields: [],
  };
}

/**
 * Returns the canonical refunds of a Walmart order, one per `refundId` across its lines. Walmart
 * sends refunded charges as negative amounts; they become positive here.
 */
export function normaliseWalmartRefunds(
  payload: unknown,
  context: ChannelNormaliseContext,
): Refund[] {
  const order = parseChannelPayload(
    walmartOrderSchema,
    payload,
    'Walmart order',
    (raw) => raw.purchaseOrderId,
  );
  const money = readerFor(order);
  const refunds = new Map<
    string,
    {
      lines: RefundLine[];
      shipping: number;
      shippingTax: number;
      reason?: string;
      createdAt: number;
    }
  >();

  for (const [index, line] of order.orderLines.orderLine.entries()) {
    if (!line.refund) {
      continue;
    }

    const path = `orderLines.orderLine[${index}].refund`;
    const refundId =
      firstText(line.refund.refundId) ?? `${order.purchaseOrderId}-${line.lineNumber}`;
    const refund = refunds.get(refundId) ?? {
      lines: [],
      shipping: 0,
      shippingTax: 0,
      createdAt: line.statusDate ?? order.orderDate,
    };
    let amount = 0;
    let tax = 0;

    for (const [
      chargeIndex,
      { refundReason, charge },
    ] of line.refund.refundCharges.refundCharge.entries()) {
      const chargePath = `${path}.refundCharges.refundCharge[${chargeIndex}].charge`;
      const value = -money.read(charge.chargeAmount, `${chargePath}.chargeAmount`);
      const chargeTax = -money.read(charge.tax?.taxAmount, `${chargePath}.tax.taxAmount`);

      refund.reason ??= firstText(refundReason, line.refund.refundComments);

      if (charge.chargeType === 'SHIPPING') {
        refund.shipping += value;
        refund.shippingTax += chargeTax;
      } else {
        amount += value;
        tax += chargeTax;
      }
    }

    if (amount !== 0 || tax !== 0) {
      refund.lines.push({
        lineId: line.lineNumber,
        sku: line.item.sku?.trim() ?? '',
        name: firstText(line.item.productName, line.item.sku) ?? `Order line ${line.lineNumber}`,
        quantity: Math.max(1, Number(line.orderLineQuantity.amount) || 1),
        amount: Math.max(0, amount),
        tax: Math.max(0, tax),
        restock: false,
      });
    }

    refunds.set(refundId, refund);
  }

  return [...refunds.entries()].map(([refundId, refund]) => {
    const subtotal = refund.lines.reduce((sum, line) => sum + line.amount, 0);
    const tax =
      refund.lines.reduce((sum, line) => sum + line.tax, 0) + Math.max(0, refund.shippingTax);
    const shipping = Math.max(0, refund.shipping);
    const total = subtotal + shipping + tax;
    const normalised: Refund = {
      schemaVersion: REFUND_SCHEMA_VERSION,
      accountId: context.accountId,
      connectionId: context.connectionId,
      channel: 'walmart',
      channelOrderId: order.purchaseOrderId,
      orderNumber: order.customerOrderId,
      channelRefundId: refundId,
      createdAt: epochToIso(refund.createdAt, 'milliseconds'),
      status: 'completed',
      kind: 'refund',
      currency: money.currency,
      lines: refund.lines,
      shipping: { amount: shipping, tax: Math.max(0, refund.shippingTax) },
      adjustments: [],
      taxLines: [],
      transactions: [{ gateway: 'walmart', amount: total, kind: 'other', status: 'success' }],
      totals: { subtotal, shipping, tax, adjustments: 0, total },
      customFields: [],
      source: buildSource(context, `walmart:refund:${order.purchaseOrderId}:${refundId}`),
    };

    assignDefined(normalised, { reason: refund.reason });

    return validateRefund(normalised, 'Walmart');
  });
}

/** Reconciliation report columns the parser needs. */
const RECON_COLUMNS = [
  'Period End Date',
  'Total Payable',
  'Currency',
  'Transaction Key',
  'Transaction Type',
  'Amount',
  'Amount Type',
] as const;

const RECON_TYPES: Record<string, PayoutTransaction['type']> = {
  SALE: 'charge',
  REFUNDED: 'refund',
  ADJUSTMENT: 'adjustment',
  'SERVICE FEE': 'fee',
  CHARGEBACK: 'chargeback',
};

/**
 * Parses a Walmart reconciliation report (the CSV of `reconFile`) into the canonical payout for
 * its period. Rows are grouped by `Transaction Key`: price and tax amounts make the gross,
 * commissions the fee, and tax Walmart withheld as marketplace facilitator its own `tax_withheld`
 * transaction, so `net = gross - fee` is true and the nets add up to `Total Payable`.
 */
export function parseWalmartReconReport(text: string, context: ChannelNormaliseContext): Payout {
  let rows: Record<string, string>[];

  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, bom: true, trim: true }) as Record<
      string,
      string
    >[];
  } catch (error) {
    throw new ChannelPayloadError(
      `(report): is not a CSV reconciliation report (${(error as Error).message})`,
      '(report)',
      undefined,
      { cause: error },
    );
  }

  const first = rows[0];

  if (!first) {
    throw new ChannelPayloadError('(report): has no rows', '(report)');
  }

  for (const column of RECON_COLUMNS) {
    if (!(column in first)) {
      throw new ChannelPayloadError(
        `${column}: column is missing; expected a Walmart reconciliation report`,
        column,
      );
    }
  }

  const periodEnd = usDate(first['Period End Date'], 'row 2 Period End Date');
  const payoutId = `recon-${periodEnd}`;
  const currency = readCurrency(first.Currency, 'row 2 Currency', payoutId);
  const groups = new Map<string, PayoutTransaction>();

  for (const [index, row] of rows.entries()) {
    const rowName = `row ${index + 2}`;
    const amount = readDecimal(row.Amount, currency, `${rowName} Amount`, payoutId);
    const amountType = row['Amount Type'] ?? '';
    const withheld = /withheld/i.test(amountType);
    const key = `${row['Transaction Key']}${withheld ? '|withheld' : ''}`;
    const orderId = firstText(row['Purchase Order #']);
    const type: PayoutTransaction['type'] = withheld
      ? 'tax_withheld'
      : /label/i.test(row['Transaction Description'] ?? '')
        ? 'shipping_label'
        : (RECON_TYPES[row['Transaction Type']] ?? 'other');
    const group =
      groups.get(key) ??
      assignDefined<PayoutTransaction>(
        { transactionId: key, type, gross: 0, fee: 0, net: 0 },
        {
          channelOrderId: orderId,
          orderNumber: firstText(row['Customer Order #']),
          description: firstText(row['Transaction Description'], row['Transaction Type']),
          processedAt: row['Transaction Posted Timestamp']
            ? `${usDate(row['Transaction Posted Timestamp'], `${rowName} Transaction Posted Timestamp`)}T00:00:00.000Z`
            : undefined,
        },
      );

    // Commissions are negative amounts Walmart keeps; the contract counts a charged fee as positive.
    if (/commission|fee/i.test(amountType) && !/reimbursement/i.test(amountType)) {
      group.fee -= amount;
    } else {
      group.gross += amount;
    }

    group.net = group.gross - group.fee;
    groups.set(key, group);
  }

  return validatePayout(
    {
      schemaVersion: PAYOUT_SCHEMA_VERSION,
      accountId: context.accountId,
      connectionId: context.connectionId,
      channel: 'walmart',
      payoutId,
      status: 'paid',
      date: periodEnd,
      currency,
      amount: readDecimal(first['Total Payable'], currency, 'row 2 Total Payable', payoutId),
      periodStart: first['Period Start Date']
        ? `${usDate(first['Period Start Date'], 'row 2 Period Start Date')}T00:00:00.000Z`
        : undefined,
      periodEnd: `${periodEnd}T00:00:00.000Z`,
      transactions: [...groups.values()],
      source: buildSource(context, `walmart:recon:${periodEnd}`),
    },
    'Walmart',
  );
}

/** Reads Walmart's MM/DD/YYYY dates as YYYY-MM-DD. */
function usDate(value: string, field: string): string {
  const match = /^(\d{2})\/(\d{2})\/(\d{4})/.exec(value.trim());
  const iso = match ? `${match[3]}-${match[1]}-${match[2]}` : '';

  if (!match || Number.isNaN(Date.parse(`${iso}T00:00:00Z`))) {
    throw new ChannelPayloadError(`${field}: "${value}" is not a date such as 03/14/2024`, field);
  }

  return iso;
}
