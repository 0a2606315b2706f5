import { type NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import {
  connect,
  freshRealmId,
  qboClient,
  startSandbox,
} from '../../../test/support/sandbox-harness';

describe('sandbox change data capture', () => {
  let app: NestExpressApplication;
  let api: ReturnType<typeof qboClient>;

  beforeAll(async () => {
    app = await startSandbox();
  });

  afterAll(async () => {
    await app.close();
    await request(app.getHttpServer()).delete('/__sandbox/clock');
  });

  beforeEach(async () => {
    api = qboClient(app, await connect(app, freshRealmId()));
  });

  function cdc(entities: string, changedSince: string) {
    return api.get(`/cdc?entities=${entities}&changedSince=${encodeURIComponent(changedSince)}`);
  }

  it('returns objects changed since the instant', async () => {
    const since = new Date().toISOString();
    const created = await api.post('/customer', { DisplayName: 'Changed Customer' }).expect(200);
    const response = await cdc('Customer,Item', since).expect(200);
    const [customers, items] = response.body.CDCResponse[0].QueryResponse;

    expect(customers.Customer.map((customer: { Id: string }) => customer.Id)).toEqual([
      created.body.Customer.Id,
    ]);
    expect(items).toEqual({});
  });

  it('leaves out objects changed before the instant', async () => {
    await api.post('/customer', { DisplayName: 'Old Customer' }).expect(200);
    await request(app.getHttpServer())
      .post('/__sandbox/clock')
      .send({ advanceSeconds: 5 })
      .expect(200);
    const response = await cdc('Customer', new Date(Date.now() + 3000).toISOString()).expect(200);

    await request(app.getHttpServer()).delete('/__sandbox/clock').expect(200);
    expect(response.body.CDCResponse[0].QueryResponse[0]).toEqual({});
  });

  it('reports a deleted object as a Deleted stub', async () => {
    const since = new Date().toISOString();
    const customer = await api.post('/customer', { DisplayName: 'Receipt Buyer' }).expect(200);
    const income = await api
      .query("select * from Account where Name = 'Sales of Product Income'")
      .expect(200);
    const item = await api
      .post('/item', {
        Name: 'Gift Wrap',
        Type: 'NonInventory',
        IncomeAccountRef: { value: income.body.QueryResponse.Account[0].Id },
      })
      .expect(200);
    const receipt = await api
      .post('/salesreceipt', {
        CustomerRef: { value: customer.body.Customer.Id },
        Line: [
          {
            Amount: 10,
            DetailType: 'SalesItemLineDetail',
            SalesItemLineDetail: { ItemRef: { value: item.body.Item.Id }, Qty: 1, UnitPrice: 10 },
          },
        ],
      })
      .expect(200);
    const { Id, SyncToken } = receipt.body.SalesReceipt;

    await api.post('/salesreceipt?operation=delete', { Id, SyncToken }).expect(200);
    const response = await cdc('SalesReceipt', since).expect(200);

    expect(response.body.CDCResponse[0].QueryResponse[0].SalesReceipt).toEqual([
      expect.objectContaining({ Id, status: 'Deleted' }),
    ]);
  });

  it('rejects a missing changedSince', async () => {
    const response = await api.get('/cdc?entities=Customer').expect(400);

    expect(response.body.Fault.Error[0].element).toBe('changedSince');
  });

  it('rejects a changedSince older than 30 days', async () => {
    const response = await cdc(
      'Customer',
      new Date(Date.now() - 31 * 86_400_000).toISOString(),
    ).expect(400);

    expect(response.body.Fault.Error[0].Detail).toContain('30 days');
  });

  it('rejects an unknown entity', async () => {
    const response = await cdc('Spaceship', new Date().toISOString()).expect(400);

    expect(response.body.Fault.Error[0].code).toBe('4001');
  });
});
