import { AccountingError, buildSummaryPlan, type PostingPlan } from '@qbsync/accounting';
import { type OrderReady } from '@qbsync/contracts';

import { type CogsSource } from '../cogs/cogs-entries';
import { buildLines, type OrderListFacts } from '../posting/order-entries';
import { customerAddEntry, itemAddEntry } from '../posting/list-entries';
import { customerNameFor } from '../posting/qbd-names';
import { type QbdSettings } from '../posting/qbd-settings';
import { formatAmount, QbxmlLimits } from '../qbxml/qbxml-fields';
import { customerAdd, salesDocumentAdd } from '../qbxml/qbxml-requests';
import {
  type EntryOrigin,
  type EntryReference,
  type QueueEntryDocument,
} from '../queue/queue-entry.schema';
import { nextSeq } from '../queue/queue.repository';
import { type SummaryBatchDocument, type SummaryDocumentType } from './summary-order.repository';

/** Posting ledger kinds of summary documents. */
export const SUMMARY_LEDGER_KIND: Record<SummaryDocumentType, string> = {
  SalesReceipt: 'summary_sales_receipt',
  Invoice: 'summary_invoice',
  SalesOrder: 'summary_sales_order',
};

/** Names of summary documents in sync events. */
export const SUMMARY_DOCUMENT_NAME: Record<SummaryDocumentType, string> = {
  SalesReceipt: 'summary sales receipt',
  Invoice: 'summary invoice',
  SalesOrder: 'summary sales order',
};

export type SummaryEntriesResult =
  | {
      outcome: 'queued';
      entries: QueueEntryDocument[];
      transactionId: string;
      /** RefNumber of the summary, or undefined when QuickBooks numbers it. */
      refNumber?: string;
      /** The number the summary would have had, for messages when QuickBooks numbers it. */
      requestedNumber: string;
      total: number;
      notes: string[];
      /** The summary as its COGS journal entry reads it; absent for a sales order. */
      sale?: CogsSource;
    }
  | { outcome: 'rejected'; message: string; fix: string };

/** Returns the queue entry id of a summary: the posting ledger key of its store, group, day and sequence. */
export function summaryEntryId(batch: SummaryBatchDocument): string {
  return `${batch.accountId}|summary|${batch.connectionId}|${batch.groupKey}|${batch.day}|${batch.sequence}`;
}

/**
 * Builds the queue entries of one summary: the summary customer and the items when the list copy
 * lacks them, then one SalesReceiptAdd, InvoiceAdd or SalesOrderAdd. Lines come from
 * `buildSummaryPlan`: item lines by SKU and unit price with summed quantities and amounts, one
 * shipping line, the discounts, and the tax as one line, because the orders' taxes mix
 * jurisdictions. The total is the sum of the orders' channel totals to the cent, or the summary
 * is rejected. Pure apart from the clock.
 */
