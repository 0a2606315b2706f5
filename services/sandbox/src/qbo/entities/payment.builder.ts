import { formatQboDate } from '../../common/qbo-time';
import { type JsonObject } from '../company/company';
import { referenceTo } from '../company/entity-meta';
import {
  businessValidationFault,
  invalidValueFault,
  notModelledFault,
  requiredParamMissingFault,
} from '../faults/qbo-fault';
import { centsToAmount, decimalToCents, decimalToNumber } from './decimal';
import {
  optionalDate,
  optionalDecimal,
  optionalReference,
  optionalString,
  requiredReference,
  resolveCurrency,
  resolveReference,
} from './field-checks';
import { type EntityBuilder, type WriteContext } from './write-context';

/** Maximum PaymentRefNum length, from Intuit's Payment reference. */
const MAX_PAYMENT_REF_LENGTH = 21;

interface AppliedLine {
  invoice: JsonObject;
  amountCents: number;
  line: JsonObject;
}

/**
 * A customer payment. Each line applies part of TotalAmt to one invoice through LinkedTxn, and
 * what no line applies is UnappliedAmt. Applying reduces the invoice's Balance, as QBO does.
 */
export const paymentBuilder: EntityBuilder = {
  entity: 'Payment',

  build(input: JsonObject, context: WriteContext): JsonObject {
    if (context.existing) {
      throw notModelledFault('updating a Payment');
    }

    const { company } = context;
    const customer = requiredReference(input, company, 'Customer', 'CustomerRef');
    const total = optionalDecimal(input, 'TotalAmt');

    if (!total) {
      throw requiredParamMissingFault('TotalAmt');
    }

    const totalCents = decimalToCents(total);

    if (totalCents < 0) {
      throw invalidValueFault('TotalAmt', input.TotalAmt, 'an amount of 0 or more');
    }

    optionalString(input, 'PaymentRefNum', MAX_PAYMENT_REF_LENGTH);
    optionalString(input, 'PrivateNote', 4000);
    const applied = readAppliedLines(input, customer.value, context);
    const appliedCents = applied.reduce((sum, entry) => sum + entry.amountCents, 0);

    if (appliedCents > totalCents) {
      throw businessValidationFault(
        `The payment applies ${centsToAmount(appliedCents)} to invoices but its TotalAmt is ` +
          `${centsToAmount(totalCents)}.`,
        'Line',
      );
    }

    for (const entry of applied) {
      reduceInvoiceBalance(entry, context);
    }

    const paymentMethod = optionalReference(input, company, 'PaymentMethod', 'PaymentMethodRef');
    const depositTo =
      optionalReference(input, company, 'Account', 'DepositToAccountRef') ??
      referenceTo(
        company.defaults.undepositedFundsAccountId,
        company.get('Account', company.defaults.undepositedFundsAccountId)?.Name,
      );

    return {
      ...input,
      CustomerRef: customer,
      TxnDate: optionalDate(input, 'TxnDate') ?? formatQboDate(context.now),
      CurrencyRef: resolveCurrency(input, company),
      DepositToAccountRef: depositTo,
      ...(paymentMethod ? { PaymentMethodRef: paymentMethod } : {}),
      TotalAmt: decimalToNumber(total),
      UnappliedAmt: centsToAmount(totalCents - appliedCents),
      ProcessPayment: false,
      Line: applied.map((entry) => entry.line),
    };
  },
};

function readAppliedLines(
  input: JsonObject,
  customerId: string,
  context: WriteContext,
): AppliedLine[] {
  const lines = input.Line ?? [];

  if (!Array.isArray(lines)) {
    throw invalidValueFault('Line', lines, 'an array of Line objects');
  }

  return lines.map((value: unknown, index) => {
    const path = `Line[${index}]`;

    if (typeof value !== 'object' || value === null) {
      throw invalidValueFault(path, value, 'a Line object');
    }

    const line = value as JsonObject;
    const amount = optionalDecimal(line, 'Amount', `${path}.Amount`);

    if (!amount) {
      throw requiredParamMissingFault(`${path}.Amount`);
    }

    const invoice = linkedInvoice(line, path, context);
    const invoiceCustomer = (invoice.CustomerRef as JsonObject | undefined)?.value;

    if (invoiceCustomer !== customerId) {
      throw businessValidationFault(
        `Invoice ${String(invoice.Id)} belongs to another customer than the payment.`,
        `${path}.LinkedTxn`,
      );
    }

    const amountCents = decimalToCents(amount);
    const balanceCents = Math.round(Number(invoice.Balance ?? 0) * 100);

    if (amountCents > balanceCents) {
      throw businessValidationFault(
        `The payment applies ${centsToAmount(amountCents)} to invoice ${String(invoice.Id)}, ` +
          `whose open balance is ${centsToAmount(balanceCents)}.`,
        `${path}.Amount`,
      );
    }

    return {
      invoice,
      amountCents,
      line: { ...line, Amount: decimalToNumber(amount) },
    };
  });
}

function linkedInvoice(line: JsonObject, path: string, context: WriteContext): JsonObject {
  const linked = line.LinkedTxn;
  const first = Array.isArray(linked) ? (linked[0] as JsonObject | undefined) : undefined;

  if (!first || first.TxnId === undefined) {
    throw requiredParamMissingFault(`${path}.LinkedTxn`);
  }

  if (first.TxnType !== 'Invoice') {
    throw notModelledFault(`payments linked to ${String(first.TxnType)}`, `${path}.LinkedTxn`);
  }

  return resolveReference(context.company, 'Invoice', String(first.TxnId), `${path}.LinkedTxn`);
}

/** Lowers the invoice's Balance and bumps its SyncToken, as applying a payment does in QBO. */
function reduceInvoiceBalance(entry: AppliedLine, context: WriteContext): void {
  const balanceCents = Math.round(Number(entry.invoice.Balance ?? 0) * 100);

  context.company.put('Invoice', {
    ...entry.invoice,
    Balance: centsToAmount(balanceCents - entry.amountCents),
    SyncToken: String(Number(entry.invoice.SyncToken ?? 0) + 1),
  });
}
