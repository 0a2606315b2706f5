import { formatQboDate } from '../../common/qbo-time';
import { type JsonObject } from '../company/company';
import { HOME_CURRENCY } from '../company/currencies';
import { referenceTo } from '../company/entity-meta';
import {
  businessValidationFault,
  duplicateDocNumberFault,
  notModelledFault,
  requiredParamMissingFault,
} from '../faults/qbo-fault';
import {
  type Decimal,
  centsToAmount,
  decimalToCents,
  decimalToNumber,
  parseDecimal,
} from './decimal';
import {
  checkEnumeration,
  optionalBoolean,
  optionalDate,
  optionalDecimal,
  optionalReference,
  optionalString,
  resolveCurrency,
  resolveReference,
} from './field-checks';
import { type ParsedLines, parseSalesLines } from './sales-receipt-lines';
import { computeSalesReceiptTotals, type TaxMode, type Totals } from './sales-receipt.totals';
import { type EntityBuilder, type WriteContext } from './write-context';

/** Maximum DocNumber length of QBO, from the XSD annotation of Transaction.DocNumber. */
const MAX_DOC_NUMBER_LENGTH = 21;

interface TaxSetup {
  codeRef?: { value: string; name?: string };
  rateRef?: { value: string; name?: string };
  ratePercent?: Decimal;
  overrideCents?: number;
}

/** The sales transactions that share SalesReceipt's lines, tax and totals. */
export type SalesTransactionEntity =
  'SalesReceipt' | 'Invoice' | 'Estimate' | 'RefundReceipt' | 'CreditMemo';

/** Differences of one kind of sales transaction from the others. */
interface SalesTransactionKind {
  entity: SalesTransactionEntity;
  /** Money moves at once (receipts), so the document has a deposit account and no balance. */
  deposits: boolean;
  /** QBO raises 2020 Required param missing for a document without CustomerRef. */
  requiresCustomer: boolean;
  /** Fields QBO computes for this kind from the totals (Balance, RemainingCredit, TxnStatus...). */
  computedFields(totalAmt: number, input: JsonObject, context: WriteContext): JsonObject;
}

/** Builds a SalesReceipt, Invoice, Estimate, RefundReceipt or CreditMemo from the same rules. */
export function salesTransactionBuilder(kind: SalesTransactionKind): EntityBuilder {
  return {
    entity: kind.entity,

    build(input: JsonObject, context: WriteContext): JsonObject {
      return buildSalesTransaction(kind, input, context);
    },
  };
}

export const salesReceiptBuilder = salesTransactionBuilder({
  entity: 'SalesReceipt',
  deposits: true,
  requiresCustomer: false,
  computedFields: () => ({ Balance: 0 }),
});

function buildSalesTransaction(
  kind: SalesTransactionKind,
  input: JsonObject,
  context: WriteContext,
): JsonObject {
  const lines = parseSalesLines(input, context);
  const taxMode = readTaxMode(input, context);
  const tax = readTaxSetup(input, context);
  const applyTaxAfterDiscount = optionalBoolean(input, 'ApplyTaxAfterDiscount') ?? false;
  const totals = computeSalesReceiptTotals({
    itemLines: lines.itemAmounts,
    discounts: lines.discounts,
    taxMode,
    taxRatePercent: tax.ratePercent,
    totalTaxOverrideCents: tax.overrideCents,
    applyTaxAfterDiscount,
  });

  const amounts = amountFields(input, totals);

  return {
    ...input,
    ...headerFields(kind, input, context),
    Line: outputLines(lines, totals),
    TxnTaxDetail: taxDetail(tax, totals, taxMode),
    ApplyTaxAfterDiscount: applyTaxAfterDiscount,
    ...amounts,
    PrintStatus: input.PrintStatus ?? 'NotSet',
    EmailStatus: input.EmailStatus ?? 'NotSet',
    ...kind.computedFields(Number(amounts.TotalAmt), input, context),
  };
}

