import { qbxmlMessage, type QbxmlStatus, statusOf } from '../../../test/support/qbxml-messages';

import { seedCompany } from './company-seed';
import { type QuickBooksCompany } from './quickbooks-company';

function send(company: QuickBooksCompany, request: string): QbxmlStatus {
  return statusOf(company.processMessage(qbxmlMessage(request)).response, '1');
}

/** Adds a sales receipt and returns its TxnID. */
function salesReceipt(company: QuickBooksCompany, amount: string, depositTo?: string): string {
  const depositRef = depositTo
    ? `<DepositToAccountRef><FullName>${depositTo}</FullName></DepositToAccountRef>`
    : '';
  const { response } = company.processMessage(
    qbxmlMessage(
      `<SalesReceiptAddRq requestID="1"><SalesReceiptAdd><CustomerRef><FullName>Jane Doe</FullName></CustomerRef><TxnDate>2026-03-02</TxnDate>${depositRef}` +
        `<SalesReceiptLineAdd><ItemRef><FullName>Widget</FullName></ItemRef><Amount>${amount}</Amount></SalesReceiptLineAdd></SalesReceiptAdd></SalesReceiptAddRq>`,
    ),
  );

  return /<TxnID>([^<]+)<\/TxnID>/.exec(response)![1]!;
}

function depositAdd(lines: string[]): string {
  return (
    '<DepositAddRq requestID="1"><DepositAdd><TxnDate>2026-03-04</TxnDate>' +
    '<DepositToAccountRef><FullName>Checking</FullName></DepositToAccountRef>' +
    `${lines.join('')}</DepositAdd></DepositAddRq>`
  );
}

const paymentLine = (txnId: string) =>
  `<DepositLineAdd><PaymentTxnID>${txnId}</PaymentTxnID></DepositLineAdd>`;
const feeLine = (amount: string) =>
  `<DepositLineAdd><AccountRef><FullName>Merchant Fees</FullName></AccountRef><Amount>${amount}</Amount></DepositLineAdd>`;
const txnDel = (type: string, txnId: string) =>
  `<TxnDelRq requestID="1"><TxnDelType>${type}</TxnDelType><TxnID>${txnId}</TxnID></TxnDelRq>`;

function newCompany(): QuickBooksCompany {
  return seedCompany({ customers: ['Jane Doe'], items: ['Widget'] });
}

describe('QuickBooksCompany deposits and deletions', () => {
  it('deposits sales receipts less a fee line', () => {
    const company = newCompany();
    const first = salesReceipt(company, '25.00');
    const second = salesReceipt(company, '15.50');
    const { response } = company.processMessage(
      qbxmlMessage(depositAdd([paymentLine(first), paymentLine(second), feeLine('-1.50')])),
    );
    const deposit = [...company.transactions.values()].find((txn) => txn.type === 'Deposit');

    expect(statusOf(response, '1').code).toBe(0);
    expect(deposit?.total).toBe(3900);
    expect(company.transactions.get(first)?.depositedIn).toBe(deposit?.txnId);
  });

  it('rejects a payment deposited twice with 3120', () => {
    const company = newCompany();
    const receipt = salesReceipt(company, '25.00');

    expect(send(company, depositAdd([paymentLine(receipt)])).code).toBe(0);
    const again = send(company, depositAdd([paymentLine(receipt)]));

    expect(again.code).toBe(3120);
    expect(again.message).toContain('already been deposited');
  });

  it('rejects a receipt outside Undeposited Funds with 3120', () => {
    const company = newCompany();
    const receipt = salesReceipt(company, '25.00', 'Checking');
    const status = send(company, depositAdd([paymentLine(receipt)]));

    expect(status.code).toBe(3120);
    expect(status.message).toContain('was deposited to Checking');
  });

  it('rejects a negative deposit with 3180', () => {
    const company = newCompany();
    const receipt = salesReceipt(company, '5.00');
    const status = send(company, depositAdd([paymentLine(receipt), feeLine('-6.00')]));

    expect(status.code).toBe(3180);
    expect(status.message).toContain('cannot be negative');
    expect(company.transactions.get(receipt)?.depositedIn).toBeUndefined();
  });

  it('refuses to delete a deposited receipt with 3170', () => {
    const company = newCompany();
    const receipt = salesReceipt(company, '25.00');

    send(company, depositAdd([paymentLine(receipt)]));
    const depositId = [...company.transactions.values()].find(
      (txn) => txn.type === 'Deposit',
    )!.txnId;
    const rejected = send(company, txnDel('SalesReceipt', receipt));

    expect(rejected.code).toBe(3170);
    expect(rejected.message).toContain('has been deposited');
    expect(send(company, txnDel('Deposit', depositId)).code).toBe(0);
    expect(send(company, txnDel('SalesReceipt', receipt)).code).toBe(0);
    expect(company.transactions.has(receipt)).toBe(false);
  });

  it('refuses to delete in a closed period with 3180', () => {
    const company = newCompany();
    const receipt = salesReceipt(company, '25.00');

    company.closingDate = '2026-03-31';
    const rejected = send(company, txnDel('SalesReceipt', receipt));

    expect(rejected.code).toBe(3180);
    expect(rejected.message).toContain('closing date');
    expect(company.transactions.has(receipt)).toBe(true);
  });

  it('answers 3120 to deleting a missing transaction', () => {
    const company = newCompany();

    expect(send(company, txnDel('SalesReceipt', 'FFFF-1')).code).toBe(3120);
  });
});
