import {
  minorToDecimal,
  type Order,
  type Refund,
  type RefundLine,
  type TaxLine,
} from '@qbsync/contracts';

import {
  AccountingError,
  AccountingErrorCode,
  OrderDoesNotBalanceError,
} from './accounting.errors';
import { sumAmounts } from './amounts';
import {
  PRIVATE_NOTE_MAX_LENGTH,
  QBO_DOC_NUMBER_MAX_LENGTH,
  formatSequencedDocNumber,
} from './document-fields';
import { buildPlanCustomer } from './plan-customer';
import { DEFAULT_MAX_ADJUSTMENT_CAP, DEFAULT_SHIPPING_ITEM_NAME } from './posting-plan';
import { type AdjustmentPlanLine, type PlanTaxLine } from './posting-plan.types';
import {
  type RefundItemPlanLine,
  type RefundPlan,
  type RefundPlanLine,
  type RefundPlanOptions,
  type RefundShippingPlanLine,
} from './refund-plan.types';

export const DEFAULT_REFUND_ADJUSTMENT_ITEM_NAME = 'Refund Adjustment';
/** Non-inventory item that Shopify refunds without restock post to unless the options name another. */
export const SHOPIFY_NO_RESTOCK_ITEM_NAME = 'ShopifyNoRestock';

/**
 * Builds the plan of the credit document for one channel refund: only the refunded lines and
 * quantities, refunded shipping, the channel's refund adjustments and the refunded tax.
 * `original` is the refunded order when the caller has it: it supplies the customer, the line
 * descriptions and whether prices include tax.
 *
 * Throws an `AccountingError` with code `InvalidOption` for bad options or a refund of another
 * order, and `OrderDoesNotBalanceError` when the parts miss the channel total by more than
 * `maxAdjustment`.
 */
export function buildRefundPlan(
  refund: Refund,
  original?: Order,
  options: RefundPlanOptions = {},
): RefundPlan {
  assertSameOrder(refund, original);

  const taxesIncluded = original?.taxesIncluded ?? false;
  const noRestockItemName = resolveNoRestockItem(refund, options.noRestockItemName);
  const itemLines = refund.lines.flatMap((line) =>
    buildRefundItemLines(line, original, taxesIncluded, noRestockItemName),
  );
  const shippingLines = buildRefundShippingLines(
    refund,
    taxesIncluded,
    options.shippingItemName ?? DEFAULT_SHIPPING_ITEM_NAME,
  );
  const adjustmentItemName = options.adjustmentItemName ?? DEFAULT_REFUND_ADJUSTMENT_ITEM_NAME;
  const channelAdjustments = refund.adjustments
    .filter((adjustment) => adjustment.amount !== 0)
    .map((adjustment): AdjustmentPlanLine => ({
      kind: 'adjustment',
      itemName: adjustmentItemName,
      description: adjustment.reason,
      amount: adjustment.amount,
    }));
  const lines: RefundPlanLine[] = [...itemLines, ...shippingLines, ...channelAdjustments];
  const taxTotal = refund.totals.tax;
  const computedTotal = computeRefundTotal(lines, taxTotal, taxesIncluded);
  const tolerance = resolveTolerance(options.maxAdjustment);
  const rounding = buildRoundingLine(refund, computedTotal, tolerance, adjustmentItemName);

  if (rounding) {
    lines.push(rounding.line);
  }

  const subtotal = sumAmounts(lines.map((line) => line.amount));
  const number = formatSequencedDocNumber(
    original?.orderNumber ?? refund.orderNumber,
    refund.channelOrderId,
    options.docNumberPrefix ?? '',
    options.sequence ?? 0,
    options.docNumberMaxLength ?? QBO_DOC_NUMBER_MAX_LENGTH,
  );

  const plan: RefundPlan = {
    documentKind: options.documentKind ?? 'refund_receipt',
    currency: refund.currency,
    channelRefundId: refund.channelRefundId,
    channelOrderId: refund.channelOrderId,
    requestedDocNumber: number.requested,
    txnDate: formatRefundDate(refund, options.timeZone),
    privateNote: formatRefundNote(refund),
    lines,
    taxTreatment: taxesIncluded ? 'inclusive' : 'exclusive',
    taxTotal,
    taxLines: buildRefundTaxLines(refund),
    subtotal,
    total: taxesIncluded ? subtotal : sumAmounts([subtotal, taxTotal]),
    channelTotal: refund.totals.total,
  };

  if (number.docNumber !== undefined) {
    plan.docNumber = number.docNumber;
  }

  if (original) {
    plan.customer = buildPlanCustomer(original);
  }

  if (rounding) {
    plan.adjustment = rounding.adjustment;
  }

  return plan;
}

