import { type NestExpressApplication } from '@nestjs/platform-express';

import { connect, freshRealmId, qboClient, startSandbox } from './support/sandbox-harness';

function firstError(body: { Fault: { Error: { code: string; element: string }[] } }) {
  return body.Fault.Error[0];
}

describe('QBO name lists', () => {
  let app: NestExpressApplication;
  let api: ReturnType<typeof qboClient>;

  beforeAll(async () => {
    app = await startSandbox();
  });

  afterAll(async () => {
    await app.close();
  });

  beforeEach(async () => {
    api = qboClient(app, await connect(app, freshRealmId()));
  });

  it('creates a class', async () => {
    const response = await api.post('/class', { Name: 'Retail' }).expect(200);

    expect(response.body.Class).toMatchObject({
      Name: 'Retail',
      FullyQualifiedName: 'Retail',
      SubClass: false,
      Active: true,
    });
  });

  it('names a child class after its parent', async () => {
    const parent = await api.post('/class', { Name: 'Stores' }).expect(200);
    const child = await api
      .post('/class', { Name: 'East', ParentRef: { value: parent.body.Class.Id } })
      .expect(200);

    expect(child.body.Class).toMatchObject({ FullyQualifiedName: 'Stores:East', SubClass: true });
  });

  it('finds a child class by its full name', async () => {
    const parent = await api.post('/class', { Name: 'Web' }).expect(200);

    await api
      .post('/class', { Name: 'EU', ParentRef: { value: parent.body.Class.Id } })
      .expect(200);
    const response = await api
      .query("SELECT * FROM Class WHERE FullyQualifiedName = 'Web:EU'")
      .expect(200);

    expect(response.body.QueryResponse.Class).toHaveLength(1);
  });

  it('rejects a duplicate location name', async () => {
    await api.post('/department', { Name: 'Dock' }).expect(200);
    const response = await api.post('/department', { Name: ' dock ' }).expect(400);

    expect(firstError(response.body).code).toBe('6240');
  });

  it('creates a payment method', async () => {
    const response = await api.post('/paymentmethod', { Name: 'PayPal' }).expect(200);

    expect(response.body.PaymentMethod).toMatchObject({ Name: 'PayPal', Type: 'NON_CREDIT_CARD' });
  });

  it('rejects an unknown payment method type', async () => {
    const response = await api
      .post('/paymentmethod', { Name: 'Crypto', Type: 'COINS' })
      .expect(400);

    expect(firstError(response.body).element).toBe('Type');
  });

  it('creates a term with its due days', async () => {
    const response = await api.post('/term', { Name: 'Net 45', DueDays: 45 }).expect(200);

    expect(response.body.Term).toMatchObject({ Name: 'Net 45', DueDays: 45, Type: 'STANDARD' });
  });
});
