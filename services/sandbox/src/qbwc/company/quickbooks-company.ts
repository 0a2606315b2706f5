import { randomUUID } from 'node:crypto';

import {
  fieldOf,
  type ListKind,
  type ListRecord,
  REF_KINDS,
  REF_LABELS,
  refFullName,
  renderListRecord,
} from './company-lists';
import { fromCents, toCents } from './money';
import {
  child,
  childrenNamed,
  childText,
  escape,
  parseOrdered,
  QbxmlParseError,
  refOf,
  tag,
  textTag,
  type XmlElement,
} from './xml-node';

/** Features a company file may have turned off; requests that need one get status 3250. */
export interface CompanyFeatures {
  inventorySites: boolean;
  unitsOfMeasure: boolean;
  multicurrency: boolean;
  priceLevels: boolean;
}

/** A status a request should get instead of being applied, for fault injection. */
export interface InjectedFault {
  /** Request element without `Rq` (`SalesReceiptAdd`); any request when absent. */
  requestName?: string;
  statusCode: number;
  statusMessage?: string;
  /** How many matching requests get the fault. */
  times: number;
}

/** A posted transaction. */
export interface Transaction {
  txnId: string;
  type: string;
  txnNumber: number;
  editSequence: string;
  timeCreated: string;
  txnDate: string;
  refNumber?: string;
  memo?: string;
  entityName?: string;
  subtotal: number;
  tax: number;
  total: number;
  /** Open amount of an invoice, or unused credit of a credit memo or payment. */
  open: number;
  isClosed: boolean;
  /**
   * Account a sales receipt, payment or credit card refund put its money in (or took it from). A
   * deposit can only take money out of Undeposited Funds.
   */
  fundsAccount?: string;
  /** TxnID of the deposit that took this transaction's money out of Undeposited Funds. */
  depositedIn?: string;
  /** Transactions a deposit took out of Undeposited Funds. */
  depositedTxnIds?: string[];
  lines: Array<{
    itemName?: string;
    account?: string;
    quantity?: string;
    amount: number;
    site?: string;
  }>;
}

class RequestError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** HRESULT and message for a message QuickBooks cannot process at all. */
export class QuickBooksMessageError extends Error {
  constructor(
    readonly hresult: string,
    message: string,
  ) {
    super(message);
    this.name = 'QuickBooksMessageError';
  }
}

const ITEM_RET_TYPES: Record<string, string> = {
  ItemInventoryAdd: 'ItemInventoryRet',
  ItemNonInventoryAdd: 'ItemNonInventoryRet',
  ItemServiceAdd: 'ItemServiceRet',
};

const LIST_QUERIES: Record<
  string,
  { kind: ListKind; retTypes?: string[]; feature?: keyof CompanyFeatures; iterates: boolean }
> = {
  CustomerQuery: { kind: 'Customer', iterates: true },
  VendorQuery: { kind: 'Vendor', iterates: true },
  ItemQuery: { kind: 'Item', iterates: true },
  ItemSalesTaxQuery: { kind: 'Item', retTypes: ['ItemSalesTaxRet'], iterates: true },
  AccountQuery: { kind: 'Account', iterates: false },
  SalesTaxCodeQuery: { kind: 'SalesTaxCode', iterates: false },
  PriceLevelQuery: { kind: 'PriceLevel', feature: 'priceLevels', iterates: false },
  UnitOfMeasureSetQuery: { kind: 'UnitOfMeasureSet', feature: 'unitsOfMeasure', iterates: false },
  InventorySiteQuery: { kind: 'InventorySite', feature: 'inventorySites', iterates: false },
  ClassQuery: { kind: 'Class', iterates: false },
  TermsQuery: { kind: 'Terms', iterates: false },
  PaymentMethodQuery: { kind: 'PaymentMethod', iterates: false },
  SalesRepQuery: { kind: 'SalesRep', iterates: false },
  CurrencyQuery: { kind: 'Currency', feature: 'multicurrency', iterates: false },
};

const SALES_DOCUMENTS = new Set([
  'SalesReceipt',
  'Invoice',
  'SalesOrder',
  'Estimate',
  'CreditMemo',
]);
const TXN_TYPES = new Set([
  ...SALES_DOCUMENTS,
  'ReceivePayment',
  'ARRefundCreditCard',
  'Check',
  'Deposit',
  'JournalEntry',
  'InventoryAdjustment',
]);

/** Item records that keep a quantity on hand, which an inventory adjustment may change. */
const INVENTORY_ITEM_RET_TYPES: ReadonlySet<string> = new Set([
  'ItemInventoryRet',
  'ItemInventoryAssemblyRet',
]);

/** Account QuickBooks keeps received payments in until a deposit takes them to a bank. */
const UNDEPOSITED_FUNDS = 'Undeposited Funds';

/** The name space customers, vendors and employees share: QuickBooks' "names" list. */
const NAME_KINDS: ReadonlySet<ListKind> = new Set(['Customer', 'Vendor', 'Employee']);

/**
 * A simulated QuickBooks Desktop company file. It applies qbXML 13.0 requests with QuickBooks'
 * rules (unique names, references that must exist and be active, EditSequence on modify, iterator
 * state, closing date, features the edition lacks, amounts due) and returns QuickBooks' status
 * codes and messages. Totals are computed here, independently of the product.
 */
export class QuickBooksCompany {
  readonly lists = new Map<string, ListRecord>();
  readonly transactions = new Map<string, Transaction>();
  readonly faults: InjectedFault[] = [];
  /** Requests applied, by request name, for tests and the benchmark. */
  readonly applied = new Map<string, number>();
  closingDate?: string;
  private listCounter = 0x80000000;
  private txnCounter = 0x100;
  private txnNumber = 0;
  /** The transaction the last add recorded, so the add's wrapper can note its funds account. */
  private lastRecorded?: Transaction;
  private readonly refCounters = new Map<string, number>();
  private readonly iterators = new Map<
    string,
    { ids: string[]; maxReturned: number; retTypes?: string[] }
  >();

  constructor(
    readonly companyFile: string,
    readonly features: CompanyFeatures,
    readonly homeCurrency = 'USD',
  ) {}

