import { Injectable } from '@nestjs/common';
import { type QboPostingSettings } from '@qbsync/contracts';

import { quoteQueryValue } from '../api/qbo-api.client';
import { QboFaultError } from '../api/qbo-api.errors';
import { stableRequestId } from '../api/request-id';
import { PostingError, PostingErrorCode } from '../posting/posting.errors';
import { CompanySettingsService } from './company-settings.service';
import { EntityReferenceRepository } from './entity-reference.repository';
import { type QboItem } from './qbo-entities';
import { MAX_ITEM_NAME_LENGTH, toQboName } from './qbo-names';
import { type QboSession } from './qbo-session';

/** Item a line without a SKU posts to until the product is mapped, so the books stay whole. */
export const UNKNOWN_ITEM_NAME = 'unknown_do_not_delete';
const DUPLICATE_NAME_FAULT = '6240';
/** QuickBooks Online's maximum item Sku length. */
const MAX_SKU_LENGTH = 100;

export type ItemMatchingSettings = QboPostingSettings['itemMatching'];

/** The order line an item is matched for. */
export interface ItemLineRequest {
  sku: string;
  /** The channel's product title, which a created item gets as name or description. */
  title: string;
  /** A QuickBooks item name a rule chose for the line; it is looked up by name and never created. */
  overrideItemName?: string;
  /** 1-based line number, for messages. */
  lineNumber: number;
  /** The document date; a created inventory item must start on or before it. */
  txnDate: string;
}

export interface ResolvedItem {
  id: string;
  name: string;
  /** Set when the line had no SKU or fell back to the fallback item. */
  warning?: string;
}

const DEFAULT_ITEM_MATCHING: ItemMatchingSettings = {
  field: 'name',
  missingProductAction: 'create_non_inventory',
  fallbackItemName: 'Sales',
  blankSkuItemName: UNKNOWN_ITEM_NAME,
  incomeAccount: 'Sales of Product Income',
  inventoryAssetAccount: 'Inventory Asset',
  cogsAccount: 'Cost of Goods Sold',
};

/**
 * Matches an order line's SKU to a QuickBooks item by Name (default) or by the Sku field, exact
 * after trimming and case-insensitive. `Hammer` matches `Tools:Hammer`, and a `Parent:Child` SKU
 * matches the full name. A missing item is created (inventory or non-inventory), fails the order,
 * or maps to the fallback item, as the connection's missing-product action sets.
 */
@Injectable()
export class ItemMatcherService {
  constructor(
    private readonly references: EntityReferenceRepository,
    private readonly company: CompanySettingsService,
  ) {}

  async resolveLine(
    session: QboSession,
    line: ItemLineRequest,
    settings: ItemMatchingSettings = DEFAULT_ITEM_MATCHING,
  ): Promise<ResolvedItem> {
    if (line.overrideItemName) {
      const id = await this.findExisting(session, line.overrideItemName, 'name', line);

      return { id, name: line.overrideItemName };
    }

    const sku = line.sku.trim();

    if (!sku) {
      const name = settings.blankSkuItemName;
      const id = await this.resolveSystemItem(session, name, 'Lines without a SKU', settings);

      return {
        id,
        name,
        warning: `line ${line.lineNumber} ("${line.title}") has no SKU and was posted to ${name}; map the product to an item`,
      };
    }

    const cacheName = `${settings.field}:${sku}`;
    const known = await this.references.find(session.realmId, 'item', cacheName);

    if (known) {
      return { id: known, name: sku };
    }

    const found = await this.findBy(session, settings.field, sku, line);

    if (found) {
      await this.references.save(session.realmId, 'item', cacheName, found);

      return { id: found, name: sku };
    }

    return this.applyMissingAction(session, line, sku, settings, cacheName);
  }

  /** Finds or creates a service-like item the product posts itself (shipping, adjustments). */
  async resolveSystemItem(
    session: QboSession,
    name: string,
    description: string,
    settings: ItemMatchingSettings = DEFAULT_ITEM_MATCHING,
  ): Promise<string> {
    const cacheName = `name:${name}`;
    const known = await this.references.find(session.realmId, 'item', cacheName);

    if (known) {
      return known;
    }

    const id =
      (await this.findBy(session, 'name', name)) ??
      (await this.create(session, { name, description, type: 'NonInventory' }, settings));

    await this.references.save(session.realmId, 'item', cacheName, id);

    return id;
  }

