import { AccountingError, AccountingErrorCode } from './accounting.errors';
import { allocateByWeights, allocateEvenly } from './allocation';

describe('allocateByWeights', () => {
  it('gives the leftover cent to the first equal part', () => {
    expect(allocateByWeights(1000, [19900, 19900, 19900])).toEqual([334, 333, 333]);
  });

  it('splits in proportion to the weights', () => {
    expect(allocateByWeights(1000, [1, 3])).toEqual([250, 750]);
    expect(allocateByWeights(100, [1, 1, 1, 1])).toEqual([25, 25, 25, 25]);
  });

  it('gives leftover units to the largest remainders', () => {
    // Exact shares are 1.4, 2.8 and 2.8: floors 1, 2, 2 leave 2 units for the two 0.8 remainders.
    expect(allocateByWeights(7, [1, 2, 2])).toEqual([1, 3, 3]);
  });

  it('gives nothing to zero weights', () => {
    expect(allocateByWeights(500, [0, 1, 0])).toEqual([0, 500, 0]);
  });

  it('splits a negative amount symmetrically', () => {
    expect(allocateByWeights(-1000, [1, 1, 1])).toEqual([-334, -333, -333]);
  });

  it('returns zeros for a zero amount', () => {
    expect(allocateByWeights(0, [0, 0])).toEqual([0, 0]);
    expect(allocateByWeights(0, [])).toEqual([]);
  });

  it('keeps large amounts exact', () => {
    const amount = Number.MAX_SAFE_INTEGER;
    // Exact shares are amount − 2 + 4 / (amount + 2) and twice amount / (amount + 2), just under 1.
    const parts = allocateByWeights(amount, [amount, 1, 1]);

    expect(parts).toEqual([amount - 2, 1, 1]);
  });

  it('always sums to the amount', () => {
    let seed = 42;
    const next = (limit: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;

      return seed % limit;
    };

    for (let round = 0; round < 500; round += 1) {
      const amount = next(1_000_000) - 500_000;
      const weights = Array.from({ length: 1 + next(8) }, () => next(100_000));

      weights[0] += 1;

      const parts = allocateByWeights(amount, weights);

      expect(parts.reduce((sum, part) => sum + part, 0)).toBe(amount);
      expect(parts.every(Number.isSafeInteger)).toBe(true);
    }
  });

  it.each([
    ['weights summing to zero', 100, [0, 0]],
    ['no weights', 100, []],
    ['a negative weight', 100, [1, -1]],
    ['a fractional weight', 100, [0.5, 1]],
    ['a fractional amount', 10.5, [1, 1]],
    ['an unsafe amount', Number.MAX_SAFE_INTEGER + 1, [1]],
  ])('rejects %s', (_case, amount, weights) => {
    expect(() => allocateByWeights(amount, weights)).toThrow(AccountingError);

    try {
      allocateByWeights(amount, weights);
    } catch (error) {
      expect((error as AccountingError).code).toBe(AccountingErrorCode.InvalidAllocation);
    }
  });
});

describe('allocateEvenly', () => {
  it('splits into parts one unit apart', () => {
    expect(allocateEvenly(10, 3)).toEqual([4, 3, 3]);
  });

  it('rejects a count below one', () => {
    expect(() => allocateEvenly(10, 0)).toThrow('Invalid part count 0');
  });
});