  /** Adds a list record directly, as the company's own user would; returns it. */
  addListRecord(
    kind: ListKind,
    retType: string,
    fullName: string,
    options: {
      fields?: Array<[string, string]>;
      refs?: Array<[string, string]>;
      isActive?: boolean;
      priceLevelItems?: ListRecord['priceLevelItems'];
    } = {},
  ): ListRecord {
    const now = this.timestamp();
    const record: ListRecord = {
      listId: `${(this.listCounter++).toString(16).toUpperCase()}-${Math.floor(Date.now() / 1000)}`,
      kind,
      retType,
      name: fullName.split(':').pop() ?? fullName,
      fullName,
      isActive: options.isActive ?? true,
      editSequence: String(Math.floor(Date.now() / 1000)),
      timeCreated: now,
      timeModified: now,
      fields: options.fields ?? [],
      refs: options.refs ?? [],
      priceLevelItems: options.priceLevelItems,
    };

    this.lists.set(record.listId, record);

    return record;
  }

  findList(kind: ListKind, ref: { listId?: string; fullName?: string }): ListRecord | undefined {
    if (ref.listId) {
      const byId = this.lists.get(ref.listId);

      return byId && (byId.kind === kind || (kind === 'Customer' && NAME_KINDS.has(byId.kind)))
        ? byId
        : undefined;
    }

    const key = (ref.fullName ?? '').trim().toLowerCase();

    for (const record of this.lists.values()) {
      if (record.kind === kind && record.fullName.toLowerCase() === key) {
        return record;
      }
    }

    return undefined;
  }

  /** Changes a record as a user editing it in QuickBooks would, which advances its EditSequence. */
  editListRecord(record: ListRecord, fields: Array<[string, string]>): void {
    for (const [name, value] of fields) {
      const index = record.fields.findIndex(([key]) => key === name);

      if (index >= 0) {
        record.fields[index] = [name, value];
      } else {
        record.fields.push([name, value]);
      }
    }

    this.touch(record);
  }

  /**
   * Processes a qbXML request message set and returns the response message set. Throws
   * QuickBooksMessageError (HRESULT 0x80040400) for a message QuickBooks could not parse.
   */
  processMessage(xml: string): { response: string; requests: number } {
    let root: XmlElement;

    try {
      root = parseOrdered(xml);
    } catch (error) {
      if (error instanceof QbxmlParseError) {
        throw new QuickBooksMessageError(
          '0x80040400',
          `QuickBooks found an error when parsing the provided XML text stream: ${error.message}`,
        );
      }

      throw error;
    }

    const messages = root.name === 'QBXML' ? child(root, 'QBXMLMsgsRq') : undefined;

    if (!messages) {
      throw new QuickBooksMessageError(
        '0x80040400',
        'QuickBooks found an error when parsing the provided XML text stream: no QBXMLMsgsRq element',
      );
    }

    for (const request of messages.children) {
      const known =
        request.name.endsWith('Rq') &&
        (request.name === 'TxnDelRq' ||
          request.name.replace(/Rq$/, '') in LIST_QUERIES ||
          this.handlerFor(request.name.replace(/Rq$/, '')) !== undefined);

      if (!known) {
        throw new QuickBooksMessageError(
          '0x80040400',
          `QuickBooks found an error when parsing the provided XML text stream: unknown element ${request.name}`,
        );
      }
    }

    const stopOnError = messages.attributes.onError === 'stopOnError';
    const responses: string[] = [];

    for (const request of messages.children) {
      const response = this.processRequest(request);

      responses.push(response.xml);
      if (stopOnError && response.failed) {
        break;
      }
    }

    return {
      response: `<?xml version="1.0" ?><QBXML><QBXMLMsgsRs>${responses.join('')}</QBXMLMsgsRs></QBXML>`,
      requests: messages.children.length,
    };
  }

  private processRequest(request: XmlElement): { xml: string; failed: boolean } {
    const requestName = request.name.replace(/Rq$/, '');
    const requestId = request.attributes.requestID;
    const rsName = `${requestName}Rs`;
    const fault = this.takeFault(requestName);

    try {
      if (fault) {
        throw new RequestError(
          fault.statusCode,
          fault.statusMessage ?? defaultMessage(fault.statusCode),
        );
      }

      const result = this.apply(requestName, request);

      this.applied.set(requestName, (this.applied.get(requestName) ?? 0) + 1);

      return {
        xml: renderRs(
          rsName,
          requestId,
          result.statusCode ?? 0,
          result.statusMessage ?? 'Status OK',
          result.body,
          result.attributes,
        ),
        failed: false,
      };
    } catch (error) {
      if (error instanceof RequestError) {
        const severity = error.statusCode === 1 ? 'Info' : 'Error';

        return {
          xml: renderRs(rsName, requestId, error.statusCode, error.message, '', {}, severity),
          failed: error.statusCode !== 1,
        };
      }

      throw error;
    }
  }

  private takeFault(requestName: string): InjectedFault | undefined {
    const index = this.faults.findIndex(
      (fault) => !fault.requestName || fault.requestName === requestName,
    );

    if (index < 0) {
      return undefined;
    }

    const fault = this.faults[index]!;

    fault.times -= 1;
    if (fault.times <= 0) {
      this.faults.splice(index, 1);
    }

    return { ...fault };
  }

  private apply(requestName: string, request: XmlElement): ApplyResult {
    if (requestName in LIST_QUERIES) {
      return this.listQuery(requestName, request);
    }

    if (requestName === 'TxnDel') {
      return this.txnDel(request);
    }

    const handler = this.handlerFor(requestName);

    if (!handler) {
      throw new RequestError(
        3250,
        `This feature is not enabled or not available in this version of QuickBooks. (${requestName})`,
      );
    }

    return handler(request);
  }

  private handlerFor(requestName: string): ((request: XmlElement) => ApplyResult) | undefined {
    if (requestName === 'CustomerAdd') {
      return (request) => this.customerAdd(request);
    }

    if (requestName === 'CustomerMod') {
      return (request) => this.customerMod(request);
    }

    if (requestName in ITEM_RET_TYPES) {
      return (request) => this.itemAdd(requestName, request);
    }

    const txnType = requestName.replace(/(Add|Query)$/, '');

    if (requestName.endsWith('Query') && TXN_TYPES.has(txnType)) {
      return (request) => this.txnQuery(txnType, request);
    }

    if (requestName.endsWith('Add') && TXN_TYPES.has(txnType)) {
      return (request) => {
        const result = this.txnAdd(txnType, request);

        this.recordFundsAccount(txnType, requireChild(request, `${txnType}Add`));

        return result;
      };
    }

    return undefined;
  }

  // ---- lists ----

