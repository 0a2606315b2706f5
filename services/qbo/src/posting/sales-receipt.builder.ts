import { type PostingPlan } from '@qbsync/accounting';

import { buildSalesDocumentBody } from './qbo-document.body';

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
export const TAXABLE_CODE = 'TAX';
export const NON_TAXABLE_CODE = 'NON';

/**
 * Builds the JSON body of a QuickBooks Online SalesReceipt from a posting plan, with US tax codes
 * and the channel's tax as an override. buildSalesDocumentBody builds every other document.
 */
export function buildSalesReceiptBody(
  plan: PostingPlan,
  references: ResolvedReferences,
): Record<string, unknown> {
  return buildSalesDocumentBody(
    'SalesReceipt',
    plan,
    {
      ...references,
      taxPosting: 'override',
      taxableCode: TAXABLE_CODE,
      nonTaxableCode: NON_TAXABLE_CODE,
    },
    { docNumber: plan.docNumber, txnDate: plan.txnDate, privateNote: plan.privateNote },
  );
}
