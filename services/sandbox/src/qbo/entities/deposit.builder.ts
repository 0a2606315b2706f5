import { formatQboDate } from '../../common/qbo-time';
import { type Company, type EntityName, type JsonObject } from '../company/company';
import { referenceTo } from '../company/entity-meta';
import {
  businessValidationFault,
  invalidValueFault,
  notModelledFault,
  requiredParamMissingFault,
} from '../faults/qbo-fault';
import { centsToAmount, decimalToCents } from './decimal';
import {
  optionalDate,
  optionalDecimal,
  optionalReference,
  optionalString,
  referenceId,
  requiredReference,
  resolveCurrency,
  resolveReference,
} from './field-checks';
import { type EntityBuilder, type WriteContext } from './write-context';

/** Maximum DocNumber length of QBO, from the XSD annotation of Transaction.DocNumber. */
const MAX_DOC_NUMBER_LENGTH = 21;

/**
 * Transactions a deposit line can take out of Undeposited Funds, with the sign their amount has
 * on the deposit: a refund receipt paid out of Undeposited Funds lowers the deposit.
 */
const LINKABLE: Partial<Record<string, { entity: EntityName; sign: 1 | -1 }>> = {
  SalesReceipt: { entity: 'SalesReceipt', sign: 1 },
  Payment: { entity: 'Payment', sign: 1 },
  RefundReceipt: { entity: 'RefundReceipt', sign: -1 },
};

interface DepositLine {
  line: JsonObject;
  cents: number;
}

/**
 * A bank deposit, following Intuit's Deposit reference. A line either links one sales receipt,
 * payment or refund receipt (`LinkedTxn`), which moves it out of Undeposited Funds, or names an
 * account in `DepositLineDetail.AccountRef`. TotalAmt is the sum of the lines. As in QBO, a link
 * to a transaction that is not in Undeposited Funds, or that another deposit already took, is a
 * business validation error (6000). A link to an unknown Id is 2500 Invalid Reference Id.
 *
 * NOTE: the sandbox does not model updates, CashBack or Vendor and Employee entities on lines.
 */
export const depositBuilder: EntityBuilder = {
  entity: 'Deposit',

  build(input: JsonObject, context: WriteContext): JsonObject {
    if (context.existing) {
      throw notModelledFault('updating a Deposit');
    }

    if (input.CashBack !== undefined && input.CashBack !== null) {
      throw notModelledFault('cash back on a Deposit', 'CashBack');
    }

    const { company } = context;
    const depositTo = requiredReference(input, company, 'Account', 'DepositToAccountRef');

    if (depositTo.value === company.defaults.undepositedFundsAccountId) {
      throw businessValidationFault(
        'A deposit cannot go to Undeposited Funds. Choose a bank account.',
        'DepositToAccountRef',
      );
    }

    optionalString(input, 'PrivateNote', 4000);
    const docNumber = optionalString(input, 'DocNumber', MAX_DOC_NUMBER_LENGTH);
    const lines = readLines(input, context);
    const totalCents = lines.reduce((sum, entry) => sum + entry.cents, 0);

    if (totalCents < 0) {
      throw businessValidationFault(
        `The deposit total is ${centsToAmount(totalCents)}, but a deposit cannot be negative.`,
        'Line',
      );
    }

    return {
      ...input,
      ...(docNumber !== undefined ? { DocNumber: docNumber } : {}),
      TxnDate: optionalDate(input, 'TxnDate') ?? formatQboDate(context.now),
      CurrencyRef: resolveCurrency(input, company),
      DepositToAccountRef: depositTo,
      Line: lines.map((entry) => entry.line),
      TotalAmt: centsToAmount(totalCents),
    };
  },
};

function readLines(input: JsonObject, context: WriteContext): DepositLine[] {
  const lines = input.Line;

  if (lines === undefined || lines === null || (Array.isArray(lines) && lines.length === 0)) {
    throw requiredParamMissingFault('Line');
  }

  if (!Array.isArray(lines)) {
    throw invalidValueFault('Line', lines, 'an array of Line objects');
  }

  // Links within this request count as taken too, so one deposit cannot list a receipt twice.
  const linkedInRequest = new Set<string>();

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

    const cents = decimalToCents(amount);
    const numbered = {
      ...line,
      Id: String(index + 1),
      LineNum: index + 1,
      Amount: centsToAmount(cents),
    };

    if (line.LinkedTxn !== undefined && line.LinkedTxn !== null) {
      checkLinkedTransaction(line, path, cents, context, linkedInRequest);

      return { cents, line: { ...numbered, DetailType: 'DepositLineDetail' } };
    }

    return { cents, line: { ...numbered, ...accountLineFields(line, path, context) } };
  });
}

