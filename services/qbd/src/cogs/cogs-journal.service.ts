import { Inject, Injectable } from '@nestjs/common';
import { type RefundReady } from '@qbsync/contracts';
import { MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model, Schema } from 'mongoose';

import { ListCopyRepository } from '../lists/list-copy.repository';
import { itemNameForSku } from '../posting/qbd-names';
import { type QbdSettings } from '../posting/qbd-settings';
import { type QueueEntryDocument } from '../queue/queue-entry.schema';
import {
  buildCogsEntry,
  buildCogsReversal,
  type CogsItemFacts,
  type CogsShareLine,
  type CogsSource,
  cogsEntryId,
} from './cogs-entries';

/** The lines a COGS journal entry (or its reversal) booked: `_id` is the journal entry's queue id. */
interface CogsShareDocument {
  _id: string;
  accountId: string;
  /** For a reversal, the queue id of the sale's journal entry it reverses. */
  reverses?: string;
  lines: CogsShareLine[];
  createdAt: Date;
}

/** The queued credit memo of a refund, as its COGS reversal reads it. */
export interface RefundCreditMemo {
  transactionId: string;
  customerName: string;
  txnDate: string;
  refNumber?: string;
  memo: string;
  origin: CogsSource['origin'];
}

const shareSchema = new Schema<CogsShareDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    reverses: { type: String },
    lines: { type: Schema.Types.Mixed, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'qbd_cogs_shares', versionKey: false },
);

/**
 * Builds COGS journal entries for queued sales and reversals for refunds that restock, when the
 * company file's `cogsJournalEntries` setting is on. Each journal entry's lines are stored by its
 * queue id, so a later refund reverses at the cost the sale used, and never more than it booked.
 */
@Injectable()
export class CogsJournalService {
  private readonly shares: Model<CogsShareDocument>;

  constructor(
    @Inject(MONGOOSE_CONNECTION) connection: Connection,
    private readonly lists: ListCopyRepository,
  ) {
    this.shares = connection.model<CogsShareDocument>('QbdCogsShare', shareSchema);
  }

  /**
   * Returns the COGS journal entry of a sale to queue with it (or none), and the warnings for
   * lines left out, which the caller adds to the sale's sync event.
   */
  async forSale(
    source: CogsSource,
    settings: QbdSettings,
  ): Promise<{ entries: QueueEntryDocument[]; warnings: string[] }> {
    if (!settings.cogsJournalEntries) {
      return { entries: [], warnings: [] };
    }

    const items = await this.itemFacts(
      source.accountId,
      source.lines.map((line) => line.itemName),
    );
    const result = buildCogsEntry(source, items, settings);

    if (!result.entry) {
      return { entries: [], warnings: result.warnings };
    }

    await this.saveShare({
      _id: result.entry._id,
      accountId: source.accountId,
      lines: result.lines,
      createdAt: new Date(),
    });

    return { entries: [result.entry], warnings: result.warnings };
  }

  /**
   * Returns the journal entry that reverses the restocked lines' share of the sale's COGS journal
   * entry, or none when the sale booked no COGS for those items. It depends on the credit memo
   * and on the sale's journal entry.
   */
  async forRefund(
    ready: RefundReady,
    creditMemo: RefundCreditMemo,
    saleTransactionId: string,
    settings: QbdSettings,
    homeCurrency: string,
  ): Promise<QueueEntryDocument[]> {
    const restocked = ready.refund.lines.filter((line) => line.restock && line.sku.trim() !== '');

    if (!settings.cogsJournalEntries || restocked.length === 0) {
      return [];
    }

    const source: CogsSource = {
      accountId: ready.refund.accountId,
      transactionId: creditMemo.transactionId,
      txnDate: creditMemo.txnDate,
      refNumber: creditMemo.refNumber,
      memo: creditMemo.memo,
      customerName: creditMemo.customerName,
      currency: homeCurrency,
      origin: creditMemo.origin,
      lines: restocked.map((line) => ({
        itemName: itemNameForSku(line.sku).name,
        quantity: line.quantity,
      })),
    };

    const saleJournalId = cogsEntryId(saleTransactionId);
    const sale = await this.shares.findOne({ _id: saleJournalId }).lean<CogsShareDocument>().exec();

    if (!sale) {
      return [];
    }

    const reversalId = cogsEntryId(source.transactionId);
    const earlier = await this.shares
      .find({ reverses: saleJournalId, _id: { $ne: reversalId } })
      .lean<CogsShareDocument[]>()
      .exec();
    const sold = sale.lines.map((line) => ({
      ...line,
      quantity:
        line.quantity -
        earlier
          .flatMap((reversal) => reversal.lines)
          .filter((reversed) => reversed.itemName === line.itemName)
          .reduce((sum, reversed) => sum + reversed.quantity, 0),
    }));
    const result = buildCogsReversal(source, sold, settings);

    if (!result.entry) {
      return [];
    }

    result.entry.dependsOn.push(saleJournalId);
    await this.saveShare({
      _id: result.entry._id,
      accountId: source.accountId,
      reverses: saleJournalId,
      lines: result.lines,
      createdAt: new Date(),
    });

    return [result.entry];
  }

  /** Looks up item types and purchase costs in the list copy, by lower-case full name. */
  private async itemFacts(accountId: string, names: string[]): Promise<Map<string, CogsItemFacts>> {
    const found = await this.lists.findByNames(accountId, 'Item', names);
    const facts = new Map<string, CogsItemFacts>();

    for (const name of names) {
      const [entry, ...others] = found.get(name.toLowerCase()) ?? [];

      if (entry && others.length === 0) {
        facts.set(name.toLowerCase(), {
          itemType: entry.details.itemType,
          purchaseCost: entry.details.purchaseCost,
        });
      }
    }

    return facts;
  }

  /** Stores a share once: a redelivered sale or refund finds the lines it booked the first time. */
  private async saveShare(share: CogsShareDocument): Promise<void> {
    await this.shares.updateOne({ _id: share._id }, { $setOnInsert: share }, { upsert: true });
  }
}