  private listQuery(requestName: string, request: XmlElement): ApplyResult {
    const spec = LIST_QUERIES[requestName]!;

    if (spec.feature && !this.features[spec.feature]) {
      throw new RequestError(
        3250,
        'This feature is not enabled or not available in this version of QuickBooks.',
      );
    }

    const iterator = request.attributes.iterator;
    const retTypes = spec.retTypes;

    if (iterator === 'Continue') {
      const iteratorId = request.attributes.iteratorID ?? '';
      const state = this.iterators.get(iteratorId);

      if (!state) {
        throw new RequestError(
          3120,
          `Object "${iteratorId}" specified in the request cannot be found. QuickBooks error message: The iterator has expired or does not exist.`,
        );
      }

      return this.iteratorPage(iteratorId, state);
    }

    const fullNames = childrenNamed(request, 'FullName').map((node) => node.text.toLowerCase());
    const listIds = childrenNamed(request, 'ListID').map((node) => node.text);
    const activeStatus = childText(request, 'ActiveStatus') ?? 'ActiveOnly';
    const fromModified = childText(request, 'FromModifiedDate');
    const maxReturned = Number(childText(request, 'MaxReturned') ?? '0') || Infinity;
    const matches = [...this.lists.values()].filter((record) => {
      if (record.kind !== spec.kind || (retTypes && !retTypes.includes(record.retType))) {
        return false;
      }

      if (fullNames.length > 0 && !fullNames.includes(record.fullName.toLowerCase())) {
        return false;
      }

      if (listIds.length > 0 && !listIds.includes(record.listId)) {
        return false;
      }

      if (
        activeStatus === 'ActiveOnly' &&
        !record.isActive &&
        fullNames.length === 0 &&
        listIds.length === 0
      ) {
        return false;
      }

      if (activeStatus === 'InactiveOnly' && record.isActive) {
        return false;
      }

      return !fromModified || record.timeModified >= fromModified;
    });

    if (iterator === 'Start' && spec.iterates) {
      const iteratorId = `{${randomUUID()}}`;
      const state = {
        ids: matches.map((record) => record.listId),
        maxReturned: Number.isFinite(maxReturned) ? maxReturned : 100,
      };

      this.iterators.set(iteratorId, state);

      return this.iteratorPage(iteratorId, state);
    }

    if (matches.length === 0) {
      throw new RequestError(1, 'A query request did not find a matching object in QuickBooks');
    }

    return {
      body: matches
        .slice(0, maxReturned)
        .map((record) => this.renderList(record))
        .join(''),
    };
  }

  private iteratorPage(
    iteratorId: string,
    state: { ids: string[]; maxReturned: number },
  ): ApplyResult {
    const page = state.ids.splice(0, state.maxReturned);
    const remaining = state.ids.length;

    if (remaining === 0) {
      this.iterators.delete(iteratorId);
    }

    const records = page
      .map((id) => this.lists.get(id))
      .filter((record): record is ListRecord => record !== undefined);

    return {
      body: records.map((record) => this.renderList(record)).join(''),
      attributes: { iteratorRemainingCount: String(remaining), iteratorID: iteratorId },
      ...(records.length === 0
        ? {
            statusCode: 1,
            statusMessage: 'A query request did not find a matching object in QuickBooks',
          }
        : {}),
    };
  }

  private renderList(record: ListRecord): string {
    return renderListRecord(record, (kind, fullName) => this.findList(kind, { fullName })?.listId);
  }

  private customerAdd(request: XmlElement): ApplyResult {
    const add = requireChild(request, 'CustomerAdd');
    const name = requireText(add, 'Name', 'Customer');

    checkLength(name, 41, 'Name');
    this.assertNameFree(name);
    const refs = this.resolveRefs(add, 'Customer', [
      'ClassRef',
      'TermsRef',
      'SalesRepRef',
      'SalesTaxCodeRef',
      'ItemSalesTaxRef',
      'PriceLevelRef',
      'CurrencyRef',
    ]);

    if (refs.some(([name]) => name === 'CurrencyRef') && !this.features.multicurrency) {
      throw new RequestError(
        3250,
        'This feature is not enabled or not available in this version of QuickBooks. (multicurrency)',
      );
    }

    const fields: Array<[string, string]> = [];

    for (const field of ['CompanyName', 'FirstName', 'LastName', 'Phone', 'Email']) {
      const value = childText(add, field);

      if (value !== undefined) {
        fields.push([field, value]);
      }
    }

    fields.push(['Balance', '0.00'], ['TotalBalance', '0.00']);
    const record = this.addListRecord('Customer', 'CustomerRet', name, {
      fields,
      refs: [
        ...refs,
        ...(refs.some(([n]) => n === 'CurrencyRef')
          ? []
          : [['CurrencyRef', this.homeCurrencyName()] as [string, string]]),
      ],
    });

    return { body: this.renderList(record) };
  }

  private customerMod(request: XmlElement): ApplyResult {
    const mod = requireChild(request, 'CustomerMod');
    const listId = requireText(mod, 'ListID', 'Customer');
    const editSequence = requireText(mod, 'EditSequence', 'Customer');
    const record = this.lists.get(listId);

    if (!record || record.kind !== 'Customer') {
      throw new RequestError(
        3000,
        `The given object ID "${listId}" in the field "list id" is invalid.`,
      );
    }

    if (record.editSequence !== editSequence) {
      throw new RequestError(3200, `The provided edit sequence "${editSequence}" is out-of-date.`);
    }

    const newName = childText(mod, 'Name');

    if (newName && newName.toLowerCase() !== record.fullName.toLowerCase()) {
      checkLength(newName, 41, 'Name');
      this.assertNameFree(newName);
      record.name = newName;
      record.fullName = newName;
    }

    const fields: Array<[string, string]> = [];

    for (const field of ['CompanyName', 'FirstName', 'LastName', 'Phone', 'Email']) {
      const value = childText(mod, field);

      if (value !== undefined) {
        fields.push([field, value]);
      }
    }

    this.editListRecord(record, fields);

    return { body: this.renderList(record) };
  }

