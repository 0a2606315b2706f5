import {
  AccountingError,
  buildSalesReceiptPlan,
  checkOrderTotals,
  type PlanLine,
} from '@qbsync/accounting';
import { type DocumentKind, type Order, type PostingOverrides } from '@qbsync/contracts';

/** The QuickBooks document the rewritten order would post as, as far as the rules decide it. */
export interface DocumentPreview {
  documentKind: DocumentKind;
  docNumber?: string;
  /** The document date: a rule's order date when one set it, otherwise the order's own date. */
  txnDate?: string;
  customerName?: string;
  lines: {
    kind: PlanLine['kind'];
    /** The QuickBooks item: a rule's item or shipping item when one set it. */
    itemName: string;
    quantity?: number;
    amount: number;
    className?: string;
    taxCode?: string;
  }[];
  discountTotal?: number;
  taxTotal?: number;
  /** The document total in minor units, and the channel's, which it must equal. */
  total?: number;
  channelTotal: number;
  /** Problems the posting service would report before writing anything. */
  preflightErrors: string[];
}

/**
 * Builds the sales-receipt posting plan of the rewritten order with the rules' overrides applied,
 * so a preview shows lines, totals against the channel, and pre-flight errors. The posting service
 * also applies the connection's own settings (document number prefix, time zone), which a
 * preview does not see.
 */
export function previewDocument(
  order: Order,
  documentKind: DocumentKind,
  overrides: PostingOverrides | undefined,
): DocumentPreview {
  const preflightErrors = checkOrderTotals(order).map((problem) => problem.message);
  const lineOverrides = new Map((overrides?.lines ?? []).map((line) => [line.lineId, line]));

  try {
    const plan = buildSalesReceiptPlan(order, {
      ...(overrides?.shippingItem ? { shippingItemName: overrides.shippingItem } : {}),
    });

    return {
      documentKind,
      docNumber: plan.docNumber,
      txnDate: overrides?.transactionDate ?? plan.txnDate,
      customerName: overrides?.customerName ?? plan.customer.displayName,
      lines: plan.lines.map((line) => {
        if (line.kind !== 'item') {
          return { kind: line.kind, itemName: line.itemName, amount: line.amount };
        }

        const lineOverride = lineOverrides.get(line.lineId);
        // Order-level class and tax code stay in the preview's `overrides`, as they post on the
        // document header rather than on each line.
        const className = lineOverride?.className;
        const taxCode = lineOverride?.taxCode;

        return {
          kind: line.kind,
          itemName: lineOverride?.itemName ?? (line.sku || line.name),
          quantity: line.quantity,
          amount: line.amount,
          ...(className ? { className } : {}),
          ...(taxCode ? { taxCode } : {}),
        };
      }),
      discountTotal: plan.discountTotal,
      taxTotal: plan.taxTotal,
      total: plan.total,
      channelTotal: order.totals.total,
      preflightErrors,
    };
  } catch (error) {
    if (!(error instanceof AccountingError)) {
      throw error;
    }

    return {
      documentKind,
      lines: [],
      channelTotal: order.totals.total,
      preflightErrors: [...preflightErrors, error.message],
    };
  }
}
