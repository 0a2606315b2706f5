import { Injectable } from '@nestjs/common';
import { buildPlanCustomer } from '@qbsync/accounting';
import { type OrderReady, type RefundReady } from '@qbsync/contracts';
import { AppLogger, SyncEventPublisher } from '@qbsync/platform';

import { type CompanyFileDocument } from '../company/company-file.schema';
import { CompanyFileRepository } from '../company/company-file.repository';
import { ListCopyRepository } from '../lists/list-copy.repository';
import {
  buildOrderEntries,
  type OrderListFacts,
  resolveCustomerName,
} from '../posting/order-entries';
import { itemNameForSku } from '../posting/qbd-names';
import { type QbdSettings } from '../posting/qbd-settings';
import { buildRefundEntries } from '../posting/refund-entries';
import { type QueueEntryDocument } from './queue-entry.schema';
import { QueueRepository } from './queue.repository';

/**
 * Milliseconds list look-ups and company files are reused while queueing. A stale value costs
 * little: an item created meanwhile is queued again and found by name at send time, and a setting
 * changed meanwhile applies from the next order.
 */
const INTAKE_CACHE_MILLISECONDS = 30_000;

/** A small time-limited cache of the look-ups every order of an account repeats. */
class ExpiringCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();

  async get(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const cached = this.entries.get(key);

    if (cached && cached.expiresAt > now) {
      return cached.value;
    }

    const value = await load();

    if (this.entries.size > 10_000) {
      this.entries.clear();
    }

    this.entries.set(key, { value, expiresAt: now + INTAKE_CACHE_MILLISECONDS });

    return value;
  }
}

type Origin = {
  accountId: string;
  connectionId: string;
  channel: OrderReady['order']['channel'];
  channelOrderId: string;
  orderNumber: string;
};

/**
 * Turns ready orders and refunds into queue entries, in dependency order, the moment they arrive,
 * so a Web Connector session only hands out qbXML that is already built.
 */
@Injectable()
export class QueueIntake {
  private readonly logger: AppLogger;
  private readonly companyFileCache = new ExpiringCache<CompanyFileDocument | null>();
  private readonly itemCache = new ExpiringCache<string | undefined>();

  constructor(
    private readonly companyFiles: CompanyFileRepository,
    private readonly queue: QueueRepository,
    private readonly lists: ListCopyRepository,
    private readonly syncEvents: SyncEventPublisher,
    logger: AppLogger,
  ) {
    this.logger = logger.child(QueueIntake.name);
  }

  async queueOrder(ready: OrderReady): Promise<'ack'> {
    const { order } = ready;
    const origin: Origin = order;
    const companyFile = await this.pairedCompanyFile(origin, 'order', order.updatedAt);

    if (!companyFile) {
      return 'ack';
    }

    const facts = await this.orderFacts(ready, companyFile);
    const result = buildOrderEntries(ready, companyFile.settings, companyFile.homeCurrency, facts);

    if (result.outcome === 'rejected') {
      await this.publish(origin, 'order', undefined, `rejected:${order.updatedAt}`, {
        status: 'rejected',
        message: result.message,
        fix: result.fix,
      });

      return 'ack';
    }

    if (result.outcome === 'skipped') {
      await this.publish(origin, 'order', undefined, `skipped:${order.updatedAt}`, {
        status: 'skipped',
        message: result.message,
      });

      return 'ack';
    }

    await this.insert(result.entries, result.transactionId, origin, 'order', undefined);

    return 'ack';
  }

  async queueRefund(ready: RefundReady, lastAttempt: boolean): Promise<'ack' | 'retry'> {
    const { refund } = ready;
    const origin: Origin = refund;
    const companyFile = await this.pairedCompanyFile(origin, 'refund', refund.channelRefundId);

    if (!companyFile) {
      return 'ack';
    }

    const original = await this.queue.findOrderTransaction(
      refund.accountId,
      refund.channel,
      refund.channelOrderId,
    );

    if (!original || !original.customerName) {
      if (!lastAttempt) {
        // The order and its refund often arrive moments apart: wait for the order.
        return 'retry';
      }

      await this.publish(origin, 'refund', refund.channelRefundId, 'no-original', {
        status: 'failed',
        message: `Refund ${refund.channelRefundId} credits order ${refund.orderNumber}, which has not been queued for QuickBooks Desktop`,
        fix: 'Re-sync the order first; the refund posts after it',
      });

      return 'ack';
    }

    const payments = await this.queue.findByIds([`${original._id}|payment`]);
    const paid = original.documentKind === 'sales_receipt' || payments.length > 0;
    const sequence = await this.queue.countRefundDocuments(
      refund.accountId,
      refund.channel,
      refund.channelOrderId,
    );
    const names = [
      ...refund.lines.map((line) => itemNameForSku(line.sku).name).filter(Boolean),
      companyFile.settings.shippingItem,
      companyFile.settings.salesTaxLineItem,
      'Refund Adjustment',
      'ShopifyNoRestock',
    ];
    const items = await this.existingItems(refund.accountId, names);
    const result = buildRefundEntries(
      ready,
      {
        entryId: original._id,
        customerName: original.customerName,
        documentKind: original.documentKind ?? 'sales_receipt',
        paid,
      },
      sequence,
      companyFile.settings,
      items,
    );

    if (result.outcome !== 'queued') {
      await this.publish(
        origin,
        'refund',
        refund.channelRefundId,
        `${result.outcome}:${refund.channelRefundId}`,
        {
          status: result.outcome,
          message: result.message,
          fix: result.outcome === 'rejected' ? result.fix : undefined,
        },
      );

      return 'ack';
    }

    await this.insert(
      result.entries,
      result.transactionId,
      origin,
      'refund',
      refund.channelRefundId,
    );

    return 'ack';
  }

