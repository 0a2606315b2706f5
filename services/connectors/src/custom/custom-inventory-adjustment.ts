import {
  describeIssues,
  type InventoryAdjustment,
  inventoryAdjustmentSchema,
  parseMessage,
} from '@qbsync/contracts';
import { z } from 'zod';

import { ChannelPayloadError } from '../channel/channel-adapter';
import { type CustomNormaliseContext } from './custom-order.normaliser';

const quantity = z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number');

/**
 * One line of a custom store inventory adjustment: a SKU and either `QuantityDifference` (signed
 * change of the quantity on hand) or `NewQuantity` (the counted quantity), never both.
 */
export const customAdjustmentLineSchema = z.looseObject({
  Sku: z
    .string({ error: 'is missing; every line needs the SKU that matches a QuickBooks item' })
    .trim()
    .min(1, 'is missing; every line needs the SKU that matches a QuickBooks item'),
  QuantityDifference: quantity.nullish(),
  NewQuantity: quantity.nonnegative('must not be negative').nullish(),
  InventorySite: z.string().trim().nullish(),
});

/** One entry of a batch's `InventoryAdjustments`, as published in docs/custom-store.md. */
export const customInventoryAdjustmentSchema = z.looseObject({
  AdjustmentId: z.union([z.string().trim().min(1), z.number().transform(String)], {
    error: 'is missing; expected the store id of the adjustment',
  }),
  AdjustmentDate: z.iso.date({ error: 'must be a day as YYYY-MM-DD such as 2026-11-30' }),
  ModifiedDate: z.iso
    .datetime({ error: 'must be an ISO 8601 time in UTC such as 2026-07-01T12:00:00Z' })
    .nullish(),
  Memo: z.string().nullish(),
  Account: z.string().trim().nullish(),
  Lines: z
    .array(customAdjustmentLineSchema, {
      error: 'is missing; expected an array of adjustment lines',
    })
    .min(1, 'must contain at least one line'),
});

export type CustomInventoryAdjustment = z.infer<typeof customInventoryAdjustmentSchema>;

/**
 * Converts one custom store inventory adjustment into the inventory adjustment contract. The
 * returned revision keys the JetStream message id. It is `ModifiedDate` when the store sends one,
 * else the adjustment date, so a redelivered adjustment is dropped and an edited one is a new
 * message. Throws `ChannelPayloadError` naming the adjustment id and the field (`Lines[0].Sku`).
 */
export function normaliseCustomInventoryAdjustment(
  payload: unknown,
  context: CustomNormaliseContext,
): { adjustment: InventoryAdjustment; revision: string } {
  const parsed = customInventoryAdjustmentSchema.safeParse(payload);
  const label = adjustmentLabel(payload);

  if (!parsed.success) {
    throw new ChannelPayloadError(
      `${label}${describeIssues(parsed.error.issues)}`,
      parsed.error.issues[0]?.path.join('.'),
    );
  }

  const raw = parsed.data;
  const revision = raw.ModifiedDate ?? raw.AdjustmentDate;
  const adjustment = {
    schemaVersion: 1,
    accountId: context.accountId,
    connectionId: context.connectionId,
    channel: 'custom',
    adjustmentId: raw.AdjustmentId,
    date: raw.AdjustmentDate,
    ...(raw.Memo?.trim() ? { memo: raw.Memo.trim() } : {}),
    ...(raw.Account ? { account: raw.Account } : {}),
    lines: raw.Lines.map((line) => ({
      sku: line.Sku,
      ...(isGiven(line.QuantityDifference) ? { quantityDifference: line.QuantityDifference } : {}),
      ...(isGiven(line.NewQuantity) ? { newQuantity: line.NewQuantity } : {}),
      ...(line.InventorySite ? { inventorySite: line.InventorySite } : {}),
    })),
    source: {
      kind: context.sourceKind,
      receivedAt: context.receivedAt,
      rawRef: `custom:inventory-adjustment:${raw.AdjustmentId}:${revision}`,
      ...(context.deliveryId ? { deliveryId: context.deliveryId } : {}),
    },
  };
  const checked = parseMessage(inventoryAdjustmentSchema, adjustment);

  if (!checked.ok) {
    // The contract's paths are the canonical ones (lines[0].quantityDifference); name the
    // store's fields instead, because the merchant corrects the record the store sent.
    throw new ChannelPayloadError(`${label}${toStoreFieldNames(checked.error)}`, 'Lines');
  }

  return { adjustment: checked.value, revision };
}

function isGiven(value: number | null | undefined): value is number {
  return value !== null && value !== undefined;
}

function adjustmentLabel(payload: unknown): string {
  const id = (payload as { AdjustmentId?: unknown } | null)?.AdjustmentId;

  return typeof id === 'string' || typeof id === 'number' ? `adjustment ${String(id)} ` : '';
}

function toStoreFieldNames(error: string): string {
  return error
    .replace(/\blines\[/g, 'Lines[')
    .replace(/\.quantityDifference\b/g, '.QuantityDifference')
    .replace(/\.newQuantity\b/g, '.NewQuantity')
    .replace(/\.sku\b/g, '.Sku')
    .replace(/\bquantityDifference or newQuantity\b/g, 'QuantityDifference or NewQuantity')
    .replace(/\bwith quantityDifference\b/g, 'with QuantityDifference');
}
