import { type NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { connect, freshRealmId, qboClient, startSandbox } from './support/sandbox-harness';

type Client = ReturnType<typeof qboClient>;

interface Seeded {
  customerId: string;
  itemId: string;
  stateTaxCodeId: string;
}

function firstError(body: { Fault: { Error: { code: string; element: string }[] } }) {
  return body.Fault.Error[0];
}

type Line = Record<string, unknown>;

/** Shopify's sample order 450789469 as a SalesReceipt: three lines of 199.00, 10.00 off, 11.94 tax. */
function shopifySampleReceipt(seeded: Seeded, extra: Record<string, unknown> = {}) {
  const itemLine = (amount: number): Line => ({
    Amount: amount,
    DetailType: 'SalesItemLineDetail',
    Description: 'IPod Nano - 8gb',
    SalesItemLineDetail: {
      ItemRef: { value: seeded.itemId },
      Qty: 1,
      UnitPrice: amount,
      TaxCodeRef: { value: 'TAX' },
    },
  });

  return {
    DocNumber: '#1001',
    CustomerRef: { value: seeded.customerId },
    PrivateNote: 'Shopify order 450789469',
    Line: [
      itemLine(199),
      itemLine(199),
      itemLine(199),
      { Amount: 10, DetailType: 'DiscountLineDetail', DiscountLineDetail: { PercentBased: false } },
    ],
    TxnTaxDetail: { TxnTaxCodeRef: { value: seeded.stateTaxCodeId }, TotalTax: 11.94 },
    ...extra,
  };
}

describe('QBO SalesReceipt', () => {
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
    seeded = await seedCustomerAndItem(api);
  });

  async function seedCustomerAndItem(client: Client): Promise<Seeded> {
    const accounts = await client
      .query("SELECT * FROM Account WHERE Name = 'Sales of Product Income'")
      .expect(200);
    const incomeId = accounts.body.QueryResponse.Account[0].Id;
    const item = await client
      .post('/item', {
        Name: 'IPod Nano - 8gb',
        Type: 'NonInventory',
        IncomeAccountRef: { value: incomeId },
      })
      .expect(200);
    const customer = await client.post('/customer', { DisplayName: 'Bob Norman' }).expect(200);
    const codes = await client.query("SELECT * FROM TaxCode WHERE Name = 'State Tax'").expect(200);

    return {
      customerId: customer.body.Customer.Id,
      itemId: item.body.Item.Id,
      stateTaxCodeId: codes.body.QueryResponse.TaxCode[0].Id,
    };
  }

  async function stats() {
    return (
      await request(app.getHttpServer()).get(`/__sandbox/realms/${realmId}/stats`).expect(200)
    ).body;
  }

  it('computes TotalAmt 598.94 for Shopify order 450789469', async () => {
    const response = await api.post('/salesreceipt', shopifySampleReceipt(seeded)).expect(200);
    const receipt = response.body.SalesReceipt;

    expect(receipt.TotalAmt).toBe(598.94);
    expect(receipt.TxnTaxDetail.TotalTax).toBe(11.94);
    expect(receipt.Balance).toBe(0);
    expect(receipt.DocNumber).toBe('#1001');
    expect(receipt.CurrencyRef).toEqual({ value: 'USD', name: 'United States Dollar' });
    expect(receipt.CustomerRef).toEqual({ value: seeded.customerId, name: 'Bob Norman' });
    expect(receipt.DepositToAccountRef.name).toBe('Undeposited Funds');
    expect(receipt.TxnDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('returns lines with a subtotal line before the discount', async () => {
    const response = await api.post('/salesreceipt', shopifySampleReceipt(seeded)).expect(200);
    const lines = response.body.SalesReceipt.Line;

    expect(lines.map((line: { DetailType: string }) => line.DetailType)).toEqual([
      'SalesItemLineDetail',
      'SalesItemLineDetail',
      'SalesItemLineDetail',
      'SubTotalLineDetail',
      'DiscountLineDetail',
    ]);
    expect(lines[3].Amount).toBe(597);
    expect(lines[4].Amount).toBe(10);
    expect(lines[0]).toMatchObject({
      Id: '1',
      LineNum: 1,
      SalesItemLineDetail: {
        ItemRef: { value: seeded.itemId, name: 'IPod Nano - 8gb' },
        TaxCodeRef: { value: 'TAX' },
      },
    });
    expect(lines[4].DiscountLineDetail.DiscountAccountRef.name).toBe('Discounts given');
  });

  it('computes tax from the tax code without an override', async () => {
    const body = shopifySampleReceipt(seeded, {
      TxnTaxDetail: { TxnTaxCodeRef: { value: seeded.stateTaxCodeId } },
    });
    const response = await api.post('/salesreceipt', body).expect(200);
    const receipt = response.body.SalesReceipt;

    expect(receipt.TxnTaxDetail.TotalTax).toBe(35.82);
    expect(receipt.TotalAmt).toBe(622.82);
    expect(receipt.TxnTaxDetail.TaxLine[0].TaxLineDetail).toMatchObject({
      TaxPercent: 6,
      NetAmountTaxable: 597,
    });
  });

  it('keeps tax inside the total when inclusive', async () => {
    const body = shopifySampleReceipt(seeded, { GlobalTaxCalculation: 'TaxInclusive' });
    const response = await api.post('/salesreceipt', body).expect(200);

    expect(response.body.SalesReceipt.TotalAmt).toBe(587);
  });

  it('rejects a wrong line Amount with 6070', async () => {
    const body = shopifySampleReceipt(seeded);

    body.Line[0] = { ...body.Line[0], Amount: 198.99 };
    const response = await api.post('/salesreceipt', body).expect(400);

    expect(firstError(response.body)).toMatchObject({ code: '6070', element: 'Line[0].Amount' });
  });

  it('rejects an unknown ItemRef with 2500', async () => {
    const body = shopifySampleReceipt(seeded);

    body.Line[1] = {
      ...body.Line[1],
      SalesItemLineDetail: {
        ItemRef: { value: '777777' },
        Qty: 1,
        UnitPrice: 199,
        TaxCodeRef: { value: 'TAX' },
      },
    };
    const response = await api.post('/salesreceipt', body).expect(400);

    expect(firstError(response.body)).toMatchObject({
      code: '2500',
      element: 'Line[1].SalesItemLineDetail.ItemRef',
    });
  });

  it('rejects an unknown CustomerRef with 2500', async () => {
    const response = await api
      .post('/salesreceipt', shopifySampleReceipt(seeded, { CustomerRef: { value: '999999' } }))
      .expect(400);

    expect(firstError(response.body)).toMatchObject({ code: '2500', element: 'CustomerRef' });
  });

  it('rejects an inactive customer with 610', async () => {
    await api
      .post('/customer', { Id: seeded.customerId, SyncToken: '0', sparse: true, Active: false })
      .expect(200);
    const response = await api.post('/salesreceipt', shopifySampleReceipt(seeded)).expect(400);

    expect(firstError(response.body).code).toBe('610');
  });

  it('requires Line with 2020', async () => {
    const response = await api
      .post('/salesreceipt', { CustomerRef: { value: seeded.customerId } })
      .expect(400);

    expect(firstError(response.body)).toMatchObject({ code: '2020', element: 'Line' });
  });

  it('rejects a line tax code other than TAX or NON with 6100', async () => {
    const body = shopifySampleReceipt(seeded);

    body.Line[0] = {
      ...body.Line[0],
      SalesItemLineDetail: { ItemRef: { value: seeded.itemId }, TaxCodeRef: { value: 'GST' } },
    };
    const response = await api.post('/salesreceipt', body).expect(400);

    expect(firstError(response.body).code).toBe('6100');
  });

  it('rejects a DocNumber over 21 characters with 2050', async () => {
    const response = await api
      .post('/salesreceipt', shopifySampleReceipt(seeded, { DocNumber: 'D'.repeat(22) }))
      .expect(400);

    expect(firstError(response.body)).toMatchObject({ code: '2050', element: 'DocNumber' });
  });

  it('rejects a discount line without amount or percent with 6090', async () => {
    const body = shopifySampleReceipt(seeded);

    body.Line[3] = {
      DetailType: 'DiscountLineDetail',
      DiscountLineDetail: { PercentBased: false },
    } as never;
    const response = await api.post('/salesreceipt', body).expect(400);

    expect(firstError(response.body).code).toBe('6090');
  });

  it('rejects a foreign currency while multicurrency is off', async () => {
    const response = await api
      .post('/salesreceipt', shopifySampleReceipt(seeded, { CurrencyRef: { value: 'EUR' } }))
      .expect(400);

    expect(firstError(response.body)).toMatchObject({ code: '6000', element: 'CurrencyRef' });
  });

  it('accepts a foreign currency with multicurrency on', async () => {
    await request(app.getHttpServer())
      .patch(`/__sandbox/realms/${realmId}/settings`)
      .send({ multiCurrencyEnabled: true })
      .expect(200);
    // A QBO customer has one currency, so a euro receipt needs a euro customer.
    const euroCustomer = await api
      .post('/customer', { DisplayName: 'Bob Norman EUR', CurrencyRef: { value: 'EUR' } })
      .expect(200);
    const response = await api
      .post(
        '/salesreceipt',
        shopifySampleReceipt(seeded, {
          CustomerRef: { value: euroCustomer.body.Customer.Id },
          CurrencyRef: { value: 'EUR' },
          ExchangeRate: 1.1,
        }),
      )
      .expect(200);

    expect(response.body.SalesReceipt).toMatchObject({
      CurrencyRef: { value: 'EUR', name: 'Euro' },
      TotalAmt: 598.94,
      HomeTotalAmt: 658.83,
    });
  });

  describe('DocNumber duplicates', () => {
    it('are allowed by default', async () => {
      await api.post('/salesreceipt', shopifySampleReceipt(seeded)).expect(200);
      await api.post('/salesreceipt', shopifySampleReceipt(seeded)).expect(200);
    });

    it('fail with 6140 when the company warns about them', async () => {
      await request(app.getHttpServer())
        .patch(`/__sandbox/realms/${realmId}/settings`)
        .send({ warnDuplicateDocNumber: true })
        .expect(200);
      const first = await api.post('/salesreceipt', shopifySampleReceipt(seeded)).expect(200);
      const response = await api.post('/salesreceipt', shopifySampleReceipt(seeded)).expect(400);

      expect(firstError(response.body).code).toBe('6140');
      expect(response.body.Fault.Error[0].Detail).toContain(`TxnId=${first.body.SalesReceipt.Id}`);
      await api
        .post('/salesreceipt?include=allowduplicatedocnum', shopifySampleReceipt(seeded))
        .expect(200);
    });
  });

  describe('requestid', () => {
    it('replays the first response without writing again', async () => {
      const first = await api
        .post('/salesreceipt?requestid=order-450789469', shopifySampleReceipt(seeded))
        .expect(200);
      const before = await stats();
      const second = await api
        .post('/salesreceipt?requestid=order-450789469', shopifySampleReceipt(seeded))
        .expect(200);
      const after = await stats();

      expect(second.body.SalesReceipt.Id).toBe(first.body.SalesReceipt.Id);
      expect(second.text).toBe(first.text);
      expect(after.objects.SalesReceipt).toBe(1);
      expect(after.objects.SalesReceipt).toBe(before.objects.SalesReceipt);
      expect(after.replayedResponses).toBe(1);
    });

    it('replays a validation fault too', async () => {
      const body = shopifySampleReceipt(seeded, { CustomerRef: { value: '999999' } });
      const first = await api.post('/salesreceipt?requestid=bad-1', body).expect(400);
      const second = await api
        .post('/salesreceipt?requestid=bad-1', shopifySampleReceipt(seeded))
        .expect(400);

      expect(second.text).toBe(first.text);
    });

    it('is forgotten after 24 hours', async () => {
      await api.post('/salesreceipt?requestid=old', shopifySampleReceipt(seeded)).expect(200);
      await request(app.getHttpServer())
        .post('/__sandbox/clock')
        .send({ advanceSeconds: 86_401 })
        .expect(200);
      try {
        const reconnected = qboClient(app, await connect(app, realmId));

        await reconnected
          .post('/salesreceipt?requestid=old', shopifySampleReceipt(seeded))
          .expect(200);
        const after = await stats();

        expect(after.objects.SalesReceipt).toBe(2);
      } finally {
        await request(app.getHttpServer()).delete('/__sandbox/clock').expect(200);
      }
    });
  });

  it('updates with a sparse body and recomputes totals', async () => {
    const created = (await api.post('/salesreceipt', shopifySampleReceipt(seeded)).expect(200)).body
      .SalesReceipt;
    const updated = await api
      .post('/salesreceipt', {
        Id: created.Id,
        SyncToken: '0',
        sparse: true,
        TxnTaxDetail: { TotalTax: 0 },
      })
      .expect(200);

    expect(updated.body.SalesReceipt).toMatchObject({
      SyncToken: '1',
      TotalAmt: 587,
      DocNumber: '#1001',
    });
    expect(updated.body.SalesReceipt.Line).toHaveLength(5);
  });

  it('deletes with operation=delete', async () => {
    const created = (await api.post('/salesreceipt', shopifySampleReceipt(seeded)).expect(200)).body
      .SalesReceipt;
    const deleted = await api
      .post('/salesreceipt?operation=delete', { Id: created.Id, SyncToken: created.SyncToken })
      .expect(200);

    expect(deleted.body.SalesReceipt).toEqual({ domain: 'QBO', status: 'Deleted', Id: created.Id });
    await api.get(`/salesreceipt/${created.Id}`).expect(400);
  });
});