/** Returns a memo such as "shopify refund 509562969 of order 450789469 (#1001)". */
export function formatRefundNote(refund: Refund): string {
  const note =
    `${refund.channel} refund ${refund.channelRefundId} of order ${refund.channelOrderId} ` +
    `(${refund.orderNumber})`;

  return note.slice(0, PRIVATE_NOTE_MAX_LENGTH);
}

function assertSameOrder(refund: Refund, original: Order | undefined): void {
  if (!original) {
    return;
  }

  if (
    original.channelOrderId !== refund.channelOrderId ||
    original.channel !== refund.channel ||
    original.accountId !== refund.accountId
  ) {
    throw new AccountingError(
      AccountingErrorCode.InvalidOption,
      `Refund ${refund.channelRefundId} belongs to ${refund.channel} order ${refund.channelOrderId}, ` +
        `not to ${original.channel} order ${original.channelOrderId}: pass the refunded order`,
    );
  }

  if (original.currency !== refund.currency) {
    throw new AccountingError(
      AccountingErrorCode.InvalidOption,
      `Refund ${refund.channelRefundId} is in ${refund.currency} but its order is in ` +
        `${original.currency}: a refund must be in the currency of the order it refunds`,
    );
  }
}

function resolveNoRestockItem(
  refund: Refund,
  option: string | null | undefined,
): string | undefined {
  if (option === null) {
    return undefined;
  }

  return option ?? (refund.channel === 'shopify' ? SHOPIFY_NO_RESTOCK_ITEM_NAME : undefined);
}

/**
 * Builds the lines of one refunded order line. An amount that divides evenly by the quantity gives
 * one line. Otherwise `remainder` units carry one minor unit more than the rest, so the two lines
 * sum to the refunded amount exactly and each still satisfies `quantity × unitPrice`.
 */
function buildRefundItemLines(
  line: RefundLine,
  original: Order | undefined,
  taxesIncluded: boolean,
  noRestockItemName: string | undefined,
): RefundItemPlanLine[] {
  const originalLine = original?.lines.find((candidate) => candidate.lineId === line.lineId);
  const amount = taxesIncluded ? sumAmounts([line.amount, line.tax]) : line.amount;
  const baseUnitPrice = Math.floor(amount / line.quantity);
  const remainder = amount - baseUnitPrice * line.quantity;
  const description = originalLine?.variantTitle
    ? `${originalLine.name} - ${originalLine.variantTitle}`
    : line.name;
  const template = {
    kind: 'item' as const,
    sku: originalLine?.sku ?? line.sku,
    name: line.name,
    description: line.restock ? description : `${description} (refunded without restock)`,
    taxable: line.tax > 0,
    restock: line.restock,
    lineId: line.lineId,
    ...(!line.restock && noRestockItemName ? { noRestockItemName } : {}),
  };
  const parts: Array<{ quantity: number; unitPrice: number }> = [
    { quantity: line.quantity - remainder, unitPrice: baseUnitPrice },
    { quantity: remainder, unitPrice: baseUnitPrice + 1 },
  ];

  return parts
    .filter((part) => part.quantity > 0)
    .map((part) => ({
      ...template,
      quantity: part.quantity,
      unitPrice: part.unitPrice,
      amount: part.quantity * part.unitPrice,
    }));
}

function buildRefundShippingLines(
  refund: Refund,
  taxesIncluded: boolean,
  itemName: string,
): RefundShippingPlanLine[] {
  const { amount, tax } = refund.shipping;

  if (amount === 0) {
    return [];
  }

  return [
    {
      kind: 'shipping',
      itemName,
      description: 'Refunded shipping',
      amount: taxesIncluded ? sumAmounts([amount, tax]) : amount,
      taxable: tax > 0,
    },
  ];
}