function headerFields(
  kind: SalesTransactionKind,
  input: JsonObject,
  context: WriteContext,
): JsonObject {
  const { company } = context;
  const customer = optionalReference(input, company, 'Customer', 'CustomerRef');

  if (!customer && kind.requiresCustomer) {
    throw requiredParamMissingFault('CustomerRef');
  }

  optionalString(input, 'PrivateNote', 4000);
  const docNumber = resolveDocNumber(kind.entity, input, context);
  const currency = resolveCurrency(input, company);

  if (customer) {
    assertCustomerCurrency(customer.value, currency.value, context);
  }

  const classRef = optionalReference(input, company, 'Class', 'ClassRef');
  const departmentRef = optionalReference(input, company, 'Department', 'DepartmentRef');

  return {
    ...(docNumber !== undefined ? { DocNumber: docNumber } : {}),
    TxnDate: optionalDate(input, 'TxnDate') ?? formatQboDate(context.now),
    CurrencyRef: currency,
    ...(customer ? { CustomerRef: customer } : {}),
    ...(classRef ? { ClassRef: classRef } : {}),
    ...(departmentRef ? { DepartmentRef: departmentRef } : {}),
    ...(kind.deposits ? { DepositToAccountRef: depositAccount(input, context) } : {}),
  };
}

function depositAccount(
  input: JsonObject,
  context: WriteContext,
): { value: string; name?: string } {
  const { company } = context;

  return (
    optionalReference(input, company, 'Account', 'DepositToAccountRef') ??
    referenceTo(
      company.defaults.undepositedFundsAccountId,
      company.get('Account', company.defaults.undepositedFundsAccountId)?.Name,
    )
  );
}

/**
 * Rejects a transaction in another currency than its customer's CurrencyRef with a business
 * validation error (6000), as QBO does in multicurrency companies.
 */
function assertCustomerCurrency(customerId: string, currency: string, context: WriteContext): void {
  const customer = context.company.get('Customer', customerId);
  const customerCurrency =
    (customer?.CurrencyRef as JsonObject | undefined)?.value ?? HOME_CURRENCY;

  if (customerCurrency !== currency) {
    throw businessValidationFault(
      `The customer's currency is ${String(customerCurrency)} but the transaction is in ${currency}. ` +
        'The transaction currency must match the currency of the customer.',
      'CurrencyRef',
    );
  }
}

/**
 * Keeps the request's DocNumber, or numbers the receipt for `AUTO_GENERATE`. Duplicates are
 * allowed unless the company warns about them and the request lacks `include=allowduplicatedocnum`.
 */
function resolveDocNumber(
  entity: SalesTransactionEntity,
  input: JsonObject,
  context: WriteContext,
): string | undefined {
  const requested = optionalString(input, 'DocNumber', MAX_DOC_NUMBER_LENGTH);

  if (requested === 'AUTO_GENERATE') {
    return context.company.allocateDocNumber();
  }

  const checkDuplicates =
    context.company.settings.warnDuplicateDocNumber && !context.include.has('allowduplicatedocnum');

  if (requested !== undefined && requested !== '' && checkDuplicates) {
    const existingId = context.existing?.Id;
    const clash = context.company.find(
      entity,
      (document) => document.Id !== existingId && document.DocNumber === requested,
    );

    if (clash) {
      throw duplicateDocNumberFault(requested, entity, String(clash.Id));
    }
  }

  return requested;
}

function readTaxMode(input: JsonObject, context: WriteContext): TaxMode {
  const mode = optionalString(input, 'GlobalTaxCalculation') ?? 'TaxExcluded';

  checkEnumeration(context.catalogue, 'GlobalTaxCalculationEnum', 'GlobalTaxCalculation', mode);

  return mode as TaxMode;
}

