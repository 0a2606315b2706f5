import { Injectable } from '@nestjs/common';
import { type InventoryAdjustment, type InventoryAdjustmentReady } from '@qbsync/contracts';
import { AppLogger, SyncEventPublisher } from '@qbsync/platform';

import { CompanyFileRepository } from '../company/company-file.repository';
import { ListCopyRepository, nameKey } from '../lists/list-copy.repository';
import { itemNameForSku } from '../posting/qbd-names';
import { withSettingDefaults } from '../posting/qbd-settings';
import { QueueRepository } from '../queue/queue.repository';
import {
  ADJUSTABLE_ITEM_TYPES,
  adjustmentEntryId,
  buildAdjustmentEntry,
  type MatchedAdjustmentLine,
} from './inventory-adjustment-entry';

type LineMatch = { line: MatchedAdjustmentLine } | { failure: string; fix: string };

/**
 * Turns an inventory adjustment routed to QuickBooks Desktop into one queued
 * InventoryAdjustmentAdd. The queue entry's id is derived from the adjustment id, so an adjustment
 * posts once however often the store sends it. A later revision of a queued adjustment is not
 * posted again.
 */
@Injectable()
export class InventoryAdjustmentIntake {
  private readonly logger: AppLogger;

  constructor(
    private readonly companyFiles: CompanyFileRepository,
    private readonly lists: ListCopyRepository,
    private readonly queue: QueueRepository,
    private readonly syncEvents: SyncEventPublisher,
    logger: AppLogger,
  ) {
    this.logger = logger.child(InventoryAdjustmentIntake.name);
  }

  async queueAdjustment(ready: InventoryAdjustmentReady): Promise<'ack'> {
    const { adjustment } = ready;
    const companyFile = await this.companyFiles.findByAccountId(adjustment.accountId);

    if (!companyFile) {
      await this.publish(adjustment, 'not-paired', {
        status: 'failed',
        message: `Inventory adjustment ${adjustment.adjustmentId} was not posted: the account has no QuickBooks Desktop company file paired`,
        fix: 'Pair the company file, add the .qwc file to the Web Connector, then send the adjustment again with a later ModifiedDate',
      });

      return 'ack';
    }

    const entryId = adjustmentEntryId(adjustment);

    if ((await this.queue.findIndex([entryId])).length > 0) {
      this.logger.info('Inventory adjustment is already queued, so nothing was queued again', {
        accountId: adjustment.accountId,
        adjustmentId: adjustment.adjustmentId,
      });

      return 'ack';
    }

    const matches = await this.matchItems(adjustment, companyFile.listsRefreshedAt !== undefined);
    const failures = matches.filter((match) => 'failure' in match);

    if (failures.length > 0) {
      await this.publish(adjustment, 'items', {
        status: 'failed',
        message: `Inventory adjustment ${adjustment.adjustmentId} was not posted: ${failures.map((failure) => failure.failure).join('; ')}`,
        fix: failures.map((failure) => failure.fix).join('. '),
      });

      return 'ack';
    }

    const settings = withSettingDefaults(companyFile.settings);
    const result = buildAdjustmentEntry(
      adjustment,
      matches.flatMap((match) => ('line' in match ? [match.line] : [])),
      {
        defaultAccount: settings.inventoryAdjustmentAccount,
        homeCurrency: companyFile.homeCurrency,
      },
    );

    if (result.outcome === 'failed') {
      await this.publish(adjustment, 'sites', {
        status: 'failed',
        message: result.message,
        fix: result.fix,
      });

      return 'ack';
    }

    const existed = await this.queue.insert([result.entry]);

    if (existed.has(entryId)) {
      return 'ack';
    }

    await this.publish(adjustment, 'queued', {
      status: 'received',
      message: `Inventory adjustment ${adjustment.adjustmentId} queued as a QuickBooks Desktop inventory adjustment with ${adjustment.lines.length} lines${result.site ? ` at site ${result.site}` : ''}`,
    });

    return 'ack';
  }

  /**
   * Matches each line's SKU to a QuickBooks item in the list copy, as order lines do: by the item
   * name the SKU gives, full name first, else a unique leaf name. A matched item that is not an
   * inventory item fails, because QuickBooks keeps no quantity on hand for it. A SKU with no item
   * fails here only once the list copy was read. Before the first read, QuickBooks resolves the
   * name and rejects an unknown one with status 3140.
   */
  private async matchItems(
    adjustment: InventoryAdjustment,
    listsRead: boolean,
  ): Promise<LineMatch[]> {
    const names = adjustment.lines.map((line) => itemNameForSku(line.sku).name);
    const found = await this.lists.findByNames(adjustment.accountId, 'Item', names);

    return adjustment.lines.map((line, index): LineMatch => {
      const name = names[index]!;
      const candidates = found.get(nameKey(name)) ?? [];
      const active = candidates.filter((candidate) => candidate.active);
      const itemSource = `line ${index + 1} (SKU ${line.sku}) of inventory adjustment ${adjustment.adjustmentId}`;
      const quantity =
        line.newQuantity === undefined
          ? { quantityDifference: line.quantityDifference }
          : { newQuantity: line.newQuantity };

      if (candidates.length === 0 && listsRead) {
        return {
          failure: `line ${index + 1}: SKU ${line.sku} matches no QuickBooks item`,
          fix: `Create inventory item ${name} in QuickBooks or correct the SKU in the store, let the Web Connector run once so the item list is read, then send the adjustment again with a later ModifiedDate`,
        };
      }

      if (active.length !== 1) {
        // An inactive or ambiguous name fails before sending, with the candidates named.
        return { line: { itemName: name, itemSource, ...quantity } };
      }

      const item = active[0]!;
      const itemType = item.details.itemType;

      if (itemType && !ADJUSTABLE_ITEM_TYPES.has(itemType)) {
        return {
          failure: `line ${index + 1}: SKU ${line.sku} matches QuickBooks item ${item.fullName}, which is an ${itemType} and has no quantity on hand`,
          fix: `Adjust only inventory items: map SKU ${line.sku} to an inventory item in QuickBooks or leave the line out, then send the adjustment again with a later ModifiedDate`,
        };
      }

      return { line: { itemName: item.fullName, itemSource, ...quantity } };
    });
  }

  private async publish(
    adjustment: InventoryAdjustment,
    suffix: string,
    fields: { status: 'received' | 'failed'; message: string; fix?: string },
  ): Promise<void> {
    await this.syncEvents.publish({
      // The revision is part of the id, so an adjustment sent again after a fix is logged again.
      eventId: `${adjustment.accountId}:${adjustment.channel}:inventory-adjustment:${adjustment.adjustmentId}:qbd:${suffix}:${adjustment.source.rawRef}`,
      accountId: adjustment.accountId,
      connectionId: adjustment.connectionId,
      channel: adjustment.channel,
      entity: 'inventory',
      entityId: adjustment.adjustmentId,
      stage: 'qbd',
      documentKind: 'inventory_adjustment',
      ...fields,
    });
  }
}