function computeRefundTotal(
  lines: readonly RefundPlanLine[],
  taxTotal: number,
  taxesIncluded: boolean,
): number {
  const lineTotal = sumAmounts(lines.map((line) => line.amount));

  return taxesIncluded ? lineTotal : sumAmounts([lineTotal, taxTotal]);
}

function buildRoundingLine(
  refund: Refund,
  computedTotal: number,
  tolerance: number,
  itemName: string,
): { line: AdjustmentPlanLine; adjustment: { amount: number; reason: string } } | undefined {
  const difference = refund.totals.total - computedTotal;
  const format = (amount: number): string =>
    `${minorToDecimal(amount, refund.currency)} ${refund.currency}`;

  if (difference === 0) {
    return undefined;
  }

  if (Math.abs(difference) > tolerance) {
    throw new OrderDoesNotBalanceError(
      `Refund ${refund.channel} ${refund.channelRefundId} of order ${refund.channelOrderId} ` +
        `(${refund.orderNumber}) does not balance: the channel refunded ` +
        `${format(refund.totals.total)} but its lines, shipping, adjustments and tax add up to ` +
        `${format(computedTotal)}. The difference of ${format(difference)} is more than the ` +
        `rounding tolerance of ${format(tolerance)}, so compare the refund with the channel.`,
      {
        currency: refund.currency,
        channelTotal: refund.totals.total,
        computedTotal,
        itemTotal: sumAmounts(refund.lines.map((line) => line.amount)),
        shippingTotal: refund.shipping.amount,
        discountTotal: 0,
        taxTotal: refund.totals.tax,
        taxesIncluded: false,
        tolerance,
      },
    );
  }

  const reason =
    `The channel refund total ${format(refund.totals.total)} differs from the computed total ` +
    `${format(computedTotal)} by ${format(difference)}, within the rounding tolerance of ` +
    `${format(tolerance)}`;

  return {
    line: {
      kind: 'adjustment',
      itemName,
      description: 'Rounding adjustment to match the channel refund total',
      amount: difference,
    },
    adjustment: { amount: difference, reason },
  };
}

function resolveTolerance(maxAdjustment: number | undefined): number {
  if (maxAdjustment === undefined) {
    return DEFAULT_MAX_ADJUSTMENT_CAP;
  }

  if (!Number.isSafeInteger(maxAdjustment) || maxAdjustment < 0) {
    throw new AccountingError(
      AccountingErrorCode.InvalidOption,
      `Invalid maxAdjustment ${maxAdjustment}: expected a whole number of minor units, 0 or more`,
    );
  }

  return maxAdjustment;
}

/**
 * Returns the refund's tax summary, else the line and shipping taxes summed. Refund lines carry
 * only an amount of tax, so without a summary the whole tax is one line named after the refund.
 */
function buildRefundTaxLines(refund: Refund): PlanTaxLine[] {
  if (refund.taxLines.length > 0) {
    return refund.taxLines.map(toPlanTaxLine);
  }

  return refund.totals.tax > 0
    ? [{ name: 'Refunded tax', rate: '0', amount: refund.totals.tax }]
    : [];
}

function toPlanTaxLine(tax: TaxLine): PlanTaxLine {
  const line: PlanTaxLine = { name: tax.name, rate: tax.rate, amount: tax.amount };

  if (tax.jurisdiction !== undefined) {
    line.jurisdiction = tax.jurisdiction;
  }

  return line;
}

function formatRefundDate(refund: Refund, timeZone: string | undefined): string {
  const timestamp = refund.processedAt ?? refund.createdAt;

  if (timeZone === undefined) {
    return timestamp.slice(0, 10);
  }

  let formatter: Intl.DateTimeFormat;

  try {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
  } catch (error) {
    throw new AccountingError(
      AccountingErrorCode.InvalidOption,
      `Invalid timeZone "${timeZone}": use an IANA time zone name such as America/New_York`,
      { cause: error },
    );
  }

  const parts = Object.fromEntries(
    formatter.formatToParts(new Date(timestamp)).map((part) => [part.type, part.value]),
  );

  return `${parts.year}-${parts.month}-${parts.day}`;
}
