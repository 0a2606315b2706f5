import { z } from 'zod';

import { CHANNELS, isoTimestamp } from '../order/order.schema';

/** A quantity at one location, keyed by SKU, as a channel or QuickBooks reports it. */
export const inventoryLevelSchema = z.object({
  sku: z.string().min(1),
  /** The channel's location (Shopify location id, Amazon fulfilment network) or QuickBooks site. */
  locationId: z.string().min(1),
  quantity: z.number().int(),
});

/** Levels a channel reported, for the inventory service's comparison. */
export const inventoryReportedSchema = z.object({
  accountId: z.string().min(1),
  connectionId: z.string().min(1),
  channel: z.enum(CHANNELS),
  reportedAt: isoTimestamp,
  levels: z.array(inventoryLevelSchema),
});

/** A request to set quantities on a channel; each push has its own id and is applied once. */
export const inventoryPushSchema = z.object({
  pushId: z.string().min(1),
  accountId: z.string().min(1),
  connectionId: z.string().min(1),
  channel: z.enum(CHANNELS),
  requestedAt: isoTimestamp,
  levels: z.array(inventoryLevelSchema).min(1, 'a push needs at least one level'),
});

/** The per-SKU result of a push, for the sync log. */
export const inventoryPushResultSchema = z.object({
  pushId: z.string().min(1),
  accountId: z.string().min(1),
  connectionId: z.string().min(1),
  channel: z.enum(CHANNELS),
  results: z.array(
    z.object({
      sku: z.string(),
      locationId: z.string(),
      status: z.enum(['updated', 'unchanged', 'failed']),
      message: z.string().optional(),
    }),
  ),
});

export type InventoryLevel = z.infer<typeof inventoryLevelSchema>;
export type InventoryReported = z.infer<typeof inventoryReportedSchema>;
export type InventoryPush = z.infer<typeof inventoryPushSchema>;
export type InventoryPushResult = z.infer<typeof inventoryPushResultSchema>;
