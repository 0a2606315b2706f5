import { AccountingError, AccountingErrorCode } from './accounting.errors';

/** Adds minor-unit amounts, failing instead of losing cents when the sum leaves the safe range. */
export function sumAmounts(amounts: Iterable<number>): number {
  let total = 0;

  for (const amount of amounts) {
    total += amount;
    assertSafeAmount(total, 'sum');
  }

  return total;
}

/** Multiplies a unit price by a quantity, failing when the product leaves the safe range. */
export function multiplyAmount(unitPrice: number, quantity: number): number {
  const product = unitPrice * quantity;

  assertSafeAmount(product, `${quantity} × ${unitPrice}`);

  return product;
}

function assertSafeAmount(value: number, label: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new AccountingError(
      AccountingErrorCode.AmountOutOfRange,
      `Amount out of range: ${label} is ${value}, which is not a safe integer of minor units`,
    );
  }
}