  private itemAdd(requestName: string, request: XmlElement): ApplyResult {
    const add = requireChild(request, requestName);
    const name = requireText(add, 'Name', 'Item');

    checkLength(name, 31, 'Name');
    const parent = refOf(add, 'ParentRef');
    let fullName = name;

    if (parent) {
      const parentRecord = this.findList('Item', parent);

      if (!parentRecord) {
        throw this.invalidReference('Item', parent.fullName ?? parent.listId ?? '', 'Item');
      }

      fullName = `${parentRecord.fullName}:${name}`;
    }

    if (this.findList('Item', { fullName })) {
      throw new RequestError(3100, `The name "${fullName}" of the list element is already in use.`);
    }

    const salesOrPurchase = child(add, 'SalesOrPurchase');
    const refs = this.resolveRefs(add, 'Item', [
      'UnitOfMeasureSetRef',
      'SalesTaxCodeRef',
      'IncomeAccountRef',
      'COGSAccountRef',
      'AssetAccountRef',
    ]);

    if (salesOrPurchase) {
      refs.push(...this.resolveRefs(salesOrPurchase, 'Item', ['AccountRef']));
    }

    if (requestName === 'ItemInventoryAdd') {
      for (const required of ['IncomeAccountRef', 'COGSAccountRef', 'AssetAccountRef']) {
        if (!refs.some(([refName]) => refName === required)) {
          throw new RequestError(
            3180,
            `There was an error when saving a Inventory item "${fullName}". QuickBooks error message: An account must be specified (${required}).`,
          );
        }
      }
    } else if (
      !refs.some(([refName]) => refName === 'AccountRef' || refName === 'IncomeAccountRef')
    ) {
      throw new RequestError(
        3180,
        `There was an error when saving a item "${fullName}". QuickBooks error message: An account must be specified.`,
      );
    }

    const price =
      childText(add, 'SalesPrice') ??
      (salesOrPurchase ? childText(salesOrPurchase, 'Price') : undefined);
    const description =
      childText(add, 'SalesDesc') ??
      (salesOrPurchase ? childText(salesOrPurchase, 'Desc') : undefined);
    const fields: Array<[string, string]> = [];

    if (description) {
      fields.push(['SalesDesc', description]);
    }

    fields.push(['SalesPrice', price ?? '0.00']);
    if (requestName === 'ItemInventoryAdd') {
      fields.push(['QuantityOnHand', '0']);
    }

    const record = this.addListRecord('Item', ITEM_RET_TYPES[requestName]!, fullName, {
      fields,
      refs,
    });

    return { body: this.renderList(record) };
  }

  private assertNameFree(name: string): void {
    const key = name.toLowerCase();

    for (const record of this.lists.values()) {
      if (NAME_KINDS.has(record.kind) && record.fullName.toLowerCase() === key) {
        throw new RequestError(3100, `The name "${name}" of the list element is already in use.`);
      }
    }
  }

  /** Resolves reference elements into `[element, full name]`, or fails like QuickBooks (3140). */
  private resolveRefs(
    parent: XmlElement,
    objectLabel: string,
    names: string[],
  ): Array<[string, string]> {
    const resolved: Array<[string, string]> = [];

    for (const name of names) {
      const ref = refOf(parent, name);

      if (!ref) {
        continue;
      }

      const kind = REF_KINDS[name]!;

      if (kind === 'InventorySite' && !this.features.inventorySites) {
        throw new RequestError(
          3250,
          'This feature is not enabled or not available in this version of QuickBooks. (inventory sites)',
        );
      }

      // A customer reference must name a customer; payees and entities may be any name.
      const record =
        name === 'PayeeEntityRef' || name === 'EntityRef'
          ? this.findName(ref)
          : this.findList(kind, ref);

      if (!record || !record.isActive) {
        throw this.invalidReference(kind, ref.fullName ?? ref.listId ?? '', objectLabel);
      }

      resolved.push([name, record.fullName]);
    }

    return resolved;
  }

  private findName(ref: { listId?: string; fullName?: string }): ListRecord | undefined {
    const key = (ref.fullName ?? '').toLowerCase();

    for (const record of this.lists.values()) {
      if (!NAME_KINDS.has(record.kind)) {
        continue;
      }

      if (ref.listId ? record.listId === ref.listId : record.fullName.toLowerCase() === key) {
        return record;
      }
    }

    return undefined;
  }

  private invalidReference(kind: ListKind, name: string, objectLabel: string): RequestError {
    return new RequestError(
      3140,
      `There is an invalid reference to QuickBooks ${REF_LABELS[kind]} "${name}" in the ${objectLabel}. QuickBooks error message: Invalid argument. The specified record does not exist in the list.`,
    );
  }

  // ---- transactions ----

  private txnAdd(txnType: string, request: XmlElement): ApplyResult {
    const add = requireChild(request, `${txnType}Add`);
    const txnDate = childText(add, 'TxnDate') ?? new Date().toISOString().slice(0, 10);

    if (this.closingDate && txnDate <= this.closingDate) {
      throw new RequestError(
        3180,
        `There was an error when saving a ${labelOf(txnType)} transaction. QuickBooks error message: The transaction date ${txnDate} is on or before the closing date ${this.closingDate}.`,
      );
    }

    const refNumber = childText(add, 'RefNumber');

    if (refNumber !== undefined) {
      checkLength(refNumber, txnType === 'ReceivePayment' ? 20 : 11, 'RefNumber');
    }

    if (SALES_DOCUMENTS.has(txnType)) {
      return this.salesDocumentAdd(txnType, add, txnDate, refNumber);
    }

    switch (txnType) {
      case 'ReceivePayment':
        return this.receivePaymentAdd(add, txnDate, refNumber);
      case 'ARRefundCreditCard':
        return this.cardRefundAdd(add, txnDate, refNumber);
      case 'Check':
        return this.checkAdd(add, txnDate, refNumber);
      case 'Deposit':
        return this.depositAdd(add, txnDate);
      case 'JournalEntry':
        return this.journalEntryAdd(add, txnDate, refNumber);
      default:
        return this.inventoryAdjustmentAdd(add, txnDate, refNumber);
    }
  }