/**
 * Checks a line that takes a transaction out of Undeposited Funds: the transaction exists, sits
 * in Undeposited Funds, is in no other deposit, and the line's Amount is the transaction's total.
 */
function checkLinkedTransaction(
  line: JsonObject,
  path: string,
  cents: number,
  context: WriteContext,
  linkedInRequest: Set<string>,
): void {
  const linked = line.LinkedTxn;
  const entries = Array.isArray(linked) ? (linked as unknown[]) : [];
  const first = entries[0] as JsonObject | undefined;

  if (!first || first.TxnId === undefined || first.TxnId === null) {
    throw requiredParamMissingFault(`${path}.LinkedTxn.TxnId`);
  }

  if (entries.length > 1) {
    throw notModelledFault('more than one LinkedTxn on a deposit line', `${path}.LinkedTxn`);
  }

  const kind = LINKABLE[String(first.TxnType)];

  if (!kind) {
    throw notModelledFault(`deposit lines linked to ${String(first.TxnType)}`, `${path}.LinkedTxn`);
  }

  const { company } = context;
  const txnId = String(first.TxnId);
  const transaction = resolveReference(company, kind.entity, txnId, `${path}.LinkedTxn`);
  const account = (transaction.DepositToAccountRef as JsonObject | undefined)?.value;
  const label = `${kind.entity} ${txnId}`;

  if (account !== company.defaults.undepositedFundsAccountId) {
    throw businessValidationFault(
      `${label} is not in Undeposited Funds, so a deposit cannot include it.`,
      `${path}.LinkedTxn`,
    );
  }

  const key = `${kind.entity}:${txnId}`;
  const depositId = findDepositOf(company, kind.entity, txnId);

  if (depositId !== undefined || linkedInRequest.has(key)) {
    throw businessValidationFault(
      `${label} was already deposited${depositId !== undefined ? ` in Deposit ${depositId}` : ''}. A transaction can be deposited once.`,
      `${path}.LinkedTxn`,
    );
  }

  linkedInRequest.add(key);
  const expectedCents = kind.sign * Math.round(Number(transaction.TotalAmt ?? 0) * 100);

  if (cents !== expectedCents) {
    throw businessValidationFault(
      `The line deposits ${centsToAmount(cents)} of ${label}, whose amount is ${centsToAmount(expectedCents)}.`,
      `${path}.Amount`,
    );
  }
}

/** Returns the Id of the stored deposit that links the transaction, or undefined. */
function findDepositOf(company: Company, entity: EntityName, txnId: string): string | undefined {
  const deposit = company.find('Deposit', (object) =>
    ((object.Line ?? []) as JsonObject[]).some((line) =>
      ((line.LinkedTxn ?? []) as JsonObject[]).some(
        (link) => String(link.TxnId) === txnId && link.TxnType === entity,
      ),
    ),
  );

  return deposit === undefined ? undefined : String(deposit.Id);
}

/** Resolves the account, entity and class of a line that deposits to an account directly. */
function accountLineFields(line: JsonObject, path: string, context: WriteContext): JsonObject {
  const detailPath = `${path}.DepositLineDetail`;
  const detail = line.DepositLineDetail;

  if (typeof detail !== 'object' || detail === null) {
    throw requiredParamMissingFault(`${detailPath}.AccountRef`);
  }

  const fields = detail as JsonObject;
  const { company } = context;
  const accountRef = optionalReference(
    fields,
    company,
    'Account',
    'AccountRef',
    `${detailPath}.AccountRef`,
  );

  if (!accountRef) {
    throw requiredParamMissingFault(`${detailPath}.AccountRef`);
  }

  const classRef = optionalReference(
    fields,
    company,
    'Class',
    'ClassRef',
    `${detailPath}.ClassRef`,
  );

  return {
    DetailType: 'DepositLineDetail',
    DepositLineDetail: {
      ...fields,
      AccountRef: accountRef,
      ...(classRef ? { ClassRef: classRef } : {}),
      ...entityField(fields, `${detailPath}.Entity`, context),
    },
  };
}

/** Resolves `Entity`, the customer the money was received from. */
function entityField(detail: JsonObject, path: string, context: WriteContext): JsonObject {
  const id = referenceId(detail, 'Entity', path);

  if (id === undefined) {
    return {};
  }

  const type = (detail.Entity as JsonObject).type;

  if (type !== undefined && type !== 'Customer') {
    throw notModelledFault(`a deposit line Entity of type ${String(type)}`, path);
  }

  const customer = resolveReference(context.company, 'Customer', id, path);

  return { Entity: { ...referenceTo(id, customer.DisplayName), type: 'Customer' } };
}
