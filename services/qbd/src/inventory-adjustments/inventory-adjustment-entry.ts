import { type InventoryAdjustment } from '@qbsync/contracts';

import { fitLength, QbxmlLimits } from '../qbxml/qbxml-fields';
import { inventoryAdjustmentAdd } from '../qbxml/qbxml-requests';
import {
  type EntryOrigin,
  type EntryReference,
  type QueueEntryDocument,
} from '../queue/queue-entry.schema';
import { nextSeq } from '../queue/queue.repository';

/** QuickBooks item types whose quantity on hand an InventoryAdjustmentAdd can change. */
export const ADJUSTABLE_ITEM_TYPES: ReadonlySet<string> = new Set([
  'ItemInventory',
  'ItemInventoryAssembly',
]);

/** An adjustment line with the QuickBooks item its SKU matched (or the name QuickBooks must have). */
export interface MatchedAdjustmentLine {
  itemName: string;
  /** Source of the item name, named in the error when QuickBooks lacks the item. */
  itemSource: string;
  quantityDifference?: number;
  newQuantity?: number;
}

export type AdjustmentEntryResult =
  | { outcome: 'queued'; entry: QueueEntryDocument; site?: string }
  | { outcome: 'failed'; message: string; fix: string };

/** Returns the id of an adjustment's queue entry. One id per adjustment makes it post once. */
export function adjustmentEntryId(adjustment: InventoryAdjustment): string {
  return `${adjustment.accountId}|inventory-adjustment|${adjustment.channel}|${adjustment.adjustmentId}`;
}

/**
 * Returns the memo stamp that finds the adjustment in QuickBooks when a response was lost. The
 * words after the id keep adjustment 1's memo from matching adjustment 10's.
 */
export function adjustmentMemoStamp(adjustment: InventoryAdjustment): string {
  return `Inventory adjustment ${adjustment.adjustmentId} from ${adjustment.channel}`;
}

/**
 * Builds the one InventoryAdjustmentAdd of an adjustment. QuickBooks takes one inventory site per
 * adjustment (`InventorySiteRef` is on the header), so lines that name different sites fail here
 * with the fix to split the adjustment. The account, the items and the site are references that
 * the work selector checks against the list copy before sending.
 */
export function buildAdjustmentEntry(
  adjustment: InventoryAdjustment,
  lines: MatchedAdjustmentLine[],
  companyFile: { defaultAccount: string; homeCurrency: string },
): AdjustmentEntryResult {
  const sites = [...new Set(adjustment.lines.map((line) => line.inventorySite ?? ''))];

  if (sites.length > 1) {
    return {
      outcome: 'failed',
      message: `Inventory adjustment ${adjustment.adjustmentId} has lines at ${sites.map((site) => (site ? `site ${site}` : 'no site')).join(', ')}, but a QuickBooks Desktop inventory adjustment is for one inventory site`,
      fix: 'Send one adjustment per inventory site from the store, each with its own AdjustmentId',
    };
  }

  const site = sites[0] || undefined;
  const account = adjustment.account ?? companyFile.defaultAccount;
  const references: EntryReference[] = [
    {
      listType: 'Account',
      name: account,
      source: adjustment.account
        ? `the Account of inventory adjustment ${adjustment.adjustmentId}`
        : 'the inventory adjustment account setting',
    },
    ...lines.map((line) => ({ listType: 'Item', name: line.itemName, source: line.itemSource })),
  ];

  if (site) {
    references.push({
      listType: 'InventorySite',
      name: site,
      source: `the InventorySite of inventory adjustment ${adjustment.adjustmentId}`,
    });
  }

  const stamp = adjustmentMemoStamp(adjustment);
  const memo = adjustment.memo ? `${stamp}: ${adjustment.memo}` : stamp;
  const refNumber =
    adjustment.adjustmentId.length <= QbxmlLimits.refNumber ? adjustment.adjustmentId : undefined;
  const now = new Date();
  const origin: EntryOrigin = {
    entity: 'inventory',
    entityId: adjustment.adjustmentId,
    channel: adjustment.channel,
    channelOrderId: '',
    orderNumber: '',
    connectionId: adjustment.connectionId,
    currency: companyFile.homeCurrency,
    // An adjustment moves quantities, not money the channel reported.
    channelTotal: 0,
    notes: refNumber
      ? []
      : [
          `the adjustment id is longer than QuickBooks' ${QbxmlLimits.refNumber}-character reference number, so it is in the memo only`,
        ],
  };

  return {
    outcome: 'queued',
    site,
    entry: {
      _id: adjustmentEntryId(adjustment),
      accountId: adjustment.accountId,
      seq: nextSeq(),
      kind: 'transaction',
      requestName: 'InventoryAdjustmentAdd',
      body: inventoryAdjustmentAdd({
        account,
        txnDate: adjustment.date,
        refNumber,
        inventorySite: site,
        memo: fitLength(memo, QbxmlLimits.memo),
        lines: lines.map((line) => ({
          itemName: line.itemName,
          ...(line.newQuantity === undefined
            ? { quantityDifference: String(line.quantityDifference ?? 0) }
            : { newQuantity: String(line.newQuantity) }),
        })),
      }),
      dependsOn: [],
      references,
      lookup: {
        txnType: 'InventoryAdjustment',
        ...(refNumber ? { refNumber } : {}),
        txnDate: adjustment.date,
        memoStamp: stamp,
      },
      documentKind: 'inventory_adjustment',
      orderKey: `inventory-adjustment|${adjustment.channel}|${adjustment.adjustmentId}`,
      features: site ? ['inventorySites'] : [],
      state: 'queued',
      attempts: 0,
      transientFailures: 0,
      origin,
      createdAt: now,
      updatedAt: now,
    },
  };
}
