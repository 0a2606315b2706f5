import { escape, tag, textTag } from './xml-node';

/** The list a record belongs to; customers, vendors and employees share one name space. */
export type ListKind =
  | 'Customer'
  | 'Vendor'
  | 'Employee'
  | 'Item'
  | 'Account'
  | 'SalesTaxCode'
  | 'PriceLevel'
  | 'UnitOfMeasureSet'
  | 'InventorySite'
  | 'Class'
  | 'Terms'
  | 'PaymentMethod'
  | 'SalesRep'
  | 'Currency';

/** A list record as QuickBooks stores it. */
export interface ListRecord {
  listId: string;
  kind: ListKind;
  /** The element QuickBooks returns it as: `CustomerRet`, `ItemInventoryRet`, `StandardTermsRet`... */
  retType: string;
  name: string;
  fullName: string;
  isActive: boolean;
  editSequence: string;
  timeCreated: string;
  timeModified: string;
  /** Simple fields returned after the standard ones, in this order. */
  fields: Array<[string, string]>;
  /** Reference fields (`SalesTaxCodeRef`, `CurrencyRef`...) by element name and full name. */
  refs: Array<[string, string]>;
  /** Per-item prices of a price level, by item full name. */
  priceLevelItems?: Array<{ itemName: string; customPrice: string }>;
}

export function fieldOf(record: ListRecord, name: string): string | undefined {
  return record.fields.find(([key]) => key === name)?.[1];
}

export function refFullName(record: ListRecord, name: string): string | undefined {
  return record.refs.find(([key]) => key === name)?.[1];
}

/** Renders a list record the way a query or add response returns it. */
export function renderListRecord(
  record: ListRecord,
  listIdOf: (kind: ListKind, fullName: string) => string | undefined,
): string {
  const parentName = record.fullName.includes(':')
    ? record.fullName.slice(0, record.fullName.lastIndexOf(':'))
    : undefined;
  const refs = record.refs.map(([name, fullName]) => {
    const kind = REF_KINDS[name];
    const listId = kind ? listIdOf(kind, fullName) : undefined;

    return tag(name, textTag('ListID', listId), textTag('FullName', fullName));
  });
  const priceLevelItems = (record.priceLevelItems ?? []).map((item) =>
    tag(
      'PriceLevelPerItemRet',
      tag(
        'ItemRef',
        textTag('ListID', listIdOf('Item', item.itemName)),
        textTag('FullName', item.itemName),
      ),
      textTag('CustomPrice', item.customPrice),
    ),
  );

  return tag(
    record.retType,
    textTag('ListID', record.listId),
    textTag('TimeCreated', record.timeCreated),
    textTag('TimeModified', record.timeModified),
    textTag('EditSequence', record.editSequence),
    textTag('Name', record.name),
    record.kind === 'Account' ||
      record.kind === 'Customer' ||
      record.kind === 'Item' ||
      record.kind === 'Class'
      ? textTag('FullName', record.fullName)
      : undefined,
    textTag('IsActive', record.isActive ? 'true' : 'false'),
    parentName ? tag('ParentRef', textTag('FullName', parentName)) : undefined,
    ...record.fields.map(([name, value]) => `<${name}>${escape(value)}</${name}>`),
    ...refs,
    ...priceLevelItems,
  );
}

/** The list each reference element points into. */
export const REF_KINDS: Record<string, ListKind> = {
  CustomerRef: 'Customer',
  PayeeEntityRef: 'Customer',
  EntityRef: 'Customer',
  ItemRef: 'Item',
  ItemSalesTaxRef: 'Item',
  ClassRef: 'Class',
  ARAccountRef: 'Account',
  AccountRef: 'Account',
  DepositToAccountRef: 'Account',
  RefundFromAccountRef: 'Account',
  IncomeAccountRef: 'Account',
  COGSAccountRef: 'Account',
  AssetAccountRef: 'Account',
  TermsRef: 'Terms',
  SalesRepRef: 'SalesRep',
  PaymentMethodRef: 'PaymentMethod',
  SalesTaxCodeRef: 'SalesTaxCode',
  CustomerSalesTaxCodeRef: 'SalesTaxCode',
  PriceLevelRef: 'PriceLevel',
  InventorySiteRef: 'InventorySite',
  UnitOfMeasureSetRef: 'UnitOfMeasureSet',
  CurrencyRef: 'Currency',
  ParentRef: 'Item',
};

/** QuickBooks' name of each list in its "invalid reference" messages. */
export const REF_LABELS: Record<ListKind, string> = {
  Customer: 'Customer',
  Vendor: 'Vendor',
  Employee: 'Employee',
  Item: 'Item',
  Account: 'Account',
  SalesTaxCode: 'Sales Tax Code',
  PriceLevel: 'Price Level',
  UnitOfMeasureSet: 'Unit Of Measure Set',
  InventorySite: 'Site',
  Class: 'Class',
  Terms: 'Terms',
  PaymentMethod: 'Payment Method',
  SalesRep: 'Sales Rep',
  Currency: 'Currency',
};