export function buildSummaryEntries(
  batch: SummaryBatchDocument,
  orders: readonly OrderReady[],
  settings: QbdSettings,
  facts: OrderListFacts,
  homeCurrency: string,
): SummaryEntriesResult {
  const accountId = batch.accountId;
  const lineSettings: QbdSettings = { ...settings, taxMode: 'line_item' };
  let plan: PostingPlan;

  try {
    plan = buildSummaryPlan(
      orders.map((ready) => ready.order),
      {
        day: batch.day,
        baseDocNumber: `${settings.docNumberPrefix}S${batch.day.slice(2).replace(/-/g, '')}`,
        sequence: batch.sequence,
        customerName: settings.summaryCustomer,
        docNumberMaxLength: QbxmlLimits.refNumber,
        shippingItemName: settings.shippingItem,
        adjustmentItemName: settings.adjustmentItem,
      },
    );
  } catch (error) {
    if (error instanceof AccountingError) {
      return {
        outcome: 'rejected',
        message: `The ${SUMMARY_DOCUMENT_NAME[batch.documentType]} of ${batch.day} cannot be built: ${error.message}`,
        fix: 'Correct the named order in the channel; the summary is built again at the next summary run',
      };
    }

    throw error;
  }

  const expectedTotal =
    plan.channelTotal - (batch.documentType === 'SalesReceipt' ? plan.giftCardTotal : 0);
  const documentTotal =
    plan.total - (batch.documentType === 'SalesReceipt' ? plan.giftCardTotal : 0);

  if (documentTotal !== expectedTotal) {
    return {
      outcome: 'rejected',
      message: `The ${SUMMARY_DOCUMENT_NAME[batch.documentType]} of ${batch.day} adds up to ${formatAmount(documentTotal, plan.currency)} but its orders total ${formatAmount(expectedTotal, plan.currency)}`,
      fix: 'Check the orders of that day in the channel: their lines, discounts, shipping and tax must add up to their totals',
    };
  }

  const notes: string[] = [];
  // The plan's one tax line has no rate, so the tax line reads "Sales tax" without one.
  const lineBuild = buildLines(
    { ...plan, taxLines: [] },
    { lines: [] },
    lineSettings,
    facts,
    notes,
  );

  if ('failure' in lineBuild) {
    return { outcome: 'rejected', message: lineBuild.failure, fix: lineBuild.fix };
  }

  const now = new Date();
  const base = { accountId, createdAt: now, updatedAt: now, attempts: 0, transientFailures: 0 };
  const transactionId = summaryEntryId(batch);
  const refNumber =
    settings.useNextQuickBooksNumber || plan.docNumberTruncated ? undefined : plan.docNumber;
  const requestedNumber = plan.docNumber;
  const customer = customerNameFor(settings.summaryCustomer);
  const origin: EntryOrigin = {
    entity: 'order',
    channel: batch.channel,
    channelOrderId: `summary:${batch.day}:${batch.sequence}`,
    orderNumber: requestedNumber,
    connectionId: batch.connectionId,
    currency: plan.currency,
    channelTotal: expectedTotal,
    notes,
  };
  const entries: QueueEntryDocument[] = [];
  const dependsOn: string[] = [];

  if (plan.docNumberTruncated) {
    notes.push(
      `summary number ${requestedNumber} is longer than QuickBooks' ${QbxmlLimits.refNumber}-character RefNumber, so QuickBooks numbered it`,
    );
  }

  if (!facts.customer) {
    const customerEntry = customerAddEntry(
      base,
      origin,
      customer.name,
      customerAdd({ name: customer.name, companyName: customer.name }),
    );

    entries.push(customerEntry);
    dependsOn.push(customerEntry._id);
  }

  for (const item of lineBuild.newItems) {
    const itemEntry = itemAddEntry(
      base,
      origin,
      item,
      {
        taxCode: settings.nonTaxableCode,
        incomeAccount: settings.incomeAccount,
        cogsAccount: settings.cogsAccount,
        assetAccount: settings.assetAccount,
      },
      [{ listType: 'Account', name: settings.incomeAccount, source: 'the income account setting' }],
    );

    entries.push(itemEntry);
    dependsOn.push(itemEntry._id);
  }

  const isReceipt = batch.documentType === 'SalesReceipt';
  const arAccount = isReceipt ? undefined : settings.arAccount;
  const depositAccount = isReceipt ? settings.depositAccount : undefined;
  const references: EntryReference[] = [...lineBuild.references];
  const addReference = (listType: string, name: string | undefined, source: string) => {
    if (name) {
      references.push({ listType, name, source });
    }
  };

  addReference('Class', settings.defaultClass, 'the default class setting');
  addReference('Account', arAccount, 'the A/R account setting');
  addReference('Account', depositAccount, 'the deposit account setting');

  entries.push({
    ...base,
    _id: transactionId,
    seq: nextSeq(),
    kind: 'transaction',
    requestName: `${batch.documentType}Add`,
    body: salesDocumentAdd({
      type: batch.documentType,
      customerName: customer.name,
      className: settings.defaultClass,
      arAccount,
      txnDate: plan.txnDate,
      refNumber,
      memo: plan.privateNote,
      depositAccount,
      lines: lineBuild.lines,
    }),
    dependsOn,
    references,
    lookup: {
      txnType: batch.documentType,
      refNumber,
      txnDate: plan.txnDate,
      memoStamp: plan.privateNote,
    },
    documentKind: SUMMARY_LEDGER_KIND[batch.documentType],
    customerName: customer.name,
    features: lineBuild.features,
    state: 'queued',
    origin,
  });

  const sale: CogsSource | undefined =
    batch.documentType === 'SalesOrder'
      ? undefined
      : {
          accountId,
          transactionId,
          txnDate: plan.txnDate,
          refNumber,
          memo: plan.privateNote,
          customerName: customer.name,
          className: settings.defaultClass,
          currency: homeCurrency,
          origin,
          lines: lineBuild.lines
            .filter((line) => line.quantity !== undefined)
            .map((line) => ({ itemName: line.itemName, quantity: Number(line.quantity) })),
        };

  return {
    outcome: 'queued',
    entries,
    transactionId,
    refNumber,
    requestedNumber,
    total: expectedTotal,
    notes,
    sale,
  };
}
