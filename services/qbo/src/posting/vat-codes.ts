import { type PlanLine, type RefundPlanLine } from '@qbsync/accounting';
import { type PostingOverrides, type QboPostingSettings } from '@qbsync/contracts';

import { PostingError, PostingErrorCode } from './posting.errors';

/**
 * Chooses the VAT/GST tax code name of every line of a document in a non-US company, where
 * QuickBooks rejects a line without one (business validation error 6000, "Make sure all your
 * transactions have a GST/HST rate"). A rule's line or shipping code wins; otherwise taxed lines
 * take the jurisdiction table's code for the ship-to region, and untaxed lines the zero-rated
 * code. A line left without a code fails here, before anything is sent, naming the line.
 */
export function chooseVatCodeNames(
  lines: ReadonlyArray<PlanLine | RefundPlanLine>,
  overrides: PostingOverrides | undefined,
  settings: QboPostingSettings,
  jurisdictionCode: string | undefined,
  currency: string,
): string[] {
  return lines.map((line, index) => {
    const lineOverride =
      line.kind === 'item'
        ? overrides?.lines.find((entry) => entry.lineId === line.lineId)?.taxCode
        : undefined;
    const shippingOverride = line.kind === 'shipping' ? overrides?.shippingTaxCode : undefined;
    const taxable = line.kind !== 'adjustment' && line.taxable;
    const name =
      lineOverride ??
      shippingOverride ??
      (taxable ? jurisdictionCode : (settings.tax.zeroRatedCode ?? jurisdictionCode));

    if (!name) {
      throw new PostingError(
        `Line ${index + 1} ("${line.description}") has no VAT/GST tax code: every line of a ${currency} document in a non-US QuickBooks company needs one`,
        'Add a row for the ship-to region to the tax jurisdiction table, or set the zero-rated code in the QuickBooks Online settings, then re-sync the order',
        PostingErrorCode.TaxCodeMissing,
      );
    }

    return name;
  });
}
