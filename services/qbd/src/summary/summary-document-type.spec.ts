import { type OrderReady, type TransactionType } from '@qbsync/contracts';
import { buildOrder } from '@qbsync/testing/dist/orders';

import { DEFAULT_QBD_SETTINGS, type QbdSettings } from '../posting/qbd-settings';
import { summaryDocumentTypeOf } from './summary-posting.service';

function ready(transactionType?: TransactionType): OrderReady {
  return {
    order: buildOrder(),
    target: 'qbd',
    documentKind: 'sales_receipt',
    ruleSetVersion: 0,
    appliedRules: [],
    ...(transactionType ? { overrides: { transactionType, lines: [] } } : {}),
  };
}

describe('summaryDocumentTypeOf', () => {
  it.each([
    ['summary_sales_receipt', 'SalesReceipt'],
    ['summary_invoice', 'Invoice'],
    ['summary_sales_order', 'SalesOrder'],
  ] as const)('posts a rule type %s as a %s summary', (type, expected) => {
    expect(summaryDocumentTypeOf(ready(type), DEFAULT_QBD_SETTINGS)).toBe(expected);
  });

  it('posts a rule type sales_receipt on its own', () => {
    const settings: QbdSettings = { ...DEFAULT_QBD_SETTINGS, summaryMode: 'summary_invoice' };

    expect(summaryDocumentTypeOf(ready('sales_receipt'), settings)).toBeUndefined();
  });

  it('follows the summary mode without a rule', () => {
    const settings: QbdSettings = { ...DEFAULT_QBD_SETTINGS, summaryMode: 'summary_sales_order' };

    expect(summaryDocumentTypeOf(ready(), settings)).toBe('SalesOrder');
  });

  it('posts on its own when summaries are off', () => {
    expect(summaryDocumentTypeOf(ready(), DEFAULT_QBD_SETTINGS)).toBeUndefined();
  });
});
