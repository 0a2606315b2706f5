import { type Decimal, includedTaxOfCents, percentOfCents } from './decimal';

/** GlobalTaxCalculationEnum of the XSD. */
export type TaxMode = 'TaxExcluded' | 'TaxInclusive' | 'NotApplicable';

export interface ItemLineAmount {
  amountCents: number;
  taxable: boolean;
}

/** A discount line: a fixed amount, or a percentage of the subtotal. */
export type DiscountInput = { amountCents: number } | { percent: Decimal };

export interface TotalsInput {
  itemLines: ItemLineAmount[];
  discounts: DiscountInput[];
  taxMode: TaxMode;
  /** Rate of the transaction's TxnTaxCodeRef in percent, undefined without a tax code. */
  taxRatePercent?: Decimal;
  /** `TxnTaxDetail.TotalTax` of the request, which replaces the computed tax. */
  totalTaxOverrideCents?: number;
  /** When true, taxable lines are taxed after their share of the discount is removed. */
  applyTaxAfterDiscount: boolean;
}

export interface Totals {
  subtotalCents: number;
  /** Amount of each discount line, in the order given. */
  discountCents: number[];
  /** NetAmountTaxable of the tax line: the taxable amount without tax. */
  netTaxableCents: number;
  taxCents: number;
  totalCents: number;
}

/**
 * Computes a sales transaction's figures in integer cents. TotalAmt is subtotal − discounts + tax
 * when tax is excluded from line amounts, and subtotal − discounts when lines already include it.
 */
export function computeSalesReceiptTotals(input: TotalsInput): Totals {
  const subtotalCents = sum(input.itemLines.map((line) => line.amountCents));
  const discountCents = input.discounts.map((discount) =>
    'percent' in discount ? percentOfCents(subtotalCents, discount.percent) : discount.amountCents,
  );
  const totalDiscountCents = sum(discountCents);
  const taxableBaseCents = taxableBase(input, subtotalCents, totalDiscountCents);
  const taxCents = computeTax(input, taxableBaseCents);
  const inclusive = input.taxMode === 'TaxInclusive';

  return {
    subtotalCents,
    discountCents,
    netTaxableCents: inclusive ? taxableBaseCents - taxCents : taxableBaseCents,
    taxCents,
    totalCents: subtotalCents - totalDiscountCents + (inclusive ? 0 : taxCents),
  };
}

/**
 * Sum of the taxable lines. With ApplyTaxAfterDiscount, the discount is spread over the lines in
 * proportion to their amounts and the taxable lines' share is removed.
 */
function taxableBase(
  input: TotalsInput,
  subtotalCents: number,
  totalDiscountCents: number,
): number {
  const taxableCents = sum(
    input.itemLines.filter((line) => line.taxable).map((line) => line.amountCents),
  );

  if (!input.applyTaxAfterDiscount || subtotalCents === 0) {
    return taxableCents;
  }

  const taxableDiscountCents = Math.round((totalDiscountCents * taxableCents) / subtotalCents);

  return taxableCents - taxableDiscountCents;
}

function computeTax(input: TotalsInput, taxableBaseCents: number): number {
  if (input.taxMode === 'NotApplicable') {
    return 0;
  }

  if (input.totalTaxOverrideCents !== undefined) {
    return input.totalTaxOverrideCents;
  }

  if (!input.taxRatePercent) {
    return 0;
  }

  return input.taxMode === 'TaxInclusive'
    ? includedTaxOfCents(taxableBaseCents, input.taxRatePercent)
    : percentOfCents(taxableBaseCents, input.taxRatePercent);
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
