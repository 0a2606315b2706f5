import { z } from 'zod';

import { CHANNELS, orderSourceSchema } from '../order/order.schema';
import { POSTING_TARGETS } from '../messages/order-ready.schema';

/**
 * One SKU of an inventory adjustment. A line either changes the quantity on hand by a signed
 * difference or sets it to a new count, which is how QuickBooks Desktop's `QuantityAdjustment`
 * takes it: `QuantityDifference` or `NewQuantity`, never both.
 */
export const inventoryAdjustmentLineSchema = z
  .object({
    sku: z
      .string({ error: 'is missing; every line needs the SKU that matches a QuickBooks item' })
      .trim()
      .min(1, 'is missing; every line needs the SKU that matches a QuickBooks item'),
    quantityDifference: z
      .number()
      .int('must be a whole number')
      .refine((value) => value !== 0, 'must not be 0; leave the line out instead')
      .optional(),
    newQuantity: z
      .number()
      .int('must be a whole number')
      .nonnegative('must not be negative')
      .optional(),
    /** QuickBooks inventory site (Enterprise with Advanced Inventory) the quantity is at. */
    inventorySite: z.string().trim().min(1).optional(),
  })
  .superRefine((line, context) => {
    const quantities = [line.quantityDifference, line.newQuantity].filter(
      (value) => value !== undefined,
    );

    if (quantities.length === 0) {
      context.addIssue({
        code: 'custom',
        path: ['quantityDifference'],
        message: 'is missing; a line needs quantityDifference or newQuantity',
      });
    }

    if (quantities.length === 2) {
      context.addIssue({
        code: 'custom',
        path: ['newQuantity'],
        message: 'must not be given together with quantityDifference; send one of them',
      });
    }
  });

export const INVENTORY_ADJUSTMENT_SCHEMA_VERSION = 1;

/**
 * A stock correction recorded in the store (a count, damage, shrinkage) that the accountant wants
 * in QuickBooks. QuickBooks is the inventory master, so the adjustment is posted there and the
 * store's levels follow from QuickBooks afterwards.
 */
export const inventoryAdjustmentSchema = z.object({
  schemaVersion: z.literal(INVENTORY_ADJUSTMENT_SCHEMA_VERSION),
  accountId: z.string().min(1),
  connectionId: z.string().min(1),
  channel: z.enum(CHANNELS),
  /** The store's id of the adjustment. */
  adjustmentId: z.string().min(1),
  /** The day the stock changed (YYYY-MM-DD), the QuickBooks transaction date. */
  date: z.iso.date(),
  memo: z.string().optional(),
  /** Full name of the QuickBooks adjustment account; the company file's setting when absent. */
  account: z.string().trim().min(1).optional(),
  lines: z.array(inventoryAdjustmentLineSchema).min(1, 'must contain at least one line'),
  source: orderSourceSchema,
});

/** An inventory adjustment routed to the account's QuickBooks target. */
export const inventoryAdjustmentReadySchema = z.object({
  adjustment: inventoryAdjustmentSchema,
  target: z.enum(POSTING_TARGETS),
});

export type InventoryAdjustment = z.infer<typeof inventoryAdjustmentSchema>;
export type InventoryAdjustmentLine = z.infer<typeof inventoryAdjustmentLineSchema>;
export type InventoryAdjustmentReady = z.infer<typeof inventoryAdjustmentReadySchema>;