  private salesDocumentAdd(
    txnType: string,
    add: XmlElement,
    txnDate: string,
    refNumber: string | undefined,
  ): ApplyResult {
    const label = labelOf(txnType);
    const customer = this.resolveRefs(add, label, ['CustomerRef']);

    if (customer.length === 0 && txnType !== 'SalesReceipt') {
      throw new RequestError(3000, `The "CustomerRef" field is required for a ${label}.`);
    }

    this.resolveRefs(add, label, [
      'ClassRef',
      'ARAccountRef',
      'TermsRef',
      'SalesRepRef',
      'PaymentMethodRef',
      'ItemSalesTaxRef',
      'CustomerSalesTaxCodeRef',
      'DepositToAccountRef',
    ]);
    const customerName = customer[0]?.[1];
    const taxItemRef = refOf(add, 'ItemSalesTaxRef');
    const customerRecord = customerName ? this.findName({ fullName: customerName }) : undefined;
    const taxItem = taxItemRef
      ? this.findList('Item', taxItemRef)
      : customerRecord && refFullName(customerRecord, 'ItemSalesTaxRef')
        ? this.findList('Item', { fullName: refFullName(customerRecord, 'ItemSalesTaxRef') })
        : undefined;
    const taxRate = taxItem ? Number(fieldOf(taxItem, 'TaxRate') ?? '0') : 0;
    const lines: Transaction['lines'] = [];
    let subtotal = 0;
    let taxable = 0;

    for (const line of childrenNamed(add, `${txnType}LineAdd`)) {
      const lineLabel = `${label} line`;
      const itemRef = refOf(line, 'ItemRef');
      const item = itemRef ? this.findList('Item', itemRef) : undefined;

      if (itemRef && (!item || !item.isActive)) {
        throw this.invalidReference('Item', itemRef.fullName ?? itemRef.listId ?? '', lineLabel);
      }

      const siteRef = refOf(line, 'InventorySiteRef');

      if (siteRef) {
        if (!this.features.inventorySites) {
          throw new RequestError(
            3250,
            'This feature is not enabled or not available in this version of QuickBooks. (inventory sites)',
          );
        }

        if (!this.findList('InventorySite', siteRef)) {
          throw new RequestError(
            3140,
            `There is an invalid reference to QuickBooks ${label}LineItem Site "${siteRef.fullName ?? siteRef.listId}" in the ${label} line. QuickBooks error message: Invalid argument. The specified record does not exist in the list.`,
          );
        }
      }

      if (childText(line, 'UnitOfMeasure') !== undefined && !this.features.unitsOfMeasure) {
        throw new RequestError(
          3250,
          'This feature is not enabled or not available in this version of QuickBooks. (unit of measure)',
        );
      }

      this.resolveRefs(line, lineLabel, ['ClassRef', 'SalesTaxCodeRef']);
      const quantity = childText(line, 'Quantity');
      const amount = this.lineAmount(line, item, quantity, lineLabel);
      const codeName =
        refOf(line, 'SalesTaxCodeRef')?.fullName ??
        (item ? refFullName(item, 'SalesTaxCodeRef') : undefined);
      const code = codeName ? this.findList('SalesTaxCode', { fullName: codeName }) : undefined;

      if (code && fieldOf(code, 'IsTaxable') === 'true') {
        taxable += amount;
      }

      subtotal += amount;
      lines.push({ itemName: item?.fullName, quantity, amount, site: siteRef?.fullName });
    }

    if (lines.length === 0 && txnType !== 'Estimate') {
      throw new RequestError(
        3180,
        `There was an error when saving a ${label} transaction. QuickBooks error message: The transaction is empty.`,
      );
    }

    // Sales tax: the tax item's rate on the taxable lines, rounded to the cent, as QuickBooks does.
    const tax = Math.round((taxable * taxRate) / 100);
    const total = subtotal + tax;
    const linked = childrenNamed(add, 'LinkToTxnID').map((node) => node.text);

    for (const txnId of linked) {
      const order = this.transactions.get(txnId);

      if (!order || order.type !== 'SalesOrder' || order.entityName !== customerName) {
        throw new RequestError(
          3140,
          `There is an invalid reference to QuickBooks Sales Order "${txnId}" in the ${label}. QuickBooks error message: Invalid argument. The specified record does not exist in the list.`,
        );
      }

      order.isClosed = true;
    }

    const txn = this.recordTxn(txnType, {
      txnDate,
      refNumber: refNumber ?? this.nextRefNumber(txnType),
      memo: childText(add, 'Memo'),
      entityName: customerName,
      subtotal,
      tax,
      total,
      open: txnType === 'Invoice' || txnType === 'CreditMemo' ? total : 0,
      lines,
    });

    return { body: this.renderTxn(txn) };
  }

  /** Amount of a sales line: Amount, else Quantity × Rate, else the price level's or the item's price. */
  private lineAmount(
    line: XmlElement,
    item: ListRecord | undefined,
    quantity: string | undefined,
    lineLabel: string,
  ): number {
    const amount = childText(line, 'Amount');
    const rate = childText(line, 'Rate');
    const quantityValue = quantity === undefined ? 1 : Number(quantity);
    const levelRef = refOf(line, 'PriceLevelRef');

    if (levelRef && !this.features.priceLevels) {
      throw new RequestError(
        3250,
        'This feature is not enabled or not available in this version of QuickBooks. (price levels)',
      );
    }

    if (amount !== undefined) {
      const cents = toCents(amount);

      if (
        rate !== undefined &&
        quantity !== undefined &&
        Math.abs(Math.round(toCents(rate) * quantityValue) - cents) > 1
      ) {
        throw new RequestError(
          3180,
          `There was an error when saving a ${lineLabel}. QuickBooks error message: The amount ${amount} does not equal quantity times rate.`,
        );
      }

      return cents;
    }

    if (rate !== undefined) {
      return Math.round(toCents(rate) * quantityValue);
    }

    const basePrice = item ? toCents(fieldOf(item, 'SalesPrice') ?? '0') : 0;

    if (levelRef) {
      const level = this.findList('PriceLevel', levelRef);

      if (!level) {
        throw this.invalidReference('PriceLevel', levelRef.fullName ?? '', lineLabel);
      }

      const custom = level.priceLevelItems?.find(
        (entry) => entry.itemName.toLowerCase() === item?.fullName.toLowerCase(),
      );

      if (custom) {
        return Math.round(toCents(custom.customPrice) * quantityValue);
      }

      const percentage = Number(fieldOf(level, 'PriceLevelFixedPercentage') ?? '0');

      return Math.round(basePrice * (1 + percentage / 100) * quantityValue);
    }

    return Math.round(basePrice * quantityValue);
  }

