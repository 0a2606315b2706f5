import { type PostingPlan, type RefundPlan } from '@qbsync/accounting';
import { type Address, minorToDecimal } from '@qbsync/contracts';

/** QuickBooks Online sales documents an order posts as. */
export type SalesDocumentEntity = 'SalesReceipt' | 'Invoice' | 'Estimate';
/** QuickBooks Online documents a refund posts as. */
export type RefundDocumentEntity = 'RefundReceipt' | 'CreditMemo';

/**
 * Sales tax treatment of a document. override: lines coded taxable or not, the channel's tax in
 * `TxnTaxDetail.TotalTax`. line_item: every line non-taxable and the tax as one item line. vat:
 * every line has its VAT/GST code from `lineTaxCodeIds`.
 */
export type TaxPosting = 'override' | 'line_item' | 'vat';

/** QuickBooks ids and header values a document body needs, resolved before it is built. */
export interface DocumentReferences {
  customerId?: string;
  /** Item id for each plan line, in the plan's order. */
  lineItemIds: string[];
  /** Class id for each plan line, where a rule set one. */
  lineClassIds?: Array<string | undefined>;
  /** VAT/GST: tax code id for each plan line. */
  lineTaxCodeIds?: string[];
  /** Tax code of discount lines and the gift-card line in VAT/GST companies. */
  discountTaxCodeId?: string;
  giftCardItemId?: string;
  /** Item of the discount when discounts post as an item line. */
  discountItemId?: string;
  /** line_item tax: the `Sales Tax` item. */
  taxItemId?: string;
  taxPosting: TaxPosting;
  /** Codes of taxable and non-taxable lines: TAX and NON in US companies. */
  taxableCode: string;
  nonTaxableCode: string;
  /** The transaction tax code the jurisdiction table picked, if any. */
  txnTaxCodeId?: string;
  /** Set in a multicurrency company for a document not in the home currency. */
  currency?: string;
  /** Home-currency units per unit of `currency`, as a decimal string. */
  exchangeRate?: string;
  depositAccountId?: string;
  /** Payment method of a receipt's money, from the gateway table or a rule. */
  paymentMethodId?: string;
  arAccountId?: string;
  classId?: string;
  departmentId?: string;
  billAddress?: Address;
  shipAddress?: Address;
}

/** Document number, date and memo; an absent `docNumber` lets QuickBooks number the document. */
export interface DocumentHeader {
  docNumber?: string;
  txnDate: string;
  privateNote: string;
  dueDate?: string;
}

type Json = Record<string, unknown>;

interface LineSource {
  kind: 'item' | 'shipping' | 'adjustment' | 'tip' | 'fee' | 'payout';
  description: string;
  amount: number;
  quantity?: number;
  unitPrice?: number;
  taxable?: boolean;
}

/**
 * Builds the JSON body of a QuickBooks Online SalesReceipt, Invoice or Estimate from a posting
 * plan. Amounts are decimals converted from minor units, and the channel's tax goes in
 * `TxnTaxDetail.TotalTax` so QuickBooks does not recompute it. Only a sales receipt carries a
 * gift-card redemption as a negative line: on an invoice it is a payment, and an estimate is
 * not paid.
 */
export function buildSalesDocumentBody(
  entity: SalesDocumentEntity,
  plan: PostingPlan,
  references: DocumentReferences,
  header: DocumentHeader,
): Json {
  const amount = amountIn(plan.currency);
  const lines = plan.lines.map((line, index) =>
    salesItemLine(line as LineSource, index, references, amount),
  );

  if (entity === 'SalesReceipt' && plan.giftCardTotal > 0 && references.giftCardItemId) {
    lines.push({
      DetailType: 'SalesItemLineDetail',
      Amount: amount(-plan.giftCardTotal),
      Description: 'Gift card redemption',
      SalesItemLineDetail: {
        ItemRef: { value: references.giftCardItemId },
        Qty: 1,
        UnitPrice: amount(-plan.giftCardTotal),
        TaxCodeRef: { value: references.discountTaxCodeId ?? references.nonTaxableCode },
      },
    });
  }

  lines.push(...discountLines(plan, references, amount));

  if (references.taxPosting === 'line_item' && plan.taxTotal > 0 && references.taxItemId) {
    // Tax-inclusive prices already contain the tax, so only exclusive prices add the line.
    if (plan.taxTreatment === 'exclusive') {
      lines.push(taxItemLine(plan.taxTotal, references.taxItemId, references, amount));
    }
  }

  return {
    ...headerFields(header, references),
    ...(entity === 'SalesReceipt' && references.depositAccountId
      ? { DepositToAccountRef: { value: references.depositAccountId } }
      : {}),
    ...(entity === 'SalesReceipt' && references.paymentMethodId
      ? { PaymentMethodRef: { value: references.paymentMethodId } }
      : {}),
    ...(entity === 'Invoice' && references.arAccountId
      ? { ARAccountRef: { value: references.arAccountId } }
      : {}),
    ...(entity === 'Invoice' && header.dueDate ? { DueDate: header.dueDate } : {}),
    GlobalTaxCalculation: plan.taxTreatment === 'inclusive' ? 'TaxInclusive' : 'TaxExcluded',
    Line: lines,
    ...taxDetail(plan.taxTotal, references, amount),
  };
}

