import { type InventoryLevel, type InventoryPushResult } from '@qbsync/contracts';

/** Returns why a level cannot be pushed, or undefined when it can. */
export function invalidLevel(level: InventoryLevel): string | undefined {
  if (!level.sku.trim()) {
    return 'sku: is missing; every pushed level needs the SKU the channel knows the product by';
  }

  if (!Number.isInteger(level.quantity)) {
    return `quantity: ${level.quantity} must be a whole number`;
  }

  return undefined;
}

/** One failed result per level, for the checks that run before anything is sent. */
export function initialResults(
  levels: readonly InventoryLevel[],
  check: (level: InventoryLevel) => string | undefined = invalidLevel,
): InventoryPushResult['results'] {
  return levels.map((level) => {
    const problem = check(level);

    return {
      sku: level.sku,
      locationId: level.locationId,
      status: 'failed' as const,
      message: problem ?? 'not sent',
    };
  });
}

/** Quantity to send: QuickBooks may hold a negative quantity on hand, which pushes as 0. */
export function pushQuantity(level: InventoryLevel): number {
  return Math.max(0, level.quantity);
}