  private async insert(
    entries: QueueEntryDocument[],
    transactionId: string,
    origin: Origin,
    entity: 'order' | 'refund',
    entityId: string | undefined,
  ): Promise<void> {
    const duplicates = await this.queue.insert(entries);

    if (duplicates.has(transactionId)) {
      this.logger.debug('Already queued; the redelivery changed nothing', {
        accountId: origin.accountId,
        orderId: origin.channelOrderId,
      });

      return;
    }

    await this.publish(origin, entity, entityId, 'queued', {
      status: 'received',
      message: 'Queued for QuickBooks Desktop; it posts at the next Web Connector session',
    });
  }

  private async pairedCompanyFile(
    origin: Origin,
    entity: 'order' | 'refund',
    version: string,
  ): Promise<CompanyFileDocument | null> {
    const companyFile = await this.companyFileCache.get(origin.accountId, () =>
      this.companyFiles.findByAccountId(origin.accountId),
    );

    if (!companyFile) {
      await this.publish(origin, entity, undefined, `not-paired:${version}`, {
        status: 'failed',
        message: 'The account has no QuickBooks Desktop company file paired',
        fix: 'Pair the company file (POST /api/accounts/:accountId/connections/quickbooks-desktop), add the .qwc file to the Web Connector, then re-sync',
      });
    }

    return companyFile;
  }

  private async orderFacts(
    ready: OrderReady,
    companyFile: CompanyFileDocument,
  ): Promise<OrderListFacts> {
    const { order } = ready;
    const settings: QbdSettings = companyFile.settings;
    const foreign = order.currency !== companyFile.homeCurrency;
    const customerName = resolveCustomerName(
      buildPlanCustomer(order),
      ready.overrides ?? { lines: [] },
      settings,
      order.currency,
      foreign,
    ).name;
    const [customer] = await this.lists.findByName(order.accountId, 'Customer', customerName);
    const itemNames = [
      ...order.lines.map((line) => itemNameForSku(line.sku).name).filter(Boolean),
      settings.blankSkuItem,
      ready.overrides?.shippingItem ?? settings.shippingItem,
      ready.overrides?.discountItem ?? settings.discountItem,
      settings.salesTaxLineItem,
      settings.adjustmentItem,
      settings.giftCardItem,
    ];
    const facts: OrderListFacts = {
      items: await this.existingItems(order.accountId, itemNames),
    };

    if (customer && customer.fullName.toLowerCase() === customerName.toLowerCase()) {
      facts.customer = { listId: customer.listId, editSequence: customer.editSequence };
    }

    if (foreign) {
      const currencies = await this.lists.list(order.accountId, 'Currency');

      facts.currencyName = currencies.find(
        (entry) => entry.details.currencyCode === order.currency,
      )?.fullName;
    }

    const levelName = ready.overrides?.priceLevel;

    if (levelName) {
      const [level] = await this.lists.findByName(order.accountId, 'PriceLevel', levelName);

      if (level) {
        facts.priceLevel = {
          perItem: level.details.priceLevelType === 'PerItem',
          itemKeys: new Set(level.details.priceLevelItems ?? []),
        };
      }
    }

    return facts;
  }

  /**
   * Returns the names (lower case) that match exactly one QuickBooks item, with that item's full
   * name, so `Hammer` posts to `Tools:Hammer`.
   */
  // TODO: a leaf name under two parents should fail the order and list both. Today it matches
  // neither, so the missing product action creates a top-level item of that name.
  private async existingItems(accountId: string, names: string[]): Promise<Map<string, string>> {
    const items = new Map<string, string>();

    for (const name of new Set(names.map((candidate) => candidate.toLowerCase()))) {
      const fullName = await this.itemCache.get(`${accountId}|${name}`, async () => {
        const found = await this.lists.findByName(accountId, 'Item', name);

        return found.length === 1 ? found[0]?.fullName : undefined;
      });

      if (fullName) {
        items.set(name, fullName);
      }
    }

    return items;
  }

  private async publish(
    origin: Origin,
    entity: 'order' | 'refund',
    entityId: string | undefined,
    suffix: string,
    fields: {
      status: 'received' | 'rejected' | 'skipped' | 'failed';
      message: string;
      fix?: string;
    },
  ): Promise<void> {
    await this.syncEvents.publish({
      eventId: `${origin.accountId}:${origin.channel}:${origin.channelOrderId}:${entityId ?? 'order'}:qbd:${suffix}`,
      accountId: origin.accountId,
      connectionId: origin.connectionId,
      channel: origin.channel,
      channelOrderId: origin.channelOrderId,
      orderNumber: origin.orderNumber,
      entity,
      entityId,
      stage: 'qbd',
      ...fields,
    });
  }
}
