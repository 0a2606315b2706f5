import { type JsonObject } from '../company/company';
import { referenceTo } from '../company/entity-meta';
import {
  amountCalculationFault,
  discountMissingInfoFault,
  invalidLineTaxCodeFault,
  invalidValueFault,
  notModelledFault,
  requiredParamMissingFault,
} from '../faults/qbo-fault';
import { type Decimal, decimalToCents, decimalToNumber, multiplyToCents } from './decimal';
import {
  checkEnumeration,
  optionalBoolean,
  optionalDecimal,
  optionalReference,
  referenceId,
} from './field-checks';
import { type DiscountInput, type ItemLineAmount } from './sales-receipt.totals';
import { type WriteContext } from './write-context';

/** The request's lines, validated, with what the totals need. */
export interface ParsedLines {
  /** Item and description lines in request order, without their Amount on description lines. */
  itemLines: JsonObject[];
  itemAmounts: ItemLineAmount[];
  /** Discount lines, whose Amount is filled in after the totals are known. */
  discountLines: JsonObject[];
  discounts: DiscountInput[];
}

/** Line detail types that QBO accepts on a SalesReceipt and the sandbox models. */
const LINE_READERS = [
  'SalesItemLineDetail',
  'DiscountLineDetail',
  'SubTotalLineDetail',
  'DescriptionOnly',
];

/**
 * Validates `Line` of a sales transaction. SubTotalLineDetail lines in the request are dropped,
 * because QBO computes the subtotal line itself.
 */
export function parseSalesLines(input: JsonObject, context: WriteContext): ParsedLines {
  const lines = input.Line;

  if (!Array.isArray(lines) || lines.length === 0) {
    throw requiredParamMissingFault('Line');
  }

  const parsed: ParsedLines = { itemLines: [], itemAmounts: [], discountLines: [], discounts: [] };

  lines.forEach((line: unknown, index) => {
    const path = `Line[${index}]`;

    if (typeof line !== 'object' || line === null || Array.isArray(line)) {
      throw invalidValueFault(path, line, 'a Line object');
    }

    parseLine(line as JsonObject, path, context, parsed);
  });

  return parsed;
}

function parseLine(
  line: JsonObject,
  path: string,
  context: WriteContext,
  parsed: ParsedLines,
): void {
  const detailType = line.DetailType;

  if (typeof detailType !== 'string' || detailType === '') {
    throw requiredParamMissingFault(`${path}.DetailType`);
  }

  checkEnumeration(context.catalogue, 'LineDetailTypeEnum', `${path}.DetailType`, detailType);
  if (!LINE_READERS.includes(detailType)) {
    throw notModelledFault(`line DetailType ${detailType}`, `${path}.DetailType`);
  }

  const lineNumber = parsed.itemLines.length + parsed.discountLines.length + 1;

  if (detailType === 'SalesItemLineDetail') {
    const { line: itemLine, amount } = parseItemLine(line, path, context, lineNumber);

    parsed.itemLines.push(itemLine);
    parsed.itemAmounts.push(amount);
  } else if (detailType === 'DiscountLineDetail') {
    const { line: discountLine, discount } = parseDiscountLine(line, path, context, lineNumber);

    parsed.discountLines.push(discountLine);
    parsed.discounts.push(discount);
  } else if (detailType === 'DescriptionOnly') {
    parsed.itemLines.push({
      ...line,
      Id: String(lineNumber),
      LineNum: lineNumber,
      DescriptionLineDetail: line.DescriptionLineDetail ?? {},
    });
  }
}

