import { Injectable } from '@nestjs/common';
import { type ItemPlanLine } from '@qbsync/accounting';

import { quoteQueryValue } from '../api/qbo-api.client';
import { QboFaultError } from '../api/qbo-api.errors';
import { stableRequestId } from '../api/request-id';
import { PostingError, PostingErrorCode } from '../posting/posting.errors';
import { CompanySettingsService, PRODUCT_INCOME_ACCOUNT } from './company-settings.service';
import { EntityReferenceRepository } from './entity-reference.repository';
import { type QboItem } from './qbo-entities';
import { MAX_ITEM_NAME_LENGTH, toQboName } from './qbo-names';
import { type QboSession } from './qbo-session';

/** Item a line without a SKU posts to until the product is mapped, so the books stay whole. */
export const UNKNOWN_ITEM_NAME = 'unknown_do_not_delete';

const DUPLICATE_NAME_FAULT = '6240';

export interface ResolvedItem {
  id: string;
  name: string;
  /** Set when the line had no SKU and went to the unknown item. */
  warning?: string;
}

/**
 * Matches an order line to a QuickBooks item whose Name equals the line's SKU (case and whitespace
 * ignored). A missing item is created as a non-inventory item, or fails the order, as the
 * connection's missing-product action sets.
 */
@Injectable()
export class ItemMatcherService {
  constructor(
    private readonly references: EntityReferenceRepository,
    private readonly company: CompanySettingsService,
  ) {}

  async resolveLine(
    session: QboSession,
    line: ItemPlanLine,
    lineNumber: number,
  ): Promise<ResolvedItem> {
    if (!line.sku.trim()) {
      const id = await this.resolveByName(session, UNKNOWN_ITEM_NAME, 'Lines without a SKU', true);

      return {
        id,
        name: UNKNOWN_ITEM_NAME,
        warning: `line ${lineNumber} ("${line.name}") has no SKU and was posted to ${UNKNOWN_ITEM_NAME}`,
      };
    }

    const name = toQboName(line.sku, MAX_ITEM_NAME_LENGTH);
    const id = await this.resolveByName(
      session,
      name,
      line.name,
      session.missingItemAction === 'create',
    );

    return { id, name };
  }

  /** Finds or creates a service-like item the product posts itself (shipping, adjustments). */
  async resolveSystemItem(session: QboSession, name: string, description: string): Promise<string> {
    return this.resolveByName(session, name, description, true);
  }

  private async resolveByName(
    session: QboSession,
    name: string,
    description: string,
    createMissing: boolean,
  ): Promise<string> {
    const known = await this.references.find(session.realmId, 'item', name);

    if (known) {
      return known;
    }

    let id = await this.findByName(session, name);

    if (!id && !createMissing) {
      throw new PostingError(
        `No QuickBooks item is named "${name}" (the order line's SKU)`,
        `Create an item named "${name}" in QuickBooks Online, or add a rule that maps the SKU to an existing item, then save the order again in the channel to re-sync it`,
        PostingErrorCode.ItemNotFound,
      );
    }

    id ??= await this.create(session, name, description);
    await this.references.save(session.realmId, 'item', name, id);

    return id;
  }

  private async findByName(session: QboSession, name: string): Promise<string | undefined> {
    const [found] = await session.query<QboItem>(
      'Item',
      `select * from Item where Name = ${quoteQueryValue(name)}`,
    );

    return found?.Id;
  }

  private async create(session: QboSession, name: string, description: string): Promise<string> {
    const incomeAccountId = await this.company.findAccountId(session, PRODUCT_INCOME_ACCOUNT);
    const body = {
      Name: name,
      Description: description.slice(0, 4000),
      Type: 'NonInventory',
      IncomeAccountRef: { value: incomeAccountId },
    };

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
        const id = await this.findByName(session, name);

        if (id) {
          return id;
        }
      }

      throw error;
    }
  }
}
