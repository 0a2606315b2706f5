import { type ParseResult, parseMessage } from '../validation';
import { inventoryAdjustmentSchema } from './inventory-adjustment.schema';

function validAdjustment(): Record<string, unknown> {
  return {
    schemaVersion: 1,
    accountId: 'account-1',
    connectionId: 'connection-1',
    channel: 'custom',
    adjustmentId: 'ADJ-1',
    date: '2026-11-30',
    memo: 'Damaged in transit',
    lines: [
      { sku: 'IPOD2008GREEN', quantityDifference: -2 },
      { sku: 'IPOD2008BLACK', newQuantity: 14, inventorySite: 'Main' },
    ],
    source: { kind: 'push', receivedAt: '2026-12-01T09:00:00Z', rawRef: 'custom:adjustment:ADJ-1' },
  };
}

function linesOf(adjustment: Record<string, unknown>): Array<Record<string, unknown>> {
  return adjustment.lines as Array<Record<string, unknown>>;
}

/** Returns the error of a failed parse, and fails the test when the parse succeeded. */
function errorOf(result: ParseResult<unknown>): string {
  if (result.ok) {
    throw new Error('expected the adjustment to be rejected, but it was accepted');
  }

  return result.error;
}

describe('inventoryAdjustmentSchema', () => {
  it('accepts difference and new quantity lines', () => {
    expect(parseMessage(inventoryAdjustmentSchema, validAdjustment()).ok).toBe(true);
  });

  it('rejects a line without a SKU', () => {
    const adjustment = validAdjustment();

    delete linesOf(adjustment)[0]!.sku;

    expect(errorOf(parseMessage(inventoryAdjustmentSchema, adjustment))).toMatch(
      /^lines\[0\]\.sku: is missing/,
    );
  });

  it('rejects a blank SKU', () => {
    const adjustment = validAdjustment();

    linesOf(adjustment)[1]!.sku = '  ';

    expect(errorOf(parseMessage(inventoryAdjustmentSchema, adjustment))).toMatch(
      /^lines\[1\]\.sku: is missing/,
    );
  });

  it('rejects a line without a quantity', () => {
    const adjustment = validAdjustment();

    delete linesOf(adjustment)[0]!.quantityDifference;

    expect(errorOf(parseMessage(inventoryAdjustmentSchema, adjustment))).toMatch(
      /^lines\[0\]\.quantityDifference: is missing; a line needs quantityDifference or newQuantity/,
    );
  });

  it('rejects a line with both quantities', () => {
    const adjustment = validAdjustment();

    linesOf(adjustment)[0]!.newQuantity = 3;

    expect(errorOf(parseMessage(inventoryAdjustmentSchema, adjustment))).toMatch(
      /^lines\[0\]\.newQuantity: must not be given together with quantityDifference/,
    );
  });

  it('rejects a fractional difference', () => {
    const adjustment = validAdjustment();

    linesOf(adjustment)[0]!.quantityDifference = 1.5;

    expect(errorOf(parseMessage(inventoryAdjustmentSchema, adjustment))).toMatch(
      /^lines\[0\]\.quantityDifference: must be a whole number/,
    );
  });

  it('rejects a negative new quantity', () => {
    const adjustment = validAdjustment();

    linesOf(adjustment)[1]!.newQuantity = -1;

    expect(errorOf(parseMessage(inventoryAdjustmentSchema, adjustment))).toMatch(
      /^lines\[1\]\.newQuantity: must not be negative/,
    );
  });

  it('rejects an adjustment without lines', () => {
    expect(
      errorOf(parseMessage(inventoryAdjustmentSchema, { ...validAdjustment(), lines: [] })),
    ).toMatch(/^lines: must contain at least one line/);
  });

  it('rejects a date that is not a day', () => {
    expect(
      errorOf(
        parseMessage(inventoryAdjustmentSchema, {
          ...validAdjustment(),
          date: '2026-11-30T10:00:00Z',
        }),
      ),
    ).toMatch(/^date: /);
  });
});
