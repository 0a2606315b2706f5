import { minorUnitExponent } from '@qbsync/contracts';

import { type QbdSettings } from '../posting/qbd-settings';
import { formatAmount } from '../qbxml/qbxml-fields';
import { journalEntryAdd, type JournalLine } from '../qbxml/qbxml-requests';
import { type EntryOrigin, type QueueEntryDocument } from '../queue/queue-entry.schema';
import { nextSeq } from '../queue/queue.repository';

/** Item types whose cost QuickBooks does not book itself, so a COGS journal entry books it. */
const COSTED_ITEM_TYPES: ReadonlySet<string> = new Set(['ItemNonInventory', 'ItemService']);

/** The list copy's facts about the item a line posts to. */
export interface CogsItemFacts {
  /** `ItemInventory`, `ItemNonInventory`, `ItemService`...; absent for an item not yet created. */
  itemType?: string;
  /** QuickBooks' purchase cost, a decimal string such as "4.10". */
  purchaseCost?: string;
}

/** A posted document's product line, as the COGS journal entry reads it. */
export interface CogsSourceLine {
  itemName: string;
  quantity: number;
  className?: string;
}

/** The sale (or refund) a COGS journal entry books the cost of. */
export interface CogsSource {
  accountId: string;
  /** Queue entry id of the sales document; the journal entry depends on it. */
  transactionId: string;
  txnDate: string;
  refNumber?: string;
  memo: string;
  customerName: string;
  className?: string;
  currency: string;
  origin: EntryOrigin;
  lines: CogsSourceLine[];
}

/** One line's share of a COGS journal entry, kept so a refund that restocks it can reverse it. */
export interface CogsShareLine {
  itemName: string;
  quantity: number;
  /** Unit cost as a decimal string, as QuickBooks returned it. */
  unitCost: string;
  className?: string;
}

export interface CogsEntryResult {
  entry?: QueueEntryDocument;
  lines: CogsShareLine[];
  /** One sentence per line left out for lack of a unit cost, for the sale's sync event. */
  warnings: string[];
}

/** Returns the queue entry id of the COGS journal entry of a sales document or credit memo. */
export function cogsEntryId(transactionId: string): string {
  return `${transactionId}|cogs`;
}

/**
 * Builds the COGS journal entry of one posted sale. Each line on a non-inventory or service item
 * with a purchase cost gets a debit to the COGS account and a credit to the inventory asset
 * account of quantity × unit cost, with the sale's customer and the line's class. Inventory items
 * are left out because QuickBooks books their cost itself. A line on an item without a cost (or
 * one not created yet) is left out with a warning. Returns no entry when no line has a cost.
 */
export function buildCogsEntry(
  source: CogsSource,
  items: ReadonlyMap<string, CogsItemFacts>,
  settings: QbdSettings,
): CogsEntryResult {
  const lines: CogsShareLine[] = [];
  const warnings: string[] = [];

  for (const line of source.lines) {
    const facts = items.get(line.itemName.toLowerCase());

    if (facts?.itemType && !COSTED_ITEM_TYPES.has(facts.itemType)) {
      continue;
    }

    if (!facts?.purchaseCost || Number(facts.purchaseCost) <= 0) {
      warnings.push(
        `item ${line.itemName} has no purchase cost in QuickBooks, so its line is left out of the COGS journal entry; set the item's cost to include it`,
      );
      continue;
    }

    lines.push({
      itemName: line.itemName,
      quantity: line.quantity,
      unitCost: facts.purchaseCost,
      className: line.className ?? source.className,
    });
  }

  return {
    entry: journalEntry(source, lines, settings, 'sale'),
    lines,
    warnings,
  };
}

/**
 * Builds the journal entry that reverses the COGS share of the restocked lines of a refund: a
 * debit to the inventory asset account and a credit to the COGS account, at the unit cost the
 * sale's journal entry used. `sold` lists the sale's share less what earlier refunds reversed.
 */
export function buildCogsReversal(
  source: CogsSource,
  sold: readonly CogsShareLine[],
  settings: QbdSettings,
): CogsEntryResult {
  const remaining = sold.map((line) => ({ ...line }));
  const lines: CogsShareLine[] = [];

  for (const line of source.lines) {
    // The sale's line may name `Tools:Hammer` where the refund's SKU names `Hammer`.
    const share = remaining.find(
      (candidate) =>
        leafName(candidate.itemName) === leafName(line.itemName) && candidate.quantity > 0,
    );

    if (!share) {
      continue;
    }

    const quantity = Math.min(line.quantity, share.quantity);

    share.quantity -= quantity;
    lines.push({ ...share, quantity });
  }

  return { entry: journalEntry(source, lines, settings, 'refund'), lines, warnings: [] };
}

function leafName(fullName: string): string {
  return (fullName.split(':').pop() ?? fullName).trim().toLowerCase();
}

/** Returns quantity × unit cost in minor units of `currency`, rounded to the nearest unit. */
export function lineCost(line: CogsShareLine, currency: string): number {
  return Math.round(line.quantity * Number(line.unitCost) * 10 ** minorUnitExponent(currency));
}

function journalEntry(
  source: CogsSource,
  lines: readonly CogsShareLine[],
  settings: QbdSettings,
  direction: 'sale' | 'refund',
): QueueEntryDocument | undefined {
  const costed = lines.filter((line) => lineCost(line, source.currency) > 0);

  if (costed.length === 0) {
    return undefined;
  }

  // A sale moves cost from the asset account to COGS; a restock moves it back.
  const debitAccount = direction === 'sale' ? settings.cogsAccount : settings.assetAccount;
  const creditAccount = direction === 'sale' ? settings.assetAccount : settings.cogsAccount;
  const journalLines: JournalLine[] = costed.flatMap((line): JournalLine[] => {
    const amount = formatAmount(lineCost(line, source.currency), source.currency);
    const memo = `${line.quantity} x ${line.itemName} at ${line.unitCost}`;
    const common = { amount, memo, entityName: source.customerName, className: line.className };

    return [
      { side: 'debit', account: debitAccount, ...common },
      { side: 'credit', account: creditAccount, ...common },
    ];
  });
  const memo = `COGS of ${source.memo}`;
  const now = new Date();
  const id = cogsEntryId(source.transactionId);
  const classNames = [...new Set(costed.map((line) => line.className).filter(Boolean))];

  return {
    _id: id,
    accountId: source.accountId,
    seq: nextSeq(),
    kind: 'journal',
    requestName: 'JournalEntryAdd',
    body: journalEntryAdd({
      txnDate: source.txnDate,
      refNumber: source.refNumber,
      memo,
      lines: journalLines,
    }),
    dependsOn: [source.transactionId],
    references: [
      { listType: 'Account', name: settings.cogsAccount, source: 'the COGS account setting' },
      {
        listType: 'Account',
        name: settings.assetAccount,
        source: 'the inventory asset account setting',
      },
      ...classNames.map((name) => ({
        listType: 'Class',
        name: name!,
        source: 'the class of the sale',
      })),
    ],
    lookup: {
      txnType: 'JournalEntry',
      refNumber: source.refNumber,
      txnDate: source.txnDate,
      memoStamp: memo,
    },
    documentKind: direction === 'sale' ? 'cogs_journal_entry' : 'cogs_reversal',
    customerName: source.customerName,
    features: [],
    state: 'queued',
    // Its own notes: the sale's notes (and the COGS warnings) belong to the sale's event.
    origin: { ...source.origin, notes: [] },
    createdAt: now,
    updatedAt: now,
    attempts: 0,
    transientFailures: 0,
  };
}
