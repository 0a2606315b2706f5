import { qbxmlMessage, statusOf } from '../../../test/support/qbxml-messages';

import { seedCompany } from './company-seed';
import { QuickBooksMessageError } from './quickbooks-company';

const customerAdd = (id: string, name: string): string =>
  `<CustomerAddRq requestID="${id}"><CustomerAdd><Name>${name}</Name></CustomerAdd></CustomerAddRq>`;

describe('QuickBooksCompany', () => {
  it('rejects a name a vendor has with 3100', () => {
    const company = seedCompany({ vendors: ['Acme Supply'] });
    const { response } = company.processMessage(qbxmlMessage(customerAdd('1', 'Acme Supply')));

    expect(statusOf(response, '1')).toEqual({
      code: 3100,
      message: 'The name &quot;Acme Supply&quot; of the list element is already in use.',
    });
  });

  it('rejects a missing item with 3140', () => {
    const company = seedCompany();
    const { response } = company.processMessage(
      qbxmlMessage(
        customerAdd('1', 'Jane Doe'),
        '<SalesReceiptAddRq requestID="2"><SalesReceiptAdd><CustomerRef><FullName>Jane Doe</FullName></CustomerRef>' +
          '<SalesReceiptLineAdd><ItemRef><FullName>Nothing</FullName></ItemRef><Amount>1.00</Amount></SalesReceiptLineAdd></SalesReceiptAdd></SalesReceiptAddRq>',
      ),
    );

    expect(statusOf(response, '1').code).toBe(0);
    expect(statusOf(response, '2').code).toBe(3140);
    expect(statusOf(response, '2').message).toContain('Item &quot;Nothing&quot;');
  });

  it('rejects an out-of-date EditSequence with 3200', () => {
    const company = seedCompany({ customers: ['Jane Doe'] });
    const customer = [...company.lists.values()].find((record) => record.fullName === 'Jane Doe')!;
    const stale = customer.editSequence;

    company.editListRecord(customer, [['Phone', '555']]);
    const { response } = company.processMessage(
      qbxmlMessage(
        `<CustomerModRq requestID="1"><CustomerMod><ListID>${customer.listId}</ListID><EditSequence>${stale}</EditSequence><Email>a@b.c</Email></CustomerMod></CustomerModRq>`,
        `<CustomerModRq requestID="2"><CustomerMod><ListID>${customer.listId}</ListID><EditSequence>${customer.editSequence}</EditSequence><Email>a@b.c</Email></CustomerMod></CustomerModRq>`,
      ),
    );

    expect(statusOf(response, '1').code).toBe(3200);
    expect(statusOf(response, '2').code).toBe(0);
  });

  it('pages through customers with an iterator', () => {
    const company = seedCompany({
      customers: Array.from({ length: 5 }, (_, index) => `C${index}`),
    });
    const start = company.processMessage(
      qbxmlMessage(
        '<CustomerQueryRq requestID="1" iterator="Start"><MaxReturned>2</MaxReturned></CustomerQueryRq>',
      ),
    ).response;
    const iteratorId = /iteratorID="([^"]+)"/.exec(start)![1]!;
    const next = company.processMessage(
      qbxmlMessage(
        `<CustomerQueryRq requestID="2" iterator="Continue" iteratorID="${iteratorId}"><MaxReturned>2</MaxReturned></CustomerQueryRq>`,
      ),
    ).response;

    expect(start).toContain('iteratorRemainingCount="3"');
    expect(next).toContain('iteratorRemainingCount="1"');
    expect(next.match(/<CustomerRet>/g)).toHaveLength(2);
  });

  it('reports a feature the file lacks with 3250', () => {
    const company = seedCompany({ features: { inventorySites: false } });
    const { response } = company.processMessage(
      qbxmlMessage('<InventorySiteQueryRq requestID="1"></InventorySiteQueryRq>'),
    );

    expect(statusOf(response, '1').code).toBe(3250);
  });

  it('refuses a transaction in a closed period with 3180', () => {
    const company = seedCompany({ customers: ['Jane Doe'], items: ['Widget'] });

    company.closingDate = '2026-01-31';
    const { response } = company.processMessage(
      qbxmlMessage(
        '<InvoiceAddRq requestID="1"><InvoiceAdd><CustomerRef><FullName>Jane Doe</FullName></CustomerRef><TxnDate>2026-01-15</TxnDate>' +
          '<InvoiceLineAdd><ItemRef><FullName>Widget</FullName></ItemRef><Amount>5.00</Amount></InvoiceLineAdd></InvoiceAdd></InvoiceAddRq>',
      ),
    );

    expect(statusOf(response, '1').code).toBe(3180);
  });

  it('refuses a payment above the amount due with 3210', () => {
    const company = seedCompany({ customers: ['Jane Doe'], items: ['Widget'] });
    const invoice = company.processMessage(
      qbxmlMessage(
        '<InvoiceAddRq requestID="1"><InvoiceAdd><CustomerRef><FullName>Jane Doe</FullName></CustomerRef>' +
          '<InvoiceLineAdd><ItemRef><FullName>Widget</FullName></ItemRef><Amount>5.00</Amount></InvoiceLineAdd></InvoiceAdd></InvoiceAddRq>',
      ),
    ).response;
    const txnId = /<TxnID>([^<]+)<\/TxnID>/.exec(invoice)![1]!;
    const { response } = company.processMessage(
      qbxmlMessage(
        `<ReceivePaymentAddRq requestID="2"><ReceivePaymentAdd><CustomerRef><FullName>Jane Doe</FullName></CustomerRef><TotalAmount>6.00</TotalAmount>` +
          `<AppliedToTxnAdd><TxnID>${txnId}</TxnID><PaymentAmount>6.00</PaymentAmount></AppliedToTxnAdd></ReceivePaymentAdd></ReceivePaymentAddRq>`,
      ),
    );

    expect(statusOf(response, '2').code).toBe(3210);
  });

  it('computes sales tax on taxable lines from the tax item', () => {
    const company = seedCompany({ customers: ['Jane Doe'], items: ['Widget'] });
    const { response } = company.processMessage(
      qbxmlMessage(
        '<SalesReceiptAddRq requestID="1"><SalesReceiptAdd><CustomerRef><FullName>Jane Doe</FullName></CustomerRef>' +
          '<ItemSalesTaxRef><FullName>State Tax</FullName></ItemSalesTaxRef>' +
          '<SalesReceiptLineAdd><ItemRef><FullName>Widget</FullName></ItemRef><Quantity>3</Quantity><Rate>3.33</Rate><SalesTaxCodeRef><FullName>Tax</FullName></SalesTaxCodeRef></SalesReceiptLineAdd>' +
          '</SalesReceiptAdd></SalesReceiptAddRq>',
      ),
    );

    expect(response).toContain(
      '<Subtotal>9.99</Subtotal><SalesTaxTotal>0.60</SalesTaxTotal><TotalAmount>10.59</TotalAmount>',
    );
  });

  it('fails a malformed message as a whole', () => {
    expect(() => seedCompany().processMessage('<QBXML><QBXMLMsgsRq>')).toThrow(
      QuickBooksMessageError,
    );
  });
});
