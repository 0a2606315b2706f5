import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { fixturePath } from '@qbsync/testing';

import { listQuery, LIST_TYPES, txnLookupQuery } from './qbxml-queries';
import {
  arRefundCreditCardAdd,
  customerAdd,
  customerMod,
  depositAdd,
  inventoryAdjustmentAdd,
  itemAdd,
  journalEntryAdd,
  messageSet,
  receivePaymentAdd,
  refundCheckAdd,
  salesDocumentAdd,
  type SalesDocument,
  type SalesDocumentType,
  txnDelBody,
  wrapRequest,
} from './qbxml-requests';

const schema = fixturePath('qbxml/schemas/qbxmlops130.xsd');
const address = {
  name: 'Zoë "Z" O\'Brien & Sons <Ltd>',
  company: 'Café Ünïcode Wholesale & Retail Trading Company of America',
  line1: '1234 A Very Long Street Name That Does Not Fit In Forty One Characters Avenue',
  line2: 'Suite 5',
  city: 'Saint-Jean-sur-Richelieu des Montagnes Bleues',
  regionCode: 'QC',
  postalCode: 'J3B 1A1',
  countryCode: 'CA',
};

function salesDocument(type: SalesDocumentType): SalesDocument {
  return {
    type,
    customerName: 'Smith, John & Co.',
    className: 'Web:Shopify',
    arAccount: 'Accounts Receivable',
    txnDate: '2026-12-04',
    refNumber: '1001',
    billAddress: address,
    shipAddress: address,
    poNumber: 'PO-1',
    terms: 'Net 30',
    paymentMethod: 'Visa',
    dueDate: '2027-01-03',
    salesRep: 'JS',
    shipDate: '2026-12-05',
    itemSalesTax: 'LA County',
    memo: 'shopify order 450789469 (#1001)',
    customerTaxCode: 'Tax',
    depositAccount: 'Undeposited Funds',
    exchangeRate: '1.0845',
    linkToTxnIds: ['1A-1234567890'],
    lines: [
      {
        itemName: 'Tools:Hammer',
        description: 'Hammer <claw> & “quotes”',
        quantity: '2',
        rate: '19.99',
        unitOfMeasure: 'each',
        className: 'Web',
        amount: '39.98',
        inventorySite: 'B30',
        taxCode: 'Tax',
      },
      { itemName: 'Wholesale Widget', quantity: '1', priceLevel: 'Wholesale', taxCode: 'Non' },
      { itemName: 'Shipping', description: 'Standard', amount: '5.00', taxCode: 'Non' },
      { itemName: 'Discount', amount: '-3.00', taxCode: 'Non' },
    ],
  };
}

