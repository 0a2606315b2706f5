import { AccountingError, buildRefundPlan, type RefundPlan } from '@qbsync/accounting';
import { type RefundReady } from '@qbsync/contracts';

import { formatAmount, QbxmlLimits } from '../qbxml/qbxml-fields';
import {
  arRefundCreditCardAdd,
  customerAdd,
  type NewItemType,
  refundCheckAdd,
  salesDocumentAdd,
  type SalesLine,
} from '../qbxml/qbxml-requests';
import { type EntryOrigin, type QueueEntryDocument } from '../queue/queue-entry.schema';
import { nextSeq } from '../queue/queue.repository';
import { txnIdPlaceholder } from './order-entries';
import { customerAddEntry, itemAddEntry } from './list-entries';
import { customerNameFor, itemNameForSku } from './qbd-names';
import { type QbdSettings } from './qbd-settings';

/** The queued document of the order a refund credits. */
export interface RefundOriginal {
  entryId: string;
  customerName: string;
  /** The posting ledger kind of the original: `sales_receipt`, `invoice`... */
  documentKind: string;
  /** True when money was taken for the original (a sales receipt, or an invoice with payment). */
  paid: boolean;
}

export type RefundEntriesResult =
  | {
      outcome: 'queued';
      entries: QueueEntryDocument[];
      transactionId: string;
      notes: string[];
      /** The credit memo as the COGS reversal reads it: customer, date, number and memo. */
      creditMemo: {
        transactionId: string;
        customerName: string;
        txnDate: string;
        refNumber?: string;
        memo: string;
        origin: EntryOrigin;
      };
    }
  | { outcome: 'rejected'; message: string; fix: string }
  | { outcome: 'skipped'; message: string };

/**
 * Builds the queue entries of one channel refund: a credit memo for the refunded lines, shipping,
 * adjustments and tax, then (when the original was paid) the money going back: a card refund out
 * of the deposit account, or a check from the bank account, applied to that credit memo.
 *
 * With `original` undefined the order never reached QuickBooks Desktop, so the refund posts on
 * its own from its own lines and amounts: a credit memo to the `standaloneRefundCustomer`, plus
 * the card refund or check when the channel returned money. Its total must equal the channel's
 * refund total to the cent, or the refund is rejected.
 */