/** Builds a RefundReceipt or CreditMemo body from a refund plan, tax again as an override. */
export function buildRefundDocumentBody(
  entity: RefundDocumentEntity,
  plan: RefundPlan,
  references: DocumentReferences,
  header: DocumentHeader,
): Json {
  const amount = amountIn(plan.currency);
  const lines = plan.lines.map((line, index) =>
    salesItemLine(line as LineSource, index, references, amount),
  );

  if (references.taxPosting === 'line_item' && plan.taxTotal > 0 && references.taxItemId) {
    if (plan.taxTreatment === 'exclusive') {
      lines.push(taxItemLine(plan.taxTotal, references.taxItemId, references, amount));
    }
  }

  return {
    ...headerFields(header, references),
    ...(entity === 'RefundReceipt' && references.depositAccountId
      ? { DepositToAccountRef: { value: references.depositAccountId } }
      : {}),
    ...(entity === 'CreditMemo' && references.arAccountId
      ? { ARAccountRef: { value: references.arAccountId } }
      : {}),
    GlobalTaxCalculation: plan.taxTreatment === 'inclusive' ? 'TaxInclusive' : 'TaxExcluded',
    Line: lines,
    ...taxDetail(plan.taxTotal, references, amount),
  };
}

/** One tender applied to an invoice. */
export interface PaymentSource {
  amount: number;
  currency: string;
  txnDate: string;
  /** The processor's transaction id, at most 21 characters (QuickBooks' PaymentRefNum). */
  reference?: string;
  privateNote: string;
}

/** Builds a Payment that applies `applied` of `payment.amount` to the invoice `invoiceId`. */
export function buildPaymentBody(
  payment: PaymentSource,
  invoiceId: string,
  applied: number,
  references: {
    customerId: string;
    depositAccountId?: string;
    paymentMethodId?: string;
    currency?: string;
    exchangeRate?: string;
  },
): Json {
  const amount = amountIn(payment.currency);

  return {
    CustomerRef: { value: references.customerId },
    TotalAmt: amount(payment.amount),
    TxnDate: payment.txnDate,
    PrivateNote: payment.privateNote,
    ...(payment.reference ? { PaymentRefNum: payment.reference } : {}),
    ...(references.depositAccountId
      ? { DepositToAccountRef: { value: references.depositAccountId } }
      : {}),
    ...(references.paymentMethodId
      ? { PaymentMethodRef: { value: references.paymentMethodId } }
      : {}),
    ...(references.currency ? { CurrencyRef: { value: references.currency } } : {}),
    ...(references.currency && references.exchangeRate
      ? { ExchangeRate: Number(references.exchangeRate) }
      : {}),
    Line: [
      {
        Amount: amount(applied),
        LinkedTxn: [{ TxnId: invoiceId, TxnType: 'Invoice' }],
      },
    ],
  };
}

function headerFields(header: DocumentHeader, references: DocumentReferences): Json {
  return {
    ...(header.docNumber !== undefined ? { DocNumber: header.docNumber } : {}),
    TxnDate: header.txnDate,
    PrivateNote: header.privateNote,
    ...(references.customerId ? { CustomerRef: { value: references.customerId } } : {}),
    ...(references.currency ? { CurrencyRef: { value: references.currency } } : {}),
    ...(references.currency && references.exchangeRate
      ? { ExchangeRate: Number(references.exchangeRate) }
      : {}),
    ...(references.classId ? { ClassRef: { value: references.classId } } : {}),
    ...(references.departmentId ? { DepartmentRef: { value: references.departmentId } } : {}),
    ...(references.billAddress ? { BillAddr: toQboAddress(references.billAddress) } : {}),
    ...(references.shipAddress ? { ShipAddr: toQboAddress(references.shipAddress) } : {}),
  };
}