  private async applyMissingAction(
    session: QboSession,
    line: ItemLineRequest,
    sku: string,
    settings: ItemMatchingSettings,
    cacheName: string,
  ): Promise<ResolvedItem> {
    const action = settings.missingProductAction;

    if (action === 'fail') {
      throw new PostingError(
        `No QuickBooks item matches SKU "${sku}" (line ${line.lineNumber}, "${line.title}") by ${settings.field === 'sku' ? 'its SKU field' : 'name'}`,
        `Create an item named "${sku}" in QuickBooks Online, or add a Map SKU rule that maps it to an existing item, then re-sync the order`,
        PostingErrorCode.ItemNotFound,
      );
    }

    if (action === 'map_to_fallback') {
      const id = await this.findExisting(session, settings.fallbackItemName, 'name', line);

      return {
        id,
        name: settings.fallbackItemName,
        warning: `line ${line.lineNumber} (SKU "${sku}") matched no item and was posted to ${settings.fallbackItemName}`,
      };
    }

    // On Item Name matching a created item is named after the SKU with the title as description.
    // On SKU matching it is named after the title and has the SKU in its Sku field.
    const byName = settings.field === 'name';
    const id = await this.create(
      session,
      {
        name: byName ? sku : line.title,
        description: line.title,
        sku: byName ? undefined : sku,
        type: action === 'create_inventory' ? 'Inventory' : 'NonInventory',
        startDate: line.txnDate,
      },
      settings,
    );

    await this.references.save(session.realmId, 'item', cacheName, id);

    return { id, name: sku };
  }

  private async findExisting(
    session: QboSession,
    name: string,
    field: 'name' | 'sku',
    line: ItemLineRequest,
  ): Promise<string> {
    const cacheName = `${field}:${name}`;
    const known = await this.references.find(session.realmId, 'item', cacheName);

    if (known) {
      return known;
    }

    const id = await this.findBy(session, field, name, line);

    if (!id) {
      throw new PostingError(
        `No QuickBooks item is named "${name}" (line ${line.lineNumber}, "${line.title}")`,
        `Create the item "${name}" in QuickBooks Online or correct the rule or setting that names it, then re-sync the order`,
        PostingErrorCode.ItemNotFound,
      );
    }

    await this.references.save(session.realmId, 'item', cacheName, id);

    return id;
  }

  /**
   * Looks an item up by Sku, or by name: a `Parent:Child` value by full name, a plain value by
   * leaf name. A leaf name under two parents is ambiguous and fails, listing both.
   */
  private async findBy(
    session: QboSession,
    field: 'name' | 'sku',
    value: string,
    line?: ItemLineRequest,
  ): Promise<string | undefined> {
    const column = field === 'sku' ? 'Sku' : value.includes(':') ? 'FullyQualifiedName' : 'Name';
    const rows = await session.query<QboItem>(
      'Item',
      `select * from Item where ${column} = ${quoteQueryValue(value.trim())}`,
    );
    const active = rows.filter((row) => row.Active !== false);

    if (active.length > 1) {
      const names = active.map((row) => row.FullyQualifiedName ?? row.Name).join('", "');

      throw new PostingError(
        `SKU "${value}"${line ? ` (line ${line.lineNumber})` : ''} matches several QuickBooks items: "${names}"`,
        `Use the full Parent:Child name as the SKU, or add a Map SKU rule that names one of them, then re-sync the order`,
        PostingErrorCode.ItemAmbiguous,
      );
    }

    return active[0]?.Id;
  }

  private async create(
    session: QboSession,
    item: {
      name: string;
      description: string;
      sku?: string;
      type: 'Inventory' | 'NonInventory';
      startDate?: string;
    },
    settings: ItemMatchingSettings,
  ): Promise<string> {
    const name = toQboName(item.name, MAX_ITEM_NAME_LENGTH);
    const incomeAccountId = await this.company.findAccountId(session, settings.incomeAccount);
    const body: Record<string, unknown> = {
      Name: name,
      Description: item.description.slice(0, 4000),
      Type: item.type,
      IncomeAccountRef: { value: incomeAccountId },
      ...(item.sku ? { Sku: item.sku.slice(0, MAX_SKU_LENGTH) } : {}),
    };

    if (item.type === 'Inventory') {
      // A new inventory item starts at quantity 0 on the order date, so the sale may take it
      // negative but never predates it.
      Object.assign(body, {
        TrackQtyOnHand: true,
        QtyOnHand: 0,
        InvStartDate: item.startDate ?? new Date().toISOString().slice(0, 10),
        AssetAccountRef: {
          value: await this.company.findAccountId(session, settings.inventoryAssetAccount),
        },
        ExpenseAccountRef: {
          value: await this.company.findAccountId(session, settings.cogsAccount),
        },
      });
    }

    try {
      const created = await session.create<{ Item: QboItem }>(
        'item',
        body,
        stableRequestId('item', session.realmId, name),
      );

      return created.Item.Id;
    } catch (error) {
      if (error instanceof QboFaultError && error.code === DUPLICATE_NAME_FAULT) {
        // Another order created the item between our look-up and our create.
        const id = await this.findBy(session, 'name', name);

        if (id) {
          return id;
        }
      }

      throw error;
    }
  }
}
