import { AccountingError, AccountingErrorCode } from './accounting.errors';

/**
 * Splits `amount` minor units across `weights` in proportion, by the largest-remainder method, so
 * the parts are integers that sum to `amount` exactly. Each part first gets the floor of its exact
 * share. The units left over go one each to the parts with the largest fractional remainders, and
 * earlier parts win ties, so 1000 across three equal weights gives 334, 333, 333.
 *
 * A negative amount is split as its absolute value and every part negated. The arithmetic runs on
 * BigInt, so no share is rounded through floating point. Throws an `AccountingError` with code
 * `InvalidAllocation` when the amount or a weight is not a safe integer, a weight is negative, or
 * the weights sum to zero while the amount is not zero.
 */
export function allocateByWeights(amount: number, weights: readonly number[]): number[] {
  assertSafeInteger(amount, 'amount');
  weights.forEach((weight, index) => assertWeight(weight, index));

  const weightSum = weights.reduce((sum, weight) => sum + BigInt(weight), 0n);

  if (amount === 0) {
    return weights.map(() => 0);
  }

  if (weightSum === 0n) {
    throw new AccountingError(
      AccountingErrorCode.InvalidAllocation,
      `Cannot allocate ${amount} across weights that sum to zero: give at least one part a positive weight`,
    );
  }

  const sign = amount < 0 ? -1 : 1;
  const absolute = BigInt(Math.abs(amount));
  const shares = weights.map((weight, index) => {
    const product = absolute * BigInt(weight);

    return { index, floor: product / weightSum, remainder: product % weightSum };
  });

  const allocatedByFloor = shares.reduce((sum, share) => sum + share.floor, 0n);
  let unitsLeft = Number(absolute - allocatedByFloor);
  const parts = shares.map((share) => Number(share.floor));
  const byRemainder = [...shares].sort((left, right) => {
    if (left.remainder !== right.remainder) {
      return left.remainder > right.remainder ? -1 : 1;
    }

    return left.index - right.index;
  });

  for (const share of byRemainder) {
    if (unitsLeft === 0) {
      break;
    }

    parts[share.index] += 1;
    unitsLeft -= 1;
  }

  return parts.map((part) => (part === 0 ? 0 : sign * part));
}

/** Splits `amount` minor units into `count` parts that differ by at most one unit. */
export function allocateEvenly(amount: number, count: number): number[] {
  if (!Number.isSafeInteger(count) || count < 1) {
    throw new AccountingError(
      AccountingErrorCode.InvalidAllocation,
      `Invalid part count ${count}: expected a whole number of at least 1`,
    );
  }

  return allocateByWeights(amount, new Array<number>(count).fill(1));
}

function assertSafeInteger(value: number, label: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new AccountingError(
      AccountingErrorCode.InvalidAllocation,
      `Invalid ${label} ${value}: expected a safe integer in minor units`,
    );
  }
}

function assertWeight(weight: number, index: number): void {
  assertSafeInteger(weight, `weight at index ${index}`);

  if (weight < 0) {
    throw new AccountingError(
      AccountingErrorCode.InvalidAllocation,
      `Invalid weight at index ${index}: ${weight} is negative, and weights must be zero or more`,
    );
  }
}
