import { type EntityName } from '../company/company';
import { accountBuilder } from './account.builder';
import { customerBuilder } from './customer.builder';
import { depositBuilder } from './deposit.builder';
import { itemBuilder } from './item.builder';
import {
  classBuilder,
  departmentBuilder,
  paymentMethodBuilder,
  termBuilder,
} from './name-list.builder';
import { paymentBuilder } from './payment.builder';
import {
  creditMemoBuilder,
  estimateBuilder,
  invoiceBuilder,
  refundReceiptBuilder,
} from './sales-documents.builder';
import { salesReceiptBuilder } from './sales-receipt.builder';
import { type EntityBuilder } from './write-context';

/** Entity of each lower-case path segment, as in `/v3/company/:realmId/salesreceipt`. */
const ENTITY_BY_PATH: Record<string, EntityName> = {
  customer: 'Customer',
  item: 'Item',
  account: 'Account',
  taxcode: 'TaxCode',
  taxrate: 'TaxRate',
  salesreceipt: 'SalesReceipt',
  invoice: 'Invoice',
  payment: 'Payment',
  estimate: 'Estimate',
  refundreceipt: 'RefundReceipt',
  creditmemo: 'CreditMemo',
  deposit: 'Deposit',
  class: 'Class',
  department: 'Department',
  paymentmethod: 'PaymentMethod',
  term: 'Term',
  companyinfo: 'CompanyInfo',
  preferences: 'Preferences',
};

/** Entities the sandbox creates and updates. TaxCode and TaxRate are read-only in QBO's API. */
const BUILDERS: Partial<Record<EntityName, EntityBuilder>> = {
  Customer: customerBuilder,
  Item: itemBuilder,
  Account: accountBuilder,
  SalesReceipt: salesReceiptBuilder,
  Invoice: invoiceBuilder,
  Payment: paymentBuilder,
  Estimate: estimateBuilder,
  RefundReceipt: refundReceiptBuilder,
  CreditMemo: creditMemoBuilder,
  Deposit: depositBuilder,
  Class: classBuilder,
  Department: departmentBuilder,
  PaymentMethod: paymentMethodBuilder,
  Term: termBuilder,
};

/** Entities `operation=delete` removes. QBO makes names inactive instead of deleting them. */
const DELETABLE = new Set<EntityName>([
  'SalesReceipt',
  'Invoice',
  'Estimate',
  'RefundReceipt',
  'CreditMemo',
  'Deposit',
]);

export function entityForPath(segment: string): EntityName | undefined {
  return ENTITY_BY_PATH[segment.toLowerCase()];
}

export function builderFor(entity: EntityName): EntityBuilder | undefined {
  return BUILDERS[entity];
}

export function isDeletable(entity: EntityName): boolean {
  return DELETABLE.has(entity);
}
