import { qbxmlMessage, statusOf } from '../../../test/support/qbxml-messages';

import { seedCompany } from './company-seed';

function line(side: 'Debit' | 'Credit', account: string, amount: string, entity?: string): string {
  const entityRef = entity ? `<EntityRef><FullName>${entity}</FullName></EntityRef>` : '';

  return `<Journal${side}Line><AccountRef><FullName>${account}</FullName></AccountRef><Amount>${amount}</Amount>${entityRef}</Journal${side}Line>`;
}

function journalEntry(id: string, ...lines: string[]): string {
  return `<JournalEntryAddRq requestID="${id}"><JournalEntryAdd><TxnDate>2026-12-04</TxnDate><Memo>COGS</Memo>${lines.join('')}</JournalEntryAdd></JournalEntryAddRq>`;
}

describe('QuickBooksCompany journal entries', () => {
  it('records a balanced entry with its lines', () => {
    const company = seedCompany();
    const { response } = company.processMessage(
      qbxmlMessage(
        journalEntry(
          '1',
          line('Debit', 'Cost of Goods Sold', '12.30'),
          line('Credit', 'Inventory Asset', '12.30'),
        ),
      ),
    );
    const [entry] = [...company.transactions.values()];

    expect(statusOf(response, '1').code).toBe(0);
    expect(entry?.type).toBe('JournalEntry');
    expect(entry?.total).toBe(1230);
    expect(entry?.lines).toEqual([
      { account: 'Cost of Goods Sold', amount: 1230 },
      { account: 'Inventory Asset', amount: -1230 },
    ]);
  });

  it.each([
    {
      rejected: 'debits unequal to credits',
      lines: [
        line('Debit', 'Cost of Goods Sold', '12.30'),
        line('Credit', 'Inventory Asset', '12.00'),
      ],
      code: 3180,
      statusMessage: 'not in balance',
    },
    {
      rejected: 'a missing account',
      lines: [line('Debit', 'COGS:Online', '1.00'), line('Credit', 'Inventory Asset', '1.00')],
      code: 3140,
      statusMessage: 'COGS:Online',
    },
    { rejected: 'an entry without lines', lines: [], code: 3180, statusMessage: 'empty' },
  ])('rejects $rejected with $code', ({ lines, code, statusMessage }) => {
    const company = seedCompany();
    const { response } = company.processMessage(qbxmlMessage(journalEntry('1', ...lines)));

    expect(statusOf(response, '1').code).toBe(code);
    expect(statusOf(response, '1').message).toContain(statusMessage);
    expect(company.transactions.size).toBe(0);
  });

  it('rejects an A/R line without a customer with 3180', () => {
    const company = seedCompany({ customers: ['Jane Doe'] });
    const { response } = company.processMessage(
      qbxmlMessage(
        journalEntry(
          '1',
          line('Debit', 'Accounts Receivable', '5.00'),
          line('Credit', 'Sales', '5.00'),
        ),
        journalEntry(
          '2',
          line('Debit', 'Accounts Receivable', '5.00', 'Jane Doe'),
          line('Credit', 'Sales', '5.00'),
        ),
      ),
    );

    expect(statusOf(response, '1').code).toBe(3180);
    expect(statusOf(response, '1').message).toContain('needs a customer');
    expect(statusOf(response, '2').code).toBe(0);
  });
});

describe('QuickBooksCompany credit memos and sales orders', () => {
  it('rejects a credit memo without a customer with 3000', () => {
    const company = seedCompany({ items: ['MUG'] });
    const { response } = company.processMessage(
      qbxmlMessage(
        '<CreditMemoAddRq requestID="1"><CreditMemoAdd><TxnDate>2026-12-04</TxnDate>' +
          '<CreditMemoLineAdd><ItemRef><FullName>MUG</FullName></ItemRef><Amount>5.00</Amount></CreditMemoLineAdd></CreditMemoAdd></CreditMemoAddRq>',
      ),
    );

    expect(statusOf(response, '1').code).toBe(3000);
  });

  it('keeps a credit memo open until a refund uses it', () => {
    const company = seedCompany({ items: ['MUG'], customers: ['Channel Refunds'] });

    company.processMessage(
      qbxmlMessage(
        '<CreditMemoAddRq requestID="1"><CreditMemoAdd><CustomerRef><FullName>Channel Refunds</FullName></CustomerRef><TxnDate>2026-12-04</TxnDate>' +
          '<CreditMemoLineAdd><ItemRef><FullName>MUG</FullName></ItemRef><Amount>5.00</Amount></CreditMemoLineAdd></CreditMemoAdd></CreditMemoAddRq>',
      ),
    );
    const [creditMemo] = [...company.transactions.values()];

    expect(creditMemo?.open).toBe(500);
  });

  it('posts a sales order with the summed quantity', () => {
    const company = seedCompany({ items: ['MUG'], customers: ['Online Sales Summary'] });
    const { response } = company.processMessage(
      qbxmlMessage(
        '<SalesOrderAddRq requestID="1"><SalesOrderAdd><CustomerRef><FullName>Online Sales Summary</FullName></CustomerRef><TxnDate>2026-12-04</TxnDate>' +
          '<SalesOrderLineAdd><ItemRef><FullName>MUG</FullName></ItemRef><Quantity>3</Quantity><Rate>12.50</Rate><Amount>37.50</Amount></SalesOrderLineAdd></SalesOrderAdd></SalesOrderAddRq>',
      ),
    );
    const [salesOrder] = [...company.transactions.values()];

    expect(statusOf(response, '1').code).toBe(0);
    expect(salesOrder?.total).toBe(3750);
    expect(salesOrder?.lines[0]?.quantity).toBe('3');
  });
});
