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
 */
export function resolveTransactionMode(
  ready: OrderReady,
  settings: QboPostingSettings,
): ModeDecision {
  const ruleType = ready.overrides?.transactionType;
  const fromKind =
    ready.documentKind !== 'sales_receipt' ? DOCUMENT_KIND_MODES[ready.documentKind] : undefined;
  const mode: (typeof TRANSACTION_TYPES)[number] = ruleType ?? fromKind ?? settings.transactionMode;

  if (mode in SALE_DOCUMENTS) {
    return { kind: 'document', mode: mode as PerOrderMode };
  }

  switch (mode) {
    case 'do_not_sync':
      return { kind: 'skip', reason: 'the transaction mode is Do Not Sync, so nothing was posted' };
    case 'summary_payout':
      return {
        kind: 'skip',
        reason: 'the transaction mode is Summary Payout, so the order posts with its payout',
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
