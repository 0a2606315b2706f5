import { type NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import {
  connect,
  freshRealmId,
  qboClient,
  startSandbox,
} from '../../../test/support/sandbox-harness';

describe('sandbox batch endpoint', () => {
  let app: NestExpressApplication;
  let api: ReturnType<typeof qboClient>;
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

  afterEach(async () => {
    await request(app.getHttpServer()).delete('/__sandbox/faults').expect(200);
  });

  function customerCreate(bId: string, displayName: string) {
    return { bId, operation: 'create', Customer: { DisplayName: displayName } };
  }

  it('creates each item under its bId', async () => {
    const response = await api
      .post('/batch', {
        BatchItemRequest: [customerCreate('a', 'Ada Lovelace'), customerCreate('b', 'Alan Turing')],
      })
      .expect(200);
    const items = response.body.BatchItemResponse;

    expect(items.map((item: { bId: string }) => item.bId)).toEqual(['a', 'b']);
    expect(items[0].Customer.DisplayName).toBe('Ada Lovelace');
    expect(items[1].Customer.DisplayName).toBe('Alan Turing');
  });

  it('answers a failing item with its own fault', async () => {
    await api.post('/customer', { DisplayName: 'Grace Hopper' }).expect(200);
    const response = await api
      .post('/batch', {
        BatchItemRequest: [customerCreate('dup', 'Grace Hopper'), customerCreate('ok', 'Edsger')],
      })
      .expect(200);
    const [duplicate, created] = response.body.BatchItemResponse;

    expect(duplicate.Fault.Error[0].code).toBe('6240');
    expect(created.Customer.DisplayName).toBe('Edsger');
  });

  it('runs query items', async () => {
    const response = await api
      .post('/batch', {
        BatchItemRequest: [{ bId: 'q', Query: "select * from Term where Name = 'Net 30'" }],
      })
      .expect(200);

    expect(response.body.BatchItemResponse[0].QueryResponse.Term[0].DueDays).toBe(30);
  });

  it('rejects more than 30 items', async () => {
    const items = Array.from({ length: 31 }, (_, index) =>
      customerCreate(`c${index}`, `C ${index}`),
    );
    const response = await api.post('/batch', { BatchItemRequest: items }).expect(400);

    expect(response.body.Fault.Error[0].element).toBe('BatchItemRequest');
    expect((await api.query('select count(*) from Customer')).body.QueryResponse.totalCount).toBe(
      0,
    );
  });

  it('rejects a repeated bId', async () => {
    const response = await api
      .post('/batch', {
        BatchItemRequest: [customerCreate('x', 'One'), customerCreate('x', 'Two')],
      })
      .expect(400);

    expect(response.body.Fault.Error[0].element).toBe('bId');
  });

  it('fails one item through an injected BATCH fault', async () => {
    await request(app.getHttpServer())
      .post('/__sandbox/faults')
      .send({
        realmId,
        match: { method: 'BATCH', entity: 'Customer' },
        status: 400,
        code: '6000',
        count: 1,
      })
      .expect(201);
    const response = await api
      .post('/batch', {
        BatchItemRequest: [customerCreate('1', 'First'), customerCreate('2', 'Second')],
      })
      .expect(200);
    const [failed, created] = response.body.BatchItemResponse;

    expect(failed.Fault.Error[0].code).toBe('6000');
    expect(created.Customer.DisplayName).toBe('Second');
  });

  it('replays a batch for a repeated requestid', async () => {
    const body = { BatchItemRequest: [customerCreate('1', 'Replayed Customer')] };
    const server = app.getHttpServer();
    const path = `/v3/company/${realmId}/batch?requestid=batch-1`;
    const first = await request(server)
      .post(path)
      .set('Authorization', api.authorization)
      .send(body);
    const second = await request(server)
      .post(path)
      .set('Authorization', api.authorization)
      .send(body);

    expect(second.body.BatchItemResponse[0].Customer.Id).toBe(
      first.body.BatchItemResponse[0].Customer.Id,
    );
    expect((await api.query('select count(*) from Customer')).body.QueryResponse.totalCount).toBe(
      1,
    );
  });
});
