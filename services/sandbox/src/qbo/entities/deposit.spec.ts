import { type NestExpressApplication } from '@nestjs/platform-express';

import {
  connect,
  freshRealmId,
  qboClient,
  startSandbox,
} from '../../../test/support/sandbox-harness';

interface Fault {
  code: string;
  Detail: string;
}

describe('sandbox Deposit entity', () => {
  let app: NestExpressApplication;
  let api: ReturnType<typeof qboClient>;
  let checkingId: string;
  let feesId: string;

  beforeAll(async () => {
    app = await startSandbox();
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    api = qboClient(app, await connect(app, freshRealmId()));
    checkingId = await accountId('Checking');
    const fees = await api
      .post('/account', { Name: 'Merchant Fees', AccountType: 'Expense' })
      .expect(200);

    feesId = fees.body.Account.Id;
  });

  async function accountId(name: string): Promise<string> {
    const response = await api
      .get(`/query?query=${encodeURIComponent(`select * from Account where Name = '${name}'`)}`)
      .expect(200);

    return response.body.QueryResponse.Account[0].Id;
  }

  async function salesReceipt(amount: number, depositTo?: string): Promise<string> {
    const response = await api
      .post('/salesreceipt', {
        Line: [
          {
            Amount: amount,
            DetailType: 'SalesItemLineDetail',
            SalesItemLineDetail: { ItemRef: { value: await itemId() } },
          },
        ],
        ...(depositTo ? { DepositToAccountRef: { value: depositTo } } : {}),
      })
      .expect(200);

    return response.body.SalesReceipt.Id;
  }

  async function itemId(): Promise<string> {
    const found = await api
      .get(`/query?query=${encodeURIComponent("select * from Item where Name = 'Widget'")}`)
      .expect(200);
    const existing = found.body.QueryResponse.Item?.[0]?.Id;

    if (existing) {
      return existing;
    }

    const income = await accountId('Sales of Product Income');
    const created = await api
      .post('/item', { Name: 'Widget', Type: 'NonInventory', IncomeAccountRef: { value: income } })
      .expect(200);

    return created.body.Item.Id;
  }

  function linkedLine(amount: number, txnId: string, txnType = 'SalesReceipt') {
    return { Amount: amount, LinkedTxn: [{ TxnId: txnId, TxnType: txnType, TxnLineId: '0' }] };
  }

  function feeLine(amount: number) {
    return {
      Amount: amount,
      DetailType: 'DepositLineDetail',
      DepositLineDetail: { AccountRef: { value: feesId } },
    };
  }

  function faultOf(body: { Fault: { Error: Fault[] } }): Fault {
    return body.Fault.Error[0]!;
  }

  it('computes TotalAmt from linked and fee lines', async () => {
    const first = await salesReceipt(100.1);
    const second = await salesReceipt(20.2);
    const response = await api
      .post('/deposit', {
        DepositToAccountRef: { value: checkingId },
        TxnDate: '2008-01-14',
        Line: [linkedLine(100.1, first), linkedLine(20.2, second), feeLine(-3.3)],
      })
      .expect(200);

    expect(response.body.Deposit.TotalAmt).toBe(117);
    expect(response.body.Deposit.DepositToAccountRef.name).toBe('Checking');
    expect(response.body.Deposit.Line[2].DepositLineDetail.AccountRef.name).toBe('Merchant Fees');
  });

  it('rejects a transaction deposited twice', async () => {
    const receipt = await salesReceipt(50);

    await api
      .post('/deposit', {
        DepositToAccountRef: { value: checkingId },
        Line: [linkedLine(50, receipt)],
      })
      .expect(200);
    const again = await api
      .post('/deposit', {
        DepositToAccountRef: { value: checkingId },
        Line: [linkedLine(50, receipt)],
      })
      .expect(400);

    expect(faultOf(again.body).code).toBe('6000');
    expect(faultOf(again.body).Detail).toContain('already deposited');
  });

  it('frees its transactions when deleted', async () => {
    const receipt = await salesReceipt(50);
    const created = await api
      .post('/deposit', {
        DepositToAccountRef: { value: checkingId },
        Line: [linkedLine(50, receipt)],
      })
      .expect(200);

    await api
      .post('/deposit?operation=delete', { Id: created.body.Deposit.Id, SyncToken: '0' })
      .expect(200);
    await api
      .post('/deposit', {
        DepositToAccountRef: { value: checkingId },
        Line: [linkedLine(50, receipt)],
      })
      .expect(200);
  });

  it('rejects a receipt outside Undeposited Funds', async () => {
    const receipt = await salesReceipt(50, checkingId);
    const response = await api
      .post('/deposit', {
        DepositToAccountRef: { value: checkingId },
        Line: [linkedLine(50, receipt)],
      })
      .expect(400);

    expect(faultOf(response.body).code).toBe('6000');
    expect(faultOf(response.body).Detail).toContain('not in Undeposited Funds');
  });

  it('rejects an unknown linked transaction', async () => {
    const response = await api
      .post('/deposit', {
        DepositToAccountRef: { value: checkingId },
        Line: [linkedLine(50, '999999')],
      })
      .expect(400);

    expect(faultOf(response.body).code).toBe('2500');
  });

  it('rejects a negative total', async () => {
    const response = await api
      .post('/deposit', { DepositToAccountRef: { value: checkingId }, Line: [feeLine(-5)] })
      .expect(400);

    expect(faultOf(response.body).code).toBe('6000');
  });

  it('rejects a line amount other than the total', async () => {
    const receipt = await salesReceipt(50);
    const response = await api
      .post('/deposit', {
        DepositToAccountRef: { value: checkingId },
        Line: [linkedLine(40, receipt)],
      })
      .expect(400);

    expect(faultOf(response.body).code).toBe('6000');
  });

  it('is found by a query on PrivateNote', async () => {
    const receipt = await salesReceipt(50);

    await api
      .post('/deposit', {
        DepositToAccountRef: { value: checkingId },
        PrivateNote: 'shopify payout 7 deposit',
        Line: [linkedLine(50, receipt)],
      })
      .expect(200);
    const response = await api
      .get(`/query?query=${encodeURIComponent('select * from Deposit')}`)
      .expect(200);

    expect(response.body.QueryResponse.Deposit).toHaveLength(1);
    expect(response.body.QueryResponse.Deposit[0].PrivateNote).toBe('shopify payout 7 deposit');
  });
});