function parseItemLine(line: JsonObject, path: string, context: WriteContext, lineNumber: number) {
  const detailPath = `${path}.SalesItemLineDetail`;
  const detail = line.SalesItemLineDetail;

  if (typeof detail !== 'object' || detail === null) {
    throw requiredParamMissingFault(detailPath);
  }

  const details = detail as JsonObject;
  const amount = requiredAmount(line, path);
  const item = optionalReference(
    details,
    context.company,
    'Item',
    'ItemRef',
    `${detailPath}.ItemRef`,
  );

  if (!item) {
    // NOTE: QBO may fall back to a default "Services" item here, but the sandbox requires ItemRef.
    throw requiredParamMissingFault(`${detailPath}.ItemRef`);
  }

  const quantity = optionalDecimal(details, 'Qty', `${detailPath}.Qty`);
  const unitPrice = optionalDecimal(details, 'UnitPrice', `${detailPath}.UnitPrice`);

  if (quantity && unitPrice && multiplyToCents(quantity, unitPrice) !== decimalToCents(amount)) {
    throw amountCalculationFault(line.Amount, `${path}.Amount`);
  }

  const stored = context.company.get('Item', item.value) ?? {};
  const taxCode = lineTaxCode(details, stored, detailPath);
  const outputDetail: JsonObject = {
    ...details,
    ItemRef: item,
    ...(quantity ? { Qty: decimalToNumber(quantity) } : {}),
    ...(unitPrice ? { UnitPrice: decimalToNumber(unitPrice) } : {}),
    ...(stored.IncomeAccountRef ? { ItemAccountRef: stored.IncomeAccountRef } : {}),
    TaxCodeRef: { value: taxCode },
  };

  return {
    line: {
      ...line,
      Id: String(lineNumber),
      LineNum: lineNumber,
      Amount: decimalToNumber(amount),
      SalesItemLineDetail: outputDetail,
    },
    amount: { amountCents: decimalToCents(amount), taxable: taxCode === 'TAX' },
  };
}

/** Returns TAX or NON. Without TaxCodeRef the item's Taxable flag decides. */
function lineTaxCode(details: JsonObject, item: JsonObject, detailPath: string): string {
  const code = referenceId(details, 'TaxCodeRef', `${detailPath}.TaxCodeRef`);

  if (code === undefined) {
    return item.Taxable === true ? 'TAX' : 'NON';
  }

  if (code !== 'TAX' && code !== 'NON') {
    throw invalidLineTaxCodeFault(code, `${detailPath}.TaxCodeRef`);
  }

  return code;
}

function parseDiscountLine(
  line: JsonObject,
  path: string,
  context: WriteContext,
  lineNumber: number,
) {
  const detailPath = `${path}.DiscountLineDetail`;
  const details = (line.DiscountLineDetail ?? {}) as JsonObject;
  const percentBased =
    optionalBoolean(details, 'PercentBased', `${detailPath}.PercentBased`) ?? false;
  const percent = optionalDecimal(details, 'DiscountPercent', `${detailPath}.DiscountPercent`);
  const amount = optionalDecimal(line, 'Amount', `${path}.Amount`);
  const discount = discountInput(percentBased, percent, amount, path);
  const account =
    optionalReference(
      details,
      context.company,
      'Account',
      'DiscountAccountRef',
      `${detailPath}.DiscountAccountRef`,
    ) ?? discountAccount(context);

  return {
    line: {
      ...line,
      Id: String(lineNumber),
      DiscountLineDetail: {
        ...details,
        PercentBased: percentBased,
        ...(percent ? { DiscountPercent: decimalToNumber(percent) } : {}),
        DiscountAccountRef: account,
      },
    },
    discount,
  };
}

function discountInput(
  percentBased: boolean,
  percent: Decimal | undefined,
  amount: Decimal | undefined,
  path: string,
): DiscountInput {
  if (percentBased && percent) {
    return { percent };
  }

  if (amount) {
    return { amountCents: decimalToCents(amount) };
  }

  throw discountMissingInfoFault(path);
}

function discountAccount(context: WriteContext) {
  const id = context.company.defaults.discountAccountId;

  return referenceTo(id, context.company.get('Account', id)?.Name);
}

function requiredAmount(line: JsonObject, path: string): Decimal {
  const amount = optionalDecimal(line, 'Amount', `${path}.Amount`);

  if (!amount) {
    throw requiredParamMissingFault(`${path}.Amount`);
  }

  return amount;
}