/** Every request body the service can send, by a name for the test table. */
const requests: Array<[string, string, string]> = [
  ...(['SalesReceipt', 'Invoice', 'SalesOrder', 'Estimate', 'CreditMemo'] as const).map(
    (type): [string, string, string] => [type, `${type}Add`, salesDocumentAdd(salesDocument(type))],
  ),
  [
    'CustomerAdd',
    'CustomerAdd',
    customerAdd({
      name: 'Smith, John',
      companyName: 'Acme & Sons',
      firstName: 'John',
      lastName: 'Smith',
      billAddress: address,
      shipAddress: address,
      phone: '+1 555 0100',
      email: 'john@example.com',
      terms: 'Net 30',
      salesRep: 'JS',
      taxCode: 'Tax',
      itemSalesTax: 'LA County',
      priceLevel: 'Wholesale',
      currencyName: 'Euro',
    }),
  ],
  [
    'CustomerMod',
    'CustomerMod',
    customerMod('80000001-1232697602', '1232697602', {
      email: 'new@example.com',
      phone: '555',
      billAddress: address,
    }),
  ],
  ...(['ItemInventory', 'ItemNonInventory', 'ItemService'] as const).map(
    (type): [string, string, string] => [
      `${type}Add`,
      `${type}Add`,
      itemAdd({
        type,
        name: 'SKU-THAT-IS-LONGER-THAN-31-CHARACTERS',
        parentName: 'Tools',
        description: 'Hammer',
        price: '19.99',
        taxCode: 'Tax',
        unitOfMeasureSet: 'Count by the box',
        incomeAccount: 'Sales',
        cogsAccount: 'Cost of Goods Sold',
        assetAccount: 'Inventory Asset',
      }),
    ],
  ),
  [
    'ReceivePaymentAdd applied',
    'ReceivePaymentAdd',
    receivePaymentAdd({
      customerName: 'Smith, John',
      arAccount: 'Accounts Receivable',
      txnDate: '2026-12-04',
      refNumber: 'ch_3MmlLrLkdIwHu7ix0snN0B15',
      totalAmount: '44.98',
      paymentMethod: 'Visa',
      memo: 'shopify order 1',
      depositAccount: 'Undeposited Funds',
      appliedTo: [{ txnId: '1A-1234567890', amount: '44.98' }],
    }),
  ],
  [
    'ReceivePaymentAdd unapplied',
    'ReceivePaymentAdd',
    receivePaymentAdd({
      customerName: 'Smith, John',
      txnDate: '2026-12-04',
      totalAmount: '44.98',
      memo: 'shopify order 1',
      appliedTo: [],
    }),
  ],
  [
    'ARRefundCreditCardAdd',
    'ARRefundCreditCardAdd',
    arRefundCreditCardAdd({
      customerName: 'Smith, John',
      refundFromAccount: 'Undeposited Funds',
      arAccount: 'Accounts Receivable',
      txnDate: '2026-12-04',
      refNumber: '1001',
      paymentMethod: 'Visa',
      memo: 'refund',
      creditMemoTxnId: '1B-1234567890',
      amount: '10.00',
    }),
  ],
  [
    'CheckAdd',
    'CheckAdd',
    refundCheckAdd({
      bankAccount: 'Checking',
      customerName: 'Smith, John',
      refNumber: '1001',
      txnDate: '2026-12-04',
      memo: 'refund',
      arAccount: 'Accounts Receivable',
      amount: '10.00',
      className: 'Web',
    }),
  ],
  [
    'DepositAdd',
    'DepositAdd',
    depositAdd({
      txnDate: '2026-12-04',
      depositAccount: 'Checking',
      memo: 'Shopify payout 623721858',
      lines: [
        { kind: 'payment', paymentTxnId: '1C-1234567890', memo: 'order 1001' },
        { kind: 'other', entityName: 'Shopify', account: 'Merchant Fees', amount: '-2.10' },
      ],
    }),
  ],
  [
    'JournalEntryAdd',
    'JournalEntryAdd',
    journalEntryAdd({
      txnDate: '2026-12-04',
      refNumber: 'COGS-1',
      memo: 'cost of goods sold',
      lines: [
        { side: 'debit', account: 'Cost of Goods Sold', amount: '12.00', className: 'Web' },
        { side: 'credit', account: 'Inventory Asset', amount: '12.00' },
      ],
    }),
  ],
  [
    'InventoryAdjustmentAdd',
    'InventoryAdjustmentAdd',
    inventoryAdjustmentAdd({
      account: 'Inventory Adjustment',
      txnDate: '2026-12-04',
      inventorySite: 'B30',
      memo: 'restock',
      lines: [{ itemName: 'Tools:Hammer', quantityDifference: '-2' }],
    }),
  ],
  ['TxnDel', 'TxnDel', txnDelBody('SalesReceipt', '1A-1234567890')],
];

describe('qbXML requests against the qbXML 13.0 schema', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'qbxml-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function validate(name: string, xml: string): void {
    const file = path.join(dir, `${name.replace(/\W+/g, '-')}.xml`);

    writeFileSync(file, xml);
    try {
      execFileSync('xmllint', ['--noout', '--schema', schema, file], { stdio: 'pipe' });
    } catch (error) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? '');

      throw new Error(`${name} does not validate:\n${stderr}\n${xml}`);
    }
  }

  it.each(requests)('%s validates', (name, requestName, body) => {
    const wrapped =
      requestName === 'TxnDel'
        ? `<TxnDelRq requestID="1">${body}</TxnDelRq>`
        : wrapRequest(requestName, '1', body);

    validate(name, messageSet([wrapped], '13.0'));
  });

  it.each(LIST_TYPES.map((listType) => [listType]))('%s list queries validate', (listType) => {
    validate(`list-${listType}`, messageSet([listQuery(listType, '1')], '13.0'));
    validate(
      `list-${listType}-continue`,
      messageSet(
        [listQuery(listType, '2', '{eb05f701-e727-472f-8ade-6753c4f67a46}', '2026-12-01T00:00:00')],
        '13.0',
      ),
    );
  });

  it.each([
    ['SalesReceipt'],
    ['Invoice'],
    ['SalesOrder'],
    ['Estimate'],
    ['ReceivePayment'],
    ['CreditMemo'],
    ['ARRefundCreditCard'],
    ['Check'],
    ['Deposit'],
    ['JournalEntry'],
    ['InventoryAdjustment'],
  ] as const)('%s lookup queries validate', (txnType) => {
    validate(
      `lookup-${txnType}`,
      messageSet(
        [
          txnLookupQuery(txnType, '1', { refNumber: '1001', txnDate: '2026-12-04' }),
          txnLookupQuery(txnType, '2', { txnDate: '2026-12-04' }),
        ],
        '13.0',
      ),
    );
  });
});
