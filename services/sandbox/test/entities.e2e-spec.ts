import { type NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { connect, freshRealmId, qboClient, startSandbox } from './support/sandbox-harness';

type Client = ReturnType<typeof qboClient>;

function firstError(body: {
  Fault: { Error: { code: string; Message: string; Detail: string; element: string }[] };
}) {
  return body.Fault.Error[0];
}

describe('QBO entities', () => {
  let app: NestExpressApplication;
  let api: Client;
  let realmId: string;

  beforeAll(async () => {
    app = await startSandbox();
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    realmId = freshRealmId();
    api = qboClient(app, await connect(app, realmId));
  });

  async function accountId(name: string): Promise<string> {
    const response = await api.query(`SELECT * FROM Account WHERE Name = '${name}'`).expect(200);

    return response.body.QueryResponse.Account[0].Id;
  }

  describe('authentication', () => {
    it('answers 401 without a token', async () => {
      const response = await request(app.getHttpServer())
        .get(`/v3/company/${realmId}/customer/1`)
        .expect(401);

      expect(response.body.fault.type).toBe('AUTHENTICATION');
      expect(response.body.fault.error[0]).toEqual({
        message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
        detail: expect.any(String),
        code: '3200',
        element: null,
      });
      expect(response.headers['www-authenticate']).toContain('Bearer');
    });

    it('answers 401 for an unknown token', async () => {
      const response = await request(app.getHttpServer())
        .post(`/v3/company/${realmId}/customer`)
        .set('Authorization', 'Bearer nope')
        .send({ DisplayName: 'X' })
        .expect(401);

      expect(response.body.fault.error[0].code).toBe('3200');
    });
  });

  describe('Customer', () => {
    it('creates with server fields', async () => {
      const response = await api
        .post('/customer?minorversion=75', { DisplayName: 'Bob Buyer' })
        .expect(200);
      const customer = response.body.Customer;

      expect(customer).toMatchObject({
        DisplayName: 'Bob Buyer',
        FullyQualifiedName: 'Bob Buyer',
        Active: true,
        Balance: 0,
        SyncToken: '0',
        domain: 'QBO',
        sparse: false,
        CurrencyRef: { value: 'USD', name: 'United States Dollar' },
      });
      expect(customer.Id).toMatch(/^\d+$/);
      expect(customer.MetaData.CreateTime).toMatch(
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/,
      );
      expect(response.body.time).toEqual(expect.any(String));
    });

    it('builds DisplayName from name parts', async () => {
      const response = await api
        .post('/customer', { GivenName: 'Ada', FamilyName: 'Lovelace' })
        .expect(200);

      expect(response.body.Customer.DisplayName).toBe('Ada Lovelace');
    });

    it('rejects a duplicate DisplayName with 6240', async () => {
      await api.post('/customer', { DisplayName: 'Bob Buyer' }).expect(200);
      const response = await api.post('/customer', { DisplayName: 'bob buyer ' }).expect(400);
      const error = firstError(response.body);

      expect(response.body.Fault.type).toBe('ValidationFault');
      expect(error.code).toBe('6240');
      expect(error.Message).toBe('Duplicate Name Exists Error');
      expect(error.Detail).toBe(
        'The name supplied already exists. : Another customer, vendor or employee is already using this name. ' +
          'Please use a different name.',
      );
    });

    it('rejects a customer without any name with 6080', async () => {
      const response = await api.post('/customer', { CompanyName: 'Acme' }).expect(400);

      expect(firstError(response.body).code).toBe('6080');
    });

    it('rejects a DisplayName over 500 characters with 2050', async () => {
      const response = await api.post('/customer', { DisplayName: 'x'.repeat(501) }).expect(400);

      expect(firstError(response.body)).toMatchObject({ code: '2050', element: 'DisplayName' });
    });

    it('rejects an unknown property with 2010', async () => {
      const response = await api.post('/customer', { DisplayName: 'A', Nickname: 'B' }).expect(400);
      const error = firstError(response.body);

      expect(error.code).toBe('2010');
      expect(error.Message).toBe('Request has invalid or unsupported property');
      expect(error.Detail).toContain('"Nickname"');
      expect(error.element).toBe('Nickname');
    });

    it('rejects an unknown nested property with 2010', async () => {
      const response = await api
        .post('/customer', { DisplayName: 'A', BillAddr: { Street: 'x' } })
        .expect(400);

      expect(firstError(response.body)).toMatchObject({ code: '2010', element: 'BillAddr.Street' });
    });

    it('rejects malformed JSON with a fault', async () => {
      const response = await request(app.getHttpServer())
        .post(`/v3/company/${realmId}/customer`)
        .set('Authorization', api.authorization)
        .set('Content-Type', 'application/json')
        .send('{"DisplayName":')
        .expect(400);

      expect(firstError(response.body).code).toBe('2010');
    });

    it('reads by Id', async () => {
      const created = await api.post('/customer', { DisplayName: 'Reader' }).expect(200);
      const read = await api.get(`/customer/${created.body.Customer.Id}`).expect(200);

      expect(read.body.Customer).toEqual(created.body.Customer);
    });

    it('answers 610 for a missing Id', async () => {
      const response = await api.get('/customer/999999').expect(400);

      expect(firstError(response.body)).toMatchObject({ code: '610', Message: 'Object Not Found' });
    });

    it('applies a sparse update and increments SyncToken', async () => {
      const created = (
        await api.post('/customer', { DisplayName: 'Before', GivenName: 'Kept' }).expect(200)
      ).body.Customer;
      const updated = await api
        .post('/customer', { Id: created.Id, SyncToken: '0', sparse: true, DisplayName: 'After' })
        .expect(200);

      expect(updated.body.Customer).toMatchObject({
        Id: created.Id,
        SyncToken: '1',
        DisplayName: 'After',
        GivenName: 'Kept',
      });
      expect(updated.body.Customer.MetaData.CreateTime).toBe(created.MetaData.CreateTime);
    });

    it('clears omitted fields on a full update', async () => {
      const created = (
        await api.post('/customer', { DisplayName: 'Full', GivenName: 'Gone' }).expect(200)
      ).body.Customer;
      const updated = await api
        .post('/customer', { Id: created.Id, SyncToken: '0', DisplayName: 'Full' })
        .expect(200);

      expect(updated.body.Customer.GivenName).toBeUndefined();
    });

    it('rejects a stale SyncToken with 5010', async () => {
      const created = (await api.post('/customer', { DisplayName: 'Stale' }).expect(200)).body
        .Customer;

      await api
        .post('/customer', { Id: created.Id, SyncToken: '0', sparse: true, Notes: 'one' })
        .expect(200);
      const response = await api
        .post('/customer', { Id: created.Id, SyncToken: '0', sparse: true, Notes: 'two' })
        .expect(400);

      expect(firstError(response.body)).toMatchObject({
        code: '5010',
        Message: 'Stale Object Error',
      });
    });

    it('keeps a renamed customer unique', async () => {
      await api.post('/customer', { DisplayName: 'Taken' }).expect(200);
      const other = (await api.post('/customer', { DisplayName: 'Other' }).expect(200)).body
        .Customer;
      const response = await api
        .post('/customer', { Id: other.Id, SyncToken: '0', sparse: true, DisplayName: 'Taken' })
        .expect(400);

      expect(firstError(response.body).code).toBe('6240');
    });
  });

  describe('Item', () => {
    it('creates a service item with its income account name', async () => {
      const incomeId = await accountId('Sales of Product Income');
      const response = await api
        .post('/item', {
          Name: 'IPod Nano - 8gb',
          Type: 'Service',
          IncomeAccountRef: { value: incomeId },
          UnitPrice: 199,
        })
        .expect(200);

      expect(response.body.Item).toMatchObject({
        Name: 'IPod Nano - 8gb',
        Type: 'Service',
        UnitPrice: 199,
        TrackQtyOnHand: false,
        IncomeAccountRef: { value: incomeId, name: 'Sales of Product Income' },
      });
    });

    it('rejects a duplicate Name with 6240', async () => {
      const incomeId = await accountId('Services');

      await api
        .post('/item', {
          Name: 'Gift wrap',
          Type: 'Service',
          IncomeAccountRef: { value: incomeId },
        })
        .expect(200);
      const response = await api
        .post('/item', {
          Name: 'GIFT WRAP',
          Type: 'Service',
          IncomeAccountRef: { value: incomeId },
        })
        .expect(400);

      expect(firstError(response.body).code).toBe('6240');
    });

    it('requires Name and Type with 2020', async () => {
      const noName = await api.post('/item', { Type: 'Service' }).expect(400);
      const noType = await api.post('/item', { Name: 'Thing' }).expect(400);

      expect(firstError(noName.body)).toMatchObject({
        code: '2020',
        Message: 'Required param missing, need to supply the required value for the API',
        Detail: 'Required parameter Name is missing in the request',
      });
      expect(firstError(noType.body)).toMatchObject({ code: '2020', element: 'Type' });
    });

    it('requires the inventory fields for Inventory', async () => {
      const incomeId = await accountId('Sales of Product Income');
      const response = await api
        .post('/item', { Name: 'Widget', Type: 'Inventory', IncomeAccountRef: { value: incomeId } })
        .expect(400);

      expect(firstError(response.body)).toMatchObject({
        code: '2020',
        element: 'ExpenseAccountRef',
      });
    });

    it('creates an Inventory item', async () => {
      const response = await api
        .post('/item', {
          Name: 'Widget',
          Type: 'Inventory',
          IncomeAccountRef: { value: await accountId('Sales of Product Income') },
          ExpenseAccountRef: { value: await accountId('Cost of Goods Sold') },
          AssetAccountRef: { value: await accountId('Inventory Asset') },
          QtyOnHand: 10,
          InvStartDate: '2026-01-01',
        })
        .expect(200);

      expect(response.body.Item).toMatchObject({ TrackQtyOnHand: true, QtyOnHand: 10 });
    });

    it('rejects an unknown account reference with 2500', async () => {
      const response = await api
        .post('/item', { Name: 'Bad ref', Type: 'Service', IncomeAccountRef: { value: '424242' } })
        .expect(400);

      expect(firstError(response.body)).toMatchObject({
        code: '2500',
        Message: 'Invalid Reference Id',
        element: 'IncomeAccountRef',
      });
    });

    it('rejects a Name over 100 characters', async () => {
      const response = await api
        .post('/item', { Name: 'n'.repeat(101), Type: 'Service' })
        .expect(400);

      expect(firstError(response.body).code).toBe('2050');
    });

    it('rejects an invalid Type with 2170', async () => {
      const response = await api.post('/item', { Name: 'Odd', Type: 'Gadget' }).expect(400);

      expect(firstError(response.body).code).toBe('2170');
    });
  });

  describe('Account', () => {
    it('creates an account and derives its classification', async () => {
      const response = await api
        .post('/account', { Name: 'Shopify Clearing', AccountType: 'Bank' })
        .expect(200);

      expect(response.body.Account).toMatchObject({
        Classification: 'Asset',
        AccountType: 'Bank',
        Active: true,
      });
    });

    it('requires AccountType or AccountSubType with 6010', async () => {
      const response = await api.post('/account', { Name: 'Untyped' }).expect(400);

      expect(firstError(response.body).code).toBe('6010');
    });
  });

  describe('seeded company', () => {
    it('returns CompanyInfo at the realm id', async () => {
      const response = await api.get(`/companyinfo/${realmId}`).expect(200);

      expect(response.body.CompanyInfo).toMatchObject({
        CompanyName: 'Sandbox Company_US_1',
        Country: 'US',
      });
    });

    it('returns Preferences without an Id', async () => {
      const response = await api.get('/preferences').expect(200);

      expect(response.body.Preferences.CurrencyPrefs).toEqual({
        MultiCurrencyEnabled: false,
        HomeCurrency: { value: 'USD' },
      });
    });

    it('has the TAX and NON codes and a state tax', async () => {
      const response = await api.query('SELECT * FROM TaxCode').expect(200);
      const names = response.body.QueryResponse.TaxCode.map((code: { Name: string }) => code.Name);

      expect(names).toEqual(expect.arrayContaining(['TAX', 'NON', 'State Tax']));
    });

    it('rejects writes to read-only entities', async () => {
      const response = await api.post('/taxcode', { Name: 'New' }).expect(400);

      expect(firstError(response.body)).toMatchObject({
        code: '500',
        Message: 'Unsupported Operation',
      });
    });

    it('rejects an unknown entity path', async () => {
      const response = await api.post('/purchaseorder', {}).expect(400);

      expect(firstError(response.body).code).toBe('500');
    });
  });
});
