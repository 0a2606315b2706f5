import { formatQboDate } from '../../common/qbo-time';
import { type JsonObject } from '../company/company';
import { HOME_CURRENCY } from '../company/currencies';
import { referenceTo } from '../company/entity-meta';
import { duplicateDocNumberFault, notModelledFault } from '../faults/qbo-fault';
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

export const salesReceiptBuilder: EntityBuilder = {
  entity: 'SalesReceipt',

  build(input: JsonObject, context: WriteContext): JsonObject {
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

    return {
      ...input,
      ...headerFields(input, context),
      Line: outputLines(lines, totals),
      TxnTaxDetail: taxDetail(tax, totals, taxMode),
      ApplyTaxAfterDiscount: applyTaxAfterDiscount,
      ...amountFields(input, totals),
      PrintStatus: input.PrintStatus ?? 'NotSet',
      EmailStatus: input.EmailStatus ?? 'NotSet',
      Balance: 0,
    };
  },
};

function headerFields(input: JsonObject, context: WriteContext): JsonObject {
  const { company } = context;
  const customer = optionalReference(input, company, 'Customer', 'CustomerRef');
  const depositTo =
    optionalReference(input, company, 'Account', 'DepositToAccountRef') ??
    referenceTo(
      company.defaults.undepositedFundsAccountId,
      company.get('Account', company.defaults.undepositedFundsAccountId)?.Name,
    );

  optionalString(input, 'PrivateNote', 4000);
  const docNumber = resolveDocNumber(input, context);

  return {
    ...(docNumber !== undefined ? { DocNumber: docNumber } : {}),
    TxnDate: optionalDate(input, 'TxnDate') ?? formatQboDate(context.now),
    CurrencyRef: resolveCurrency(input, company),
    ...(customer ? { CustomerRef: customer } : {}),
    DepositToAccountRef: depositTo,
  };
}

/**
 * Keeps the request's DocNumber, or numbers the receipt for `AUTO_GENERATE`. Duplicates are
 * allowed unless the company warns about them and the request lacks `include=allowduplicatedocnum`.
 */
function resolveDocNumber(input: JsonObject, context: WriteContext): string | undefined {
  const requested = optionalString(input, 'DocNumber', MAX_DOC_NUMBER_LENGTH);

  if (requested === 'AUTO_GENERATE') {
    return context.company.allocateDocNumber();
  }

  const checkDuplicates =
    context.company.settings.warnDuplicateDocNumber && !context.include.has('allowduplicatedocnum');

  if (requested !== undefined && requested !== '' && checkDuplicates) {
    const existingId = context.existing?.Id;
    const clash = context.company.find(
      'SalesReceipt',
      (receipt) => receipt.Id !== existingId && receipt.DocNumber === requested,
    );

    if (clash) {
      throw duplicateDocNumberFault(requested, 'SalesReceipt', String(clash.Id));
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
