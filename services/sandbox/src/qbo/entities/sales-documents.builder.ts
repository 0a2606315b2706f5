import { formatQboDate } from '../../common/qbo-time';
import { type JsonObject } from '../company/company';
import { requiredParamMissingFault } from '../faults/qbo-fault';
import { optionalDate, optionalReference, optionalString } from './field-checks';
import { salesTransactionBuilder } from './sales-receipt.builder';
import { type WriteContext } from './write-context';

/**
 * An invoice: money owed, so no deposit account. Balance is TotalAmt less what payments applied;
 * on update QBO keeps the amount paid and moves the balance by the change in TotalAmt.
 */
export const invoiceBuilder = salesTransactionBuilder({
  entity: 'Invoice',
  deposits: false,
  requiresCustomer: true,
  computedFields: (totalAmt, input, context) => {
    const existing = context.existing;
    const paid = existing ? Number(existing.TotalAmt ?? 0) - Number(existing.Balance ?? 0) : 0;

    return {
      ...arAccountField(input, context),
      DueDate: optionalDate(input, 'DueDate') ?? optionalDate(input, 'TxnDate') ?? today(context),
      Balance: roundCents(totalAmt - paid),
    };
  },
});

/** An estimate: a quote that moves no money and no stock; QBO starts it as Pending. */
export const estimateBuilder = salesTransactionBuilder({
  entity: 'Estimate',
  deposits: false,
  requiresCustomer: true,
  computedFields: (_totalAmt, input) => {
    optionalDate(input, 'ExpirationDate');

    return { TxnStatus: optionalString(input, 'TxnStatus') ?? 'Pending' };
  },
});

/** A credit memo: a credit the customer can apply, so all of it remains until applied. */
export const creditMemoBuilder = salesTransactionBuilder({
  entity: 'CreditMemo',
  deposits: false,
  requiresCustomer: true,
  computedFields: (totalAmt, input, context) => ({
    ...arAccountField(input, context),
    Balance: totalAmt,
    RemainingCredit: totalAmt,
  }),
});

/**
 * A refund receipt: money paid back at once out of the deposit account. QBO requires that
 * account on a refund receipt, where a sales receipt falls back to Undeposited Funds.
 */
export const refundReceiptBuilder = salesTransactionBuilder({
  entity: 'RefundReceipt',
  deposits: true,
  requiresCustomer: false,
  computedFields: (_totalAmt, input) => {
    if (input.DepositToAccountRef === undefined || input.DepositToAccountRef === null) {
      throw requiredParamMissingFault('DepositToAccountRef');
    }

    return { Balance: 0 };
  },
});

function arAccountField(input: JsonObject, context: WriteContext): JsonObject {
  const account = optionalReference(input, context.company, 'Account', 'ARAccountRef');

  return account ? { ARAccountRef: account } : {};
}

function today(context: WriteContext): string {
  return formatQboDate(context.now);
}

function roundCents(amount: number): number {
  return Math.round(amount * 100) / 100;
}