  private receivePaymentAdd(
    add: XmlElement,
    txnDate: string,
    refNumber: string | undefined,
  ): ApplyResult {
    const [[, customerName] = ['', '']] = this.resolveRefs(add, 'Receive Payment', ['CustomerRef']);

    this.resolveRefs(add, 'Receive Payment', [
      'ARAccountRef',
      'PaymentMethodRef',
      'DepositToAccountRef',
    ]);
    const total = toCents(childText(add, 'TotalAmount') ?? '0');
    let applied = 0;

    for (const application of childrenNamed(add, 'AppliedToTxnAdd')) {
      const txnId = childText(application, 'TxnID') ?? '';
      const invoice = this.transactions.get(txnId);

      if (!invoice || invoice.type !== 'Invoice' || invoice.entityName !== customerName) {
        throw new RequestError(3120, `Object "${txnId}" specified in the request cannot be found.`);
      }

      const amount = toCents(childText(application, 'PaymentAmount') ?? '0');

      if (amount > invoice.open) {
        throw new RequestError(
          3210,
          `The "AppliedToTxnAdd payment amount" field has an invalid value "${fromCents(amount)}". QuickBooks error message: You cannot pay more than the amount due.`,
        );
      }

      invoice.open -= amount;
      applied += amount;
    }

    const txn = this.recordTxn('ReceivePayment', {
      txnDate,
      refNumber,
      memo: childText(add, 'Memo'),
      entityName: customerName,
      subtotal: total,
      tax: 0,
      total,
      open: total - applied,
      lines: [],
    });

    return { body: this.renderTxn(txn) };
  }

  private cardRefundAdd(
    add: XmlElement,
    txnDate: string,
    refNumber: string | undefined,
  ): ApplyResult {
    const [[, customerName] = ['', '']] = this.resolveRefs(add, 'ARRefundCreditCard', [
      'CustomerRef',
    ]);

    this.resolveRefs(add, 'ARRefundCreditCard', [
      'RefundFromAccountRef',
      'ARAccountRef',
      'PaymentMethodRef',
    ]);
    let total = 0;

    for (const application of childrenNamed(add, 'RefundAppliedToTxnAdd')) {
      const txnId = childText(application, 'TxnID') ?? '';
      const credit = this.transactions.get(txnId);

      if (
        !credit ||
        credit.entityName !== customerName ||
        (credit.type !== 'CreditMemo' && credit.type !== 'ReceivePayment')
      ) {
        throw new RequestError(3120, `Object "${txnId}" specified in the request cannot be found.`);
      }

      const amount = toCents(childText(application, 'RefundAmount') ?? '0');

      if (amount > credit.open) {
        throw new RequestError(
          3210,
          `The "RefundAppliedToTxnAdd refund amount" field has an invalid value "${fromCents(amount)}". QuickBooks error message: You cannot refund more than the available credit.`,
        );
      }

      credit.open -= amount;
      total += amount;
    }

    const txn = this.recordTxn('ARRefundCreditCard', {
      txnDate,
      refNumber,
      memo: childText(add, 'Memo'),
      entityName: customerName,
      subtotal: total,
      tax: 0,
      total,
      open: 0,
      lines: [],
    });

    return { body: this.renderTxn(txn) };
  }

  private checkAdd(add: XmlElement, txnDate: string, refNumber: string | undefined): ApplyResult {
    this.resolveRefs(add, 'Check', ['AccountRef']);
    const payee = this.resolveRefs(add, 'Check', ['PayeeEntityRef'])[0]?.[1];
    let total = 0;
    const lines: Transaction['lines'] = [];

    for (const line of childrenNamed(add, 'ExpenseLineAdd')) {
      const [[, account] = ['', '']] = this.resolveRefs(line, 'Check expense line', ['AccountRef']);

      this.resolveRefs(line, 'Check expense line', ['CustomerRef', 'ClassRef']);
      const amount = toCents(childText(line, 'Amount') ?? '0');

      total += amount;
      lines.push({ account, amount });
    }

    const txn = this.recordTxn('Check', {
      txnDate,
      refNumber,
      memo: childText(add, 'Memo'),
      entityName: payee,
      subtotal: total,
      tax: 0,
      total,
      open: 0,
      lines,
    });

    return { body: this.renderTxn(txn) };
  }

  /**
   * Applies a DepositAdd as QuickBooks does. A PaymentTxnID line takes a sales receipt, payment or
   * credit card refund (negative) out of Undeposited Funds, and only once. Other lines post an
   * amount to an account, and the deposit total may not be negative.
   */
  private depositAdd(add: XmlElement, txnDate: string): ApplyResult {
    this.resolveRefs(add, 'Deposit', ['DepositToAccountRef']);
    let total = 0;
    const deposited: Transaction[] = [];

    for (const line of childrenNamed(add, 'DepositLineAdd')) {
      const paymentTxnId = childText(line, 'PaymentTxnID');

      if (paymentTxnId) {
        const payment = this.undepositedPayment(paymentTxnId);

        if (deposited.includes(payment)) {
          throw new RequestError(
            3120,
            `Object "${paymentTxnId}" specified in the request cannot be found. QuickBooks error message: The payment is listed twice in the deposit.`,
          );
        }

        deposited.push(payment);
        total += payment.type === 'ARRefundCreditCard' ? -payment.total : payment.total;
        continue;
      }

      this.resolveRefs(line, 'Deposit line', [
        'AccountRef',
        'EntityRef',
        'PaymentMethodRef',
        'ClassRef',
      ]);
      total += toCents(childText(line, 'Amount') ?? '0');
    }

    if (total < 0) {
      throw new RequestError(
        3180,
        `There was an error when saving a Deposit transaction. QuickBooks error message: The deposit total ${fromCents(total)} cannot be negative.`,
      );
    }

    const txn = this.recordTxn('Deposit', {
      txnDate,
      memo: childText(add, 'Memo'),
      subtotal: total,
      tax: 0,
      total,
      open: 0,
      lines: [],
    });

    txn.depositedTxnIds = deposited.map((payment) => payment.txnId);
    for (const payment of deposited) {
      payment.depositedIn = txn.txnId;
    }

    return { body: this.renderTxn(txn) };
  }

  /** Returns the transaction a deposit line names, if its money is still in Undeposited Funds. */
  private undepositedPayment(txnId: string): Transaction {
    const payment = this.transactions.get(txnId);
    const depositable = new Set(['SalesReceipt', 'ReceivePayment', 'ARRefundCreditCard']);

    if (!payment || !depositable.has(payment.type)) {
      throw new RequestError(3120, `Object "${txnId}" specified in the request cannot be found.`);
    }

    if (payment.fundsAccount?.toLowerCase() !== UNDEPOSITED_FUNDS.toLowerCase()) {
      throw new RequestError(
        3120,
        `Object "${txnId}" specified in the request cannot be found. QuickBooks error message: The ${labelOf(payment.type)} was deposited to ${payment.fundsAccount ?? 'another account'}, not to ${UNDEPOSITED_FUNDS}.`,
      );
    }

    if (payment.depositedIn) {
      throw new RequestError(
        3120,
        `Object "${txnId}" specified in the request cannot be found. QuickBooks error message: The ${labelOf(payment.type)} has already been deposited (deposit ${payment.depositedIn}).`,
      );
    }

    return payment;
  }

