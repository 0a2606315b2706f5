import {
  type DocumentKind,
  type OrderReady,
  type QboPostingSettings,
  type QboTransactionMode,
  type TRANSACTION_TYPES,
} from '@qbsync/contracts';

/** The posting ledger's document kind and the QuickBooks entity of each per-order mode. */
export const SALE_DOCUMENTS = {
  sales_receipt: { kind: 'sales_receipt', entity: 'SalesReceipt', label: 'sales receipt' },
  invoice: { kind: 'invoice', entity: 'Invoice', label: 'invoice' },
  invoice_with_payment: { kind: 'invoice', entity: 'Invoice', label: 'invoice' },
  estimate: { kind: 'estimate', entity: 'Estimate', label: 'estimate' },
} as const;

export type PerOrderMode = keyof typeof SALE_DOCUMENTS;

/** Decision for one order: a document of its own, a place in a daily summary, or nothing. */
export type ModeDecision =
  { kind: 'document'; mode: PerOrderMode } | { kind: 'summary' } | { kind: 'skip'; reason: string };

const DOCUMENT_KIND_MODES: Partial<Record<DocumentKind, QboTransactionMode>> = {
  sales_receipt: 'sales_receipt',
  invoice: 'invoice',
  estimate: 'estimate',
};

/**
 * Decides the transaction mode of one order: a rule's transaction type wins, then a document kind
 * other than the default sales receipt that a rule chose, then the connection's setting. Modes
 * QuickBooks Online cannot post (sales orders) and summary invoices are skipped with the reason.
 * Under Summary Payout the order is skipped here and posts later within its payout's sales
 * receipt (`PayoutPostingService`).
 */
export function resolveTransactionMode(
  ready: OrderReady,
  settings: QboPostingSettings,
): ModeDecision {
  const mode = effectiveTransactionType(ready, settings);

  if (mode in SALE_DOCUMENTS) {
    return { kind: 'document', mode: mode as PerOrderMode };
  }

  switch (mode) {
    case 'do_not_sync':
      return { kind: 'skip', reason: 'the transaction mode is Do Not Sync, so nothing was posted' };
    case 'summary_payout':
      // The order stays in the order archive, where the payout's sales receipt finds its lines.
      return {
        kind: 'skip',
        reason:
          'the transaction mode is Summary Payout, so the order is held and posts in the sales receipt of its payout',
      };
    case 'summary_sales_receipt':
      return { kind: 'summary' };
    case 'summary_invoice':
      return {
        kind: 'skip',
        reason:
          'the transaction mode Summary Invoice is not supported yet; choose Summary Sales Receipt',
      };
    default:
      return {
        kind: 'skip',
        reason: `QuickBooks Online has no sales orders, so transaction mode ${mode} cannot post; choose another mode or rule`,
      };
  }
}

/** Returns true when the order waits for its payout's sales receipt (transaction mode Summary Payout). */
export function heldForPayout(ready: OrderReady, settings: QboPostingSettings): boolean {
  return effectiveTransactionType(ready, settings) === 'summary_payout';
}

function effectiveTransactionType(
  ready: OrderReady,
  settings: QboPostingSettings,
): (typeof TRANSACTION_TYPES)[number] {
  const ruleType = ready.overrides?.transactionType;
  const fromKind =
    ready.documentKind !== 'sales_receipt' ? DOCUMENT_KIND_MODES[ready.documentKind] : undefined;

  return ruleType ?? fromKind ?? settings.transactionMode;
}
