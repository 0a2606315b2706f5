import { type PlanLine, type PostingPlan } from '@qbsync/accounting';
import { minorToDecimal } from '@qbsync/contracts';

/** QuickBooks ids the plan's lines resolved to. */
export interface ResolvedReferences {
  customerId: string;
  /** Item id for each plan line, in the plan's order. */
  lineItemIds: string[];
  giftCardItemId?: string;
  /** Set in a multicurrency company for an order not in the home currency. */
  currency?: string;
}

/** US companies' pseudo tax codes: taxable and non-taxable. */
const TAXABLE_CODE = 'TAX';
const NON_TAXABLE_CODE = 'NON';

/**
 * Builds the JSON body of a QuickBooks Online SalesReceipt from a posting plan. Amounts are sent as
 * decimal numbers converted from minor units, and the channel's tax goes in `TxnTaxDetail.TotalTax`
 * so QuickBooks does not recompute it.
 */
export function buildSalesReceiptBody(
  plan: PostingPlan,
  references: ResolvedReferences,
): Record<string, unknown> {
  const amount = (minor: number): number => Number(minorToDecimal(minor, plan.currency));
  const lines: unknown[] = plan.lines.map((line, index) =>
    salesItemLine(line, references.lineItemIds[index]!, amount),
  );

  if (plan.giftCardTotal > 0 && references.giftCardItemId) {
    lines.push({
      DetailType: 'SalesItemLineDetail',
      Amount: amount(-plan.giftCardTotal),
      Description: 'Gift card redemption',
      SalesItemLineDetail: {
        ItemRef: { value: references.giftCardItemId },
        Qty: 1,
        UnitPrice: amount(-plan.giftCardTotal),
        TaxCodeRef: { value: NON_TAXABLE_CODE },
      },
    });
  }

  if (plan.discountTotal > 0) {
    lines.push({
      DetailType: 'DiscountLineDetail',
      Amount: amount(plan.discountTotal),
      DiscountLineDetail: { PercentBased: false },
    });
  }

  return {
    DocNumber: plan.docNumber,
    TxnDate: plan.txnDate,
    PrivateNote: plan.privateNote,
    CustomerRef: { value: references.customerId },
    ...(references.currency ? { CurrencyRef: { value: references.currency } } : {}),
    GlobalTaxCalculation: plan.taxTreatment === 'inclusive' ? 'TaxInclusive' : 'TaxExcluded',
    Line: lines,
    TxnTaxDetail: { TotalTax: amount(plan.taxTotal) },
  };
}

function salesItemLine(
  line: PlanLine,
  itemId: string,
  amount: (minor: number) => number,
): Record<string, unknown> {
  const quantity = line.kind === 'item' ? line.quantity : 1;
  const unitPrice = line.kind === 'item' ? line.unitPrice : line.amount;
  const taxable = line.kind === 'adjustment' ? false : line.taxable;

  return {
    DetailType: 'SalesItemLineDetail',
    Amount: amount(line.amount),
    Description: line.description.slice(0, 4000),
    SalesItemLineDetail: {
      ItemRef: { value: itemId },
      Qty: quantity,
      UnitPrice: amount(unitPrice),
      TaxCodeRef: { value: taxable ? TAXABLE_CODE : NON_TAXABLE_CODE },
    },
  };
}