  /**
   * Records the account a sales receipt, payment or card refund that was just added put its
   * money in. QuickBooks defaults it to Undeposited Funds when the request names none.
   */
  private recordFundsAccount(txnType: string, add: XmlElement): void {
    const refName: Record<string, string> = {
      SalesReceipt: 'DepositToAccountRef',
      ReceivePayment: 'DepositToAccountRef',
      ARRefundCreditCard: 'RefundFromAccountRef',
    };
    const name = refName[txnType];

    if (!name || !this.lastRecorded) {
      return;
    }

    const ref = refOf(add, name);

    this.lastRecorded.fundsAccount = ref
      ? (this.findList('Account', ref)?.fullName ?? ref.fullName)
      : UNDEPOSITED_FUNDS;
  }

  private journalEntryAdd(
    add: XmlElement,
    txnDate: string,
    refNumber: string | undefined,
  ): ApplyResult {
    let debits = 0;
    let credits = 0;
    const lines: Transaction['lines'] = [];
    const journalLines = add.children.filter(
      (node) => node.name === 'JournalDebitLine' || node.name === 'JournalCreditLine',
    );

    if (journalLines.length === 0) {
      throw new RequestError(
        3180,
        'There was an error when saving a Journal Entry transaction. QuickBooks error message: The transaction is empty.',
      );
    }

    for (const line of journalLines) {
      const refs = new Map(
        this.resolveRefs(line, 'Journal Entry line', ['AccountRef', 'EntityRef', 'ClassRef']),
      );
      const amount = toCents(childText(line, 'Amount') ?? '0');
      const accountName = refs.get('AccountRef');
      const account = accountName ? this.findList('Account', { fullName: accountName }) : undefined;

      // QuickBooks needs the customer of every line that posts to Accounts Receivable.
      if (
        account &&
        fieldOf(account, 'AccountType') === 'AccountsReceivable' &&
        !(refs.get('EntityRef') && this.findList('Customer', { fullName: refs.get('EntityRef') }))
      ) {
        throw new RequestError(
          3180,
          `There was an error when saving a Journal Entry transaction. QuickBooks error message: A line that uses the Accounts Receivable account "${accountName}" needs a customer.`,
        );
      }

      if (line.name === 'JournalDebitLine') {
        debits += amount;
      } else {
        credits += amount;
      }

      lines.push({
        account: accountName,
        amount: line.name === 'JournalDebitLine' ? amount : -amount,
      });
    }

    if (debits !== credits) {
      throw new RequestError(
        3180,
        `There was an error when saving a Journal Entry transaction. QuickBooks error message: Transaction not in balance (debits ${fromCents(debits)}, credits ${fromCents(credits)}).`,
      );
    }

    const txn = this.recordTxn('JournalEntry', {
      txnDate,
      refNumber,
      memo: childText(add, 'Memo'),
      subtotal: debits,
      tax: 0,
      total: debits,
      open: 0,
      lines,
    });

    return { body: this.renderTxn(txn) };
  }

  /**
   * Applies an inventory adjustment: every reference is resolved and every line checked before
   * any quantity changes, so a rejected request leaves the company file as it was. A line's
   * `NewQuantity` sets the quantity on hand and `QuantityDifference` changes it.
   */
  private inventoryAdjustmentAdd(
    add: XmlElement,
    txnDate: string,
    refNumber: string | undefined,
  ): ApplyResult {
    this.resolveRefs(add, 'Inventory Adjustment', [
      'AccountRef',
      'InventorySiteRef',
      'CustomerRef',
      'ClassRef',
    ]);

    const changes: Array<[ListRecord, number]> = [];

    for (const line of childrenNamed(add, 'InventoryAdjustmentLineAdd')) {
      const [[, itemName] = ['', '']] = this.resolveRefs(line, 'Inventory Adjustment line', [
        'ItemRef',
      ]);
      const item = this.findList('Item', { fullName: itemName })!;

      if (!INVENTORY_ITEM_RET_TYPES.has(item.retType)) {
        // NOTE: the status code real QuickBooks returns for a non-inventory item on an adjustment
        // line is unverified. The stand-in uses 3140, the code of an invalid reference.
        throw new RequestError(
          3140,
          `There is an invalid reference to QuickBooks Item "${item.fullName}" in the Inventory Adjustment line. QuickBooks error message: The item is not an inventory item, so it has no quantity on hand to adjust.`,
        );
      }

      const quantity = child(line, 'QuantityAdjustment') ?? line;
      const onHand = Number(fieldOf(item, 'QuantityOnHand') ?? '0');
      const newQuantity = childText(quantity, 'NewQuantity');
      const difference = Number(childText(quantity, 'QuantityDifference') ?? '0');

      changes.push([item, newQuantity === undefined ? onHand + difference : Number(newQuantity)]);
    }

    for (const [item, quantityOnHand] of changes) {
      this.editListRecord(item, [['QuantityOnHand', String(quantityOnHand)]]);
    }

    const txn = this.recordTxn('InventoryAdjustment', {
      txnDate,
      refNumber,
      memo: childText(add, 'Memo'),
      subtotal: 0,
      tax: 0,
      total: 0,
      open: 0,
      lines: [],
    });

    return { body: this.renderTxn(txn) };
  }

  /**
   * Deletes a transaction as QuickBooks does: not one dated in the closed period, and not a
   * payment a deposit took out of Undeposited Funds. Deleting a deposit returns its payments to
   * Undeposited Funds.
   */
  private txnDel(request: XmlElement): ApplyResult {
    const type = childText(request, 'TxnDelType') ?? '';
    const txnId = childText(request, 'TxnID') ?? '';
    const txn = this.transactions.get(txnId);

    if (!txn || txn.type !== type) {
      throw new RequestError(3120, `Object "${txnId}" specified in the request cannot be found.`);
    }

    if (this.closingDate && txn.txnDate <= this.closingDate) {
      throw new RequestError(
        3180,
        `There was an error when deleting a ${labelOf(type)} transaction. QuickBooks error message: The transaction date ${txn.txnDate} is on or before the closing date ${this.closingDate}.`,
      );
    }

    if (txn.depositedIn && this.transactions.has(txn.depositedIn)) {
      throw new RequestError(
        3170,
        `There was an error when deleting a ${labelOf(type)} transaction. QuickBooks error message: This transaction has been deposited (deposit ${txn.depositedIn}); delete the deposit first.`,
      );
    }

    for (const depositedId of txn.depositedTxnIds ?? []) {
      const deposited = this.transactions.get(depositedId);

      if (deposited) {
        deposited.depositedIn = undefined;
      }
    }

    this.transactions.delete(txnId);

    return {
      body:
        textTag('TxnDelType', type)! +
        textTag('TxnID', txnId)! +
        textTag('TimeDeleted', this.timestamp())! +
        (textTag('RefNumber', txn.refNumber) ?? ''),
    };
  }