function taxDetail(
  taxTotal: number,
  references: DocumentReferences,
  amount: (minor: number) => number,
): Json {
  if (references.taxPosting === 'line_item') {
    return {};
  }

  return {
    TxnTaxDetail: {
      ...(references.txnTaxCodeId ? { TxnTaxCodeRef: { value: references.txnTaxCodeId } } : {}),
      TotalTax: amount(taxTotal),
    },
  };
}

function salesItemLine(
  line: LineSource,
  index: number,
  references: DocumentReferences,
  amount: (minor: number) => number,
): Json {
  const quantity = line.kind === 'item' ? (line.quantity ?? 1) : 1;
  const unitPrice = line.kind === 'item' ? (line.unitPrice ?? line.amount) : line.amount;
  const classId = references.lineClassIds?.[index];

  return {
    DetailType: 'SalesItemLineDetail',
    Amount: amount(line.amount),
    Description: line.description.slice(0, 4000),
    SalesItemLineDetail: {
      ItemRef: { value: references.lineItemIds[index] },
      Qty: quantity,
      UnitPrice: amount(unitPrice),
      TaxCodeRef: { value: lineTaxCode(line, index, references) },
      ...(classId ? { ClassRef: { value: classId } } : {}),
    },
  };
}

function lineTaxCode(line: LineSource, index: number, references: DocumentReferences): string {
  if (references.taxPosting === 'vat') {
    // Checked before the body is built: a VAT/GST line without a code never reaches QuickBooks.
    return references.lineTaxCodeIds?.[index] ?? references.nonTaxableCode;
  }

  if (references.taxPosting === 'line_item') {
    return references.nonTaxableCode;
  }

  return line.kind !== 'adjustment' && line.taxable
    ? references.taxableCode
    : references.nonTaxableCode;
}

/**
 * Returns the discount lines: one QuickBooks discount line, or with a discount item one negative
 * item line per taxability, so the discount reduces the lines it belongs to.
 */
function discountLines(
  plan: PostingPlan,
  references: DocumentReferences,
  amount: (minor: number) => number,
): Json[] {
  if (plan.discountTotal <= 0) {
    return [];
  }

  if (!references.discountItemId) {
    return [
      {
        DetailType: 'DiscountLineDetail',
        Amount: amount(plan.discountTotal),
        DiscountLineDetail: { PercentBased: false },
      },
    ];
  }

  const parts: Array<[number, boolean]> = [
    [plan.discountByTaxability.taxable, true],
    [plan.discountByTaxability.nonTaxable, false],
  ];

  return parts
    .filter(([value]) => value > 0)
    .map(([value, taxable]) => ({
      DetailType: 'SalesItemLineDetail',
      Amount: amount(-value),
      Description: 'Discount',
      SalesItemLineDetail: {
        ItemRef: { value: references.discountItemId },
        Qty: 1,
        UnitPrice: amount(-value),
        TaxCodeRef: {
          value:
            references.taxPosting === 'vat'
              ? (references.discountTaxCodeId ?? references.nonTaxableCode)
              : taxable && references.taxPosting === 'override'
                ? references.taxableCode
                : references.nonTaxableCode,
        },
      },
    }));
}

function taxItemLine(
  taxTotal: number,
  taxItemId: string,
  references: DocumentReferences,
  amount: (minor: number) => number,
): Json {
  return {
    DetailType: 'SalesItemLineDetail',
    Amount: amount(taxTotal),
    Description: 'Sales tax',
    SalesItemLineDetail: {
      ItemRef: { value: taxItemId },
      Qty: 1,
      UnitPrice: amount(taxTotal),
      TaxCodeRef: { value: references.nonTaxableCode },
    },
  };
}

function amountIn(currency: string): (minor: number) => number {
  return (minor) => Number(minorToDecimal(minor, currency));
}

function toQboAddress(address: Address): Record<string, string | undefined> {
  return {
    Line1: address.company && address.name ? address.company : (address.name ?? address.company),
    Line2: address.company && address.name ? `Attn: ${address.name}` : undefined,
    Line3: address.line1,
    Line4: address.line2 || undefined,
    City: address.city,
    CountrySubDivisionCode: address.regionCode ?? address.region,
    PostalCode: address.postalCode,
    Country: address.country ?? address.countryCode,
  };
}