/** Reads TxnTaxDetail: the tax code whose rate applies, and an optional TotalTax override. */
function readTaxSetup(input: JsonObject, context: WriteContext): TaxSetup {
  const detail = (input.TxnTaxDetail ?? {}) as JsonObject;
  const override = optionalDecimal(detail, 'TotalTax', 'TxnTaxDetail.TotalTax');
  const setup: TaxSetup = { overrideCents: override ? decimalToCents(override) : undefined };
  const codeRef = optionalReference(
    detail,
    context.company,
    'TaxCode',
    'TxnTaxCodeRef',
    'TxnTaxDetail.TxnTaxCodeRef',
  );

  if (!codeRef) {
    return setup;
  }

  const code = context.company.get('TaxCode', codeRef.value) ?? {};
  const rateDetails = ((code.SalesTaxRateList as JsonObject | undefined)?.TaxRateDetail ??
    []) as JsonObject[];

  if (rateDetails.length > 1) {
    throw notModelledFault('tax codes with more than one rate', 'TxnTaxDetail.TxnTaxCodeRef');
  }

  const rateId = (rateDetails[0]?.TaxRateRef as JsonObject | undefined)?.value;

  if (rateId === undefined) {
    return { ...setup, codeRef };
  }

  const rate = resolveReference(
    context.company,
    'TaxRate',
    String(rateId),
    'TxnTaxDetail.TxnTaxCodeRef',
  );

  return {
    ...setup,
    codeRef,
    rateRef: referenceTo(String(rateId), rate.Name),
    ratePercent: parseDecimal(rate.RateValue),
  };
}

/** Orders lines the way QBO returns them: item lines, the subtotal line, then discounts. */
function outputLines(lines: ParsedLines, totals: Totals): JsonObject[] {
  const subtotalLine = {
    Amount: centsToAmount(totals.subtotalCents),
    DetailType: 'SubTotalLineDetail',
    SubTotalLineDetail: {},
  };
  const discountLines = lines.discountLines.map((line, index) => ({
    ...line,
    Amount: centsToAmount(totals.discountCents[index]),
  }));

  return [...lines.itemLines, subtotalLine, ...discountLines];
}

function taxDetail(tax: TaxSetup, totals: Totals, taxMode: TaxMode): JsonObject {
  const detail: JsonObject = {
    ...(tax.codeRef ? { TxnTaxCodeRef: { value: tax.codeRef.value } } : {}),
    TotalTax: centsToAmount(totals.taxCents),
  };

  if (tax.rateRef && tax.ratePercent && taxMode !== 'NotApplicable') {
    detail.TaxLine = [
      {
        Amount: centsToAmount(totals.taxCents),
        DetailType: 'TaxLineDetail',
        TaxLineDetail: {
          TaxRateRef: { value: tax.rateRef.value },
          PercentBased: true,
          TaxPercent: decimalToNumber(tax.ratePercent),
          NetAmountTaxable: centsToAmount(totals.netTaxableCents),
        },
      },
    ];
  }

  return detail;
}

/**
 * Returns TotalAmt, and for a foreign currency ExchangeRate and HomeTotalAmt. Without an
 * ExchangeRate in the request the sandbox uses 1, where QBO would use its own daily rate.
 */
function amountFields(input: JsonObject, totals: Totals): JsonObject {
  const fields: JsonObject = { TotalAmt: centsToAmount(totals.totalCents) };
  const currency = (input.CurrencyRef as JsonObject | undefined)?.value;

  if (currency === undefined || currency === HOME_CURRENCY) {
    return fields;
  }

  const rate = optionalDecimal(input, 'ExchangeRate') ?? { units: 1n, scale: 0 };
  const homeCents = decimalToCents({
    units: BigInt(totals.totalCents) * rate.units,
    scale: rate.scale + 2,
  });

  return { ...fields, ExchangeRate: decimalToNumber(rate), HomeTotalAmt: centsToAmount(homeCents) };
}