  private txnQuery(txnType: string, request: XmlElement): ApplyResult {
    const txnIds = childrenNamed(request, 'TxnID').map((node) => node.text);
    const refNumbers = childrenNamed(request, 'RefNumber').map((node) => node.text);
    const dateFilter = child(request, 'TxnDateRangeFilter');
    const from = dateFilter ? childText(dateFilter, 'FromTxnDate') : undefined;
    const to = dateFilter ? childText(dateFilter, 'ToTxnDate') : undefined;
    const matches = [...this.transactions.values()].filter(
      (txn) =>
        txn.type === txnType &&
        (txnIds.length === 0 || txnIds.includes(txn.txnId)) &&
        (refNumbers.length === 0 ||
          (txn.refNumber !== undefined && refNumbers.includes(txn.refNumber))) &&
        (!from || txn.txnDate >= from) &&
        (!to || txn.txnDate <= to),
    );

    if (matches.length === 0) {
      throw new RequestError(1, 'A query request did not find a matching object in QuickBooks');
    }

    return { body: matches.map((txn) => this.renderTxn(txn)).join('') };
  }

  private recordTxn(
    type: string,
    fields: Omit<
      Transaction,
      'txnId' | 'type' | 'txnNumber' | 'editSequence' | 'timeCreated' | 'isClosed'
    >,
  ): Transaction {
    const txn: Transaction = {
      ...fields,
      txnId: `${(this.txnCounter++).toString(16).toUpperCase()}-${Math.floor(Date.now() / 1000)}`,
      type,
      txnNumber: ++this.txnNumber,
      editSequence: String(Math.floor(Date.now() / 1000)),
      timeCreated: this.timestamp(),
      isClosed: false,
    };

    this.transactions.set(txn.txnId, txn);
    this.lastRecorded = txn;

    return txn;
  }

  private renderTxn(txn: Transaction): string {
    const entityRef = txn.entityName
      ? tag(
          txn.type === 'Check' ? 'PayeeEntityRef' : 'CustomerRef',
          textTag('ListID', this.findName({ fullName: txn.entityName })?.listId),
          textTag('FullName', txn.entityName),
        )
      : undefined;
    const totals =
      txn.type === 'Invoice'
        ? [
            textTag('Subtotal', fromCents(txn.subtotal)),
            textTag('SalesTaxTotal', fromCents(txn.tax)),
            textTag('BalanceRemaining', fromCents(txn.open)),
          ]
        : SALES_DOCUMENTS.has(txn.type)
          ? [
              textTag('Subtotal', fromCents(txn.subtotal)),
              textTag('SalesTaxTotal', fromCents(txn.tax)),
              textTag('TotalAmount', fromCents(txn.total)),
            ]
          : [textTag('TotalAmount', fromCents(txn.total))];

    return tag(
      `${txn.type}Ret`,
      textTag('TxnID', txn.txnId),
      textTag('TimeCreated', txn.timeCreated),
      textTag('TimeModified', txn.timeCreated),
      textTag('EditSequence', txn.editSequence),
      textTag('TxnNumber', txn.txnNumber),
      entityRef,
      textTag('TxnDate', txn.txnDate),
      textTag('RefNumber', txn.refNumber),
      ...totals,
      textTag('Memo', txn.memo),
    );
  }

  private nextRefNumber(txnType: string): string {
    const next = (this.refCounters.get(txnType) ?? 0) + 1;

    this.refCounters.set(txnType, next);

    return String(next);
  }

  private homeCurrencyName(): string {
    for (const record of this.lists.values()) {
      if (record.kind === 'Currency' && fieldOf(record, 'CurrencyCode') === this.homeCurrency) {
        return record.fullName;
      }
    }

    return 'US Dollar';
  }

  private touch(record: ListRecord): void {
    record.editSequence = String(Number(record.editSequence) + 1);
    record.timeModified = this.timestamp();
  }

  private timestamp(): string {
    return new Date().toISOString().slice(0, 19);
  }
}

interface ApplyResult {
  body: string;
  attributes?: Record<string, string>;
  statusCode?: number;
  statusMessage?: string;
}

function renderRs(
  name: string,
  requestId: string | undefined,
  statusCode: number,
  statusMessage: string,
  body: string,
  attributes: Record<string, string> = {},
  severity?: string,
): string {
  const extra = Object.entries(attributes)
    .map(([key, value]) => ` ${key}="${escape(value)}"`)
    .join('');
  const id = requestId === undefined ? '' : ` requestID="${escape(requestId)}"`;
  const statusSeverity = severity ?? (statusCode === 0 || statusCode === 1 ? 'Info' : 'Error');

  return `<${name}${id} statusCode="${statusCode}" statusSeverity="${statusSeverity}" statusMessage="${escape(statusMessage)}"${extra}>${body}</${name}>`;
}

function requireChild(element: XmlElement, name: string): XmlElement {
  const found = child(element, name);

  if (!found) {
    throw new RequestError(3000, `The request has no ${name} element.`);
  }

  return found;
}

function requireText(element: XmlElement, name: string, objectLabel: string): string {
  const value = childText(element, name);

  if (!value) {
    throw new RequestError(3000, `The "${name}" field is required for a ${objectLabel}.`);
  }

  return value;
}

function checkLength(value: string, maxLength: number, field: string): void {
  if (Array.from(value).length > maxLength) {
    throw new RequestError(3070, `The string "${value}" in the field "${field}" is too long.`);
  }
}

function labelOf(txnType: string): string {
  return txnType.replace(/([a-z])([A-Z])/g, '$1 $2');
}

function defaultMessage(statusCode: number): string {
  switch (statusCode) {
    case 3175:
      return 'There was an error when modifying the record. QuickBooks error message: The record is in use by another user or window.';
    case 3176:
      return 'There was an error when saving the record. QuickBooks error message: The record is being edited in another window.';
    case 3180:
      return 'There was an error when saving the transaction. QuickBooks error message: The transaction is in a closed period.';
    case 3170:
      return 'There was an error when modifying the record.';
    default:
      return `QuickBooks returned status ${statusCode}.`;
  }
}
