import { type NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { connect, freshRealmId, qboClient, startSandbox } from './support/sandbox-harness';

type Client = ReturnType<typeof qboClient>;

interface Seeded {
  customerId: string;
  otherCustomerId: string;
  itemId: string;
  checkingId: string;
}

function firstError(body: { Fault: { Error: { code: string; element: string }[] } }) {
  return body.Fault.Error[0];
}

/** Two lines of 199.00, one taxable, with 11.94 of the channel's tax as an override. */
function documentBody(seeded: Seeded, extra: Record<string, unknown> = {}) {
  const line = (taxCode: string) => ({
    Amount: 199,
    DetailType: 'SalesItemLineDetail',
    SalesItemLineDetail: {
      ItemRef: { value: seeded.itemId },
      Qty: 1,
      UnitPrice: 199,
      TaxCodeRef: { value: taxCode },
    },
  });

  return {
    CustomerRef: { value: seeded.customerId },
    Line: [line('TAX'), line('NON')],
    TxnTaxDetail: { TotalTax: 11.94 },
    ...extra,
  };
}

describe('QBO sales documents', () => {
  let app: NestExpressApplication;
  let api: Client;
  let realmId: string;
  let seeded: Seeded;

  beforeAll(async () => {
    app = await startSandbox();
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    realmId = freshRealmId();
    api = qboClient(app, await connect(app, realmId));
    const accounts = await api.query('SELECT * FROM Account').expect(200);
    const byName = (name: string) =>
      accounts.body.QueryResponse.Account.find((account: { Name: string }) => account.Name === name)
        .Id;
    const item = await api
      .post('/item', {
        Name: 'IPOD2008BLACK',
        Type: 'NonInventory',
        IncomeAccountRef: { value: byName('Sales of Product Income') },
      })
      .expect(200);
    const customer = await api.post('/customer', { DisplayName: 'Bob Norman' }).expect(200);
    const other = await api.post('/customer', { DisplayName: 'Ann Other' }).expect(200);

    seeded = {
      customerId: customer.body.Customer.Id,
      otherCustomerId: other.body.Customer.Id,
      itemId: item.body.Item.Id,
      checkingId: byName('Checking'),
    };
  });

  describe('Invoice', () => {
    it('opens with the whole total as balance', async () => {
      const response = await api
        .post('/invoice', documentBody(seeded, { DocNumber: '1001', TxnDate: '2025-07-02' }))
        .expect(200);
      const invoice = response.body.Invoice;

      expect(invoice.TotalAmt).toBe(409.94);
      expect(invoice.Balance).toBe(409.94);
      expect(invoice.DueDate).toBe('2025-07-02');
      expect(invoice.DepositToAccountRef).toBeUndefined();
    });

    it('requires a customer', async () => {
      const response = await api
        .post('/invoice', documentBody(seeded, { CustomerRef: undefined }))
        .expect(400);

      expect(firstError(response.body)).toMatchObject({ code: '2020', element: 'CustomerRef' });
    });

    it('rejects a duplicate number when the company warns', async () => {
      await request(app.getHttpServer())
        .patch(`/__sandbox/realms/${realmId}/settings`)
        .send({ warnDuplicateDocNumber: true })
        .expect(200);
      await api.post('/invoice', documentBody(seeded, { DocNumber: '1001' })).expect(200);
      const response = await api
        .post('/invoice', documentBody(seeded, { DocNumber: '1001' }))
        .expect(400);

      expect(firstError(response.body).code).toBe('6140');
    });

    it('rejects a customer in another currency', async () => {
      await request(app.getHttpServer())
        .patch(`/__sandbox/realms/${realmId}/settings`)
        .send({ multiCurrencyEnabled: true })
        .expect(200);
      const response = await api
        .post('/invoice', documentBody(seeded, { CurrencyRef: { value: 'EUR' } }))
        .expect(400);

      expect(firstError(response.body)).toMatchObject({ code: '6000', element: 'CurrencyRef' });
    });
  });

  describe('Payment', () => {
    async function openInvoice(): Promise<{ Id: string; SyncToken: string }> {
      return (await api.post('/invoice', documentBody(seeded)).expect(200)).body.Invoice;
    }

    function paymentBody(invoiceId: string, amount: number, total = amount) {
      return {
        CustomerRef: { value: seeded.customerId },
        TotalAmt: total,
        PaymentRefNum: 'ch_1',
        Line: [{ Amount: amount, LinkedTxn: [{ TxnId: invoiceId, TxnType: 'Invoice' }] }],
      };
    }

    it('lowers the invoice balance', async () => {
      const invoice = await openInvoice();

      await api.post('/payment', paymentBody(invoice.Id, 400)).expect(200);
      const read = await api.get(`/invoice/${invoice.Id}`).expect(200);

      expect(read.body.Invoice.Balance).toBe(9.94);
      expect(Number(read.body.Invoice.SyncToken)).toBe(Number(invoice.SyncToken) + 1);
    });

    it('closes the invoice with a second tender', async () => {
      const invoice = await openInvoice();

      await api.post('/payment', paymentBody(invoice.Id, 400)).expect(200);
      await api.post('/payment', paymentBody(invoice.Id, 9.94)).expect(200);
      const read = await api.get(`/invoice/${invoice.Id}`).expect(200);

      expect(read.body.Invoice.Balance).toBe(0);
    });

    it('keeps the rest unapplied', async () => {
      const invoice = await openInvoice();
      const response = await api.post('/payment', paymentBody(invoice.Id, 100, 150)).expect(200);

      expect(response.body.Payment.UnappliedAmt).toBe(50);
    });

    it('rejects paying more than the balance', async () => {
      const invoice = await openInvoice();
      const response = await api.post('/payment', paymentBody(invoice.Id, 500)).expect(400);

      expect(firstError(response.body).code).toBe('6000');
    });

    it('rejects another customer', async () => {
      const invoice = await openInvoice();
      const body = {
        ...paymentBody(invoice.Id, 100),
        CustomerRef: { value: seeded.otherCustomerId },
      };
      const response = await api.post('/payment', body).expect(400);

      expect(firstError(response.body).code).toBe('6000');
    });

    it('rejects a missing invoice', async () => {
      const response = await api.post('/payment', paymentBody('99999', 100)).expect(400);

      expect(firstError(response.body).code).toBe('2500');
    });
  });

  describe('Estimate', () => {
    it('starts pending', async () => {
      const response = await api.post('/estimate', documentBody(seeded)).expect(200);

      expect(response.body.Estimate.TxnStatus).toBe('Pending');
      expect(response.body.Estimate.TotalAmt).toBe(409.94);
    });
  });

  describe('CreditMemo', () => {
    it('leaves the whole total as credit', async () => {
      const response = await api.post('/creditmemo', documentBody(seeded)).expect(200);

      expect(response.body.CreditMemo.RemainingCredit).toBe(409.94);
      expect(response.body.CreditMemo.Balance).toBe(409.94);
    });
  });

  describe('RefundReceipt', () => {
    it('pays out of the deposit account', async () => {
      const response = await api
        .post(
          '/refundreceipt',
          documentBody(seeded, { DepositToAccountRef: { value: seeded.checkingId } }),
        )
        .expect(200);

      expect(response.body.RefundReceipt.TotalAmt).toBe(409.94);
      expect(response.body.RefundReceipt.DepositToAccountRef.value).toBe(seeded.checkingId);
      expect(response.body.RefundReceipt.Balance).toBe(0);
    });

    it('requires a deposit account', async () => {
      const response = await api.post('/refundreceipt', documentBody(seeded)).expect(400);

      expect(firstError(response.body)).toMatchObject({
        code: '2020',
        element: 'DepositToAccountRef',
      });
    });

    it('is found by query', async () => {
      await api
        .post(
          '/refundreceipt',
          documentBody(seeded, {
            DocNumber: '1001-1',
            DepositToAccountRef: { value: seeded.checkingId },
          }),
        )
        .expect(200);
      const response = await api
        .query("SELECT * FROM RefundReceipt WHERE DocNumber = '1001-1'")
        .expect(200);

      expect(response.body.QueryResponse.RefundReceipt).toHaveLength(1);
    });
  });
});