export function buildRefundEntries(
  ready: RefundReady,
  original: RefundOriginal | undefined,
  sequence: number,
  settings: QbdSettings,
  existingItems: Map<string, string>,
): RefundEntriesResult {
  const { refund } = ready;

  if (refund.status !== 'completed') {
    return {
      outcome: 'skipped',
      message: `Refund ${refund.channelRefundId} is ${refund.status} on the channel; it posts once completed`,
    };
  }

  let plan: RefundPlan;

  try {
    plan = buildRefundPlan(refund, undefined, {
      documentKind: 'credit_memo',
      sequence,
      docNumberPrefix: settings.docNumberPrefix,
      docNumberMaxLength: QbxmlLimits.refNumber,
      shippingItemName: settings.shippingItem,
    });
  } catch (error) {
    if (error instanceof AccountingError) {
      return {
        outcome: 'rejected',
        message: error.message,
        fix: 'Check the refund in the channel: its lines, shipping, adjustments and tax must add up to its total',
      };
    }

    throw error;
  }

  const notes: string[] = [];
  const now = new Date();
  const accountId = refund.accountId;
  const currency = refund.currency;

  if (!original && plan.total !== refund.totals.total) {
    return {
      outcome: 'rejected',
      message: `Refund ${refund.channelRefundId} adds up to ${formatAmount(plan.total, currency)} but the channel refunded ${formatAmount(refund.totals.total, currency)}, and its order ${refund.orderNumber} is not in QuickBooks Desktop to balance it`,
      fix: 'Check the refund in the channel: its lines, shipping, adjustments and tax must add up to its total. Or re-sync the order first; the refund then posts against it',
    };
  }

  const standaloneCustomer = customerNameFor(settings.standaloneRefundCustomer).name;
  const customerName = original?.customerName ?? standaloneCustomer;
  const paid = original ? original.paid : refundReturnedMoney(ready);

  if (!original) {
    notes.push(
      `order ${refund.orderNumber} never reached QuickBooks Desktop, so the refund posted on its own from its own lines to customer ${standaloneCustomer}`,
    );
  }

  const newItems = new Map<string, { fullName: string; type: NewItemType; description: string }>();
  const ensureItem = (fullName: string, type: NewItemType, description: string): string => {
    const existing = existingItems.get(fullName.toLowerCase());

    if (existing) {
      return existing;
    }

    newItems.set(fullName.toLowerCase(), { fullName, type, description });

    return fullName;
  };
  const lines: SalesLine[] = plan.lines.map((line) => {
    const amount = formatAmount(line.amount, currency);

    if (line.kind === 'item') {
      const itemName = line.noRestockItemName
        ? ensureItem(line.noRestockItemName, 'ItemNonInventory', 'Refunds without restock')
        : ensureItem(
            itemNameForSku(line.sku || settings.blankSkuItem).name,
            'ItemNonInventory',
            line.description,
          );

      return {
        itemName,
        description: line.description,
        quantity: String(line.quantity),
        rate: formatAmount(line.unitPrice, currency),
        amount,
        taxCode: settings.nonTaxableCode,
      };
    }

    return {
      itemName: ensureItem(line.itemName, 'ItemService', line.description),
      description: line.description,
      amount,
      taxCode: settings.nonTaxableCode,
    };
  });

  if (plan.taxTreatment === 'exclusive' && plan.taxTotal > 0) {
    lines.push({
      itemName: ensureItem(
        settings.salesTaxLineItem,
        'ItemService',
        'Sales tax the channel charged',
      ),
      description: 'Refunded sales tax',
      amount: formatAmount(plan.taxTotal, currency),
      taxCode: settings.nonTaxableCode,
    });
  }

  if (plan.docNumber === undefined) {
    notes.push(
      `refund number ${plan.requestedDocNumber} is longer than QuickBooks' ${QbxmlLimits.refNumber}-character RefNumber, so QuickBooks numbered the credit memo`,
    );
  }

  const origin: EntryOrigin = {
    entity: 'refund',
    entityId: refund.channelRefundId,
    channel: refund.channel,
    channelOrderId: refund.channelOrderId,
    orderNumber: refund.orderNumber,
    connectionId: refund.connectionId,
    currency,
    channelTotal: refund.totals.total,
    ruleSetVersion: ready.ruleSetVersion,
    notes,
  };
  const base = { accountId, createdAt: now, updatedAt: now, attempts: 0, transientFailures: 0 };
  const entries: QueueEntryDocument[] = [];
  const listEntryIds: string[] = [];

  if (!original) {
    // Queued every time: the Web Connector session skips a customer entry whose name the list
    // copy already has.
    const customerEntry = customerAddEntry(
      base,
      origin,
      standaloneCustomer,
      customerAdd({ name: standaloneCustomer, companyName: standaloneCustomer }),
    );

    listEntryIds.push(customerEntry._id);
    entries.push(customerEntry);
  }

  for (const item of newItems.values()) {
    const itemEntry = itemAddEntry(
      base,
      origin,
      item,
      { taxCode: settings.nonTaxableCode, incomeAccount: settings.incomeAccount },
      [{ listType: 'Account', name: settings.incomeAccount, source: 'the income account setting' }],
    );

    listEntryIds.push(itemEntry._id);
    entries.push(itemEntry);
  }

  const creditMemoId = `${accountId}|${refund.channel}|${refund.channelOrderId}|refund|${refund.channelRefundId}|credit_memo`;
  const lookup = {
    txnType: 'CreditMemo',
    refNumber: plan.docNumber,
    txnDate: plan.txnDate,
    memoStamp: plan.privateNote,
  };

  entries.push({
    ...base,
    _id: creditMemoId,
    seq: nextSeq(),
    kind: 'transaction',
    requestName: 'CreditMemoAdd',
    body: salesDocumentAdd({
      type: 'CreditMemo',
      customerName,
      arAccount: settings.arAccount,
      txnDate: plan.txnDate,
      refNumber: plan.docNumber,
      memo: plan.privateNote,
      lines,
    }),
    dependsOn: original ? [original.entryId, ...listEntryIds] : listEntryIds,
    references: [],
    lookup,
    orderKey: `refund|${refund.channel}|${refund.channelOrderId}`,
    documentKind: original ? 'credit_memo' : 'standalone_credit_memo',
    customerName,
    features: [],
    state: 'queued',
    origin,
  });

  if (paid && plan.total > 0) {
    const amount = formatAmount(plan.total, currency);
    const moneyId = `${creditMemoId}|${settings.refundMethod}`;
    const byCard = settings.refundMethod === 'credit_card';

    entries.push({
      ...base,
      _id: moneyId,
      seq: nextSeq(),
      kind: 'refund',
      requestName: byCard ? 'ARRefundCreditCardAdd' : 'CheckAdd',
      body: byCard
        ? arRefundCreditCardAdd({
            customerName,
            refundFromAccount: settings.depositAccount,
            arAccount: settings.arAccount,
            txnDate: plan.txnDate,
            refNumber: plan.docNumber,
            memo: plan.privateNote,
            creditMemoTxnId: txnIdPlaceholder(creditMemoId),
            amount,
          })
        : refundCheckAdd({
            bankAccount: settings.checkBankAccount,
            customerName,
            refNumber: plan.docNumber,
            txnDate: plan.txnDate,
            memo: plan.privateNote,
            arAccount: settings.refundArAccount,
            amount,
          }),
      dependsOn: [creditMemoId],
      references: [
        byCard
          ? {
              listType: 'Account',
              name: settings.depositAccount,
              source: 'the refund deposit account setting',
            }
          : {
              listType: 'Account',
              name: settings.checkBankAccount,
              source: 'the check bank account setting',
            },
      ],
      lookup: { ...lookup, txnType: byCard ? 'ARRefundCreditCard' : 'Check' },
      documentKind: byCard ? 'credit_card_refund' : 'refund_check',
      customerName,
      features: [],
      state: 'queued',
      origin,
    });
  }

  return {
    outcome: 'queued',
    entries,
    transactionId: creditMemoId,
    notes,
    creditMemo: {
      transactionId: creditMemoId,
      customerName,
      txnDate: plan.txnDate,
      refNumber: plan.docNumber,
      memo: plan.privateNote,
      origin,
    },
  };
}

/**
 * Returns whether the channel gave money back for a refund whose order QuickBooks never saw: a
 * successful refund transaction, or a refund (not a cancellation) that lists no transactions.
 */
function refundReturnedMoney(ready: RefundReady): boolean {
  const { refund } = ready;

  if (refund.transactions.length > 0) {
    return refund.transactions.some(
      (transaction) => transaction.status === 'success' && transaction.amount > 0,
    );
  }

  return refund.kind === 'refund';
}
