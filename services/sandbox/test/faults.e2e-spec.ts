import { type NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { connect, freshRealmId, qboClient, startSandbox } from './support/sandbox-harness';

describe('sandbox fault injection and control', () => {
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

  function injectFault(rule: Record<string, unknown>) {
    return request(app.getHttpServer())
      .post('/__sandbox/faults')
      .send({ realmId, ...rule });
  }

  async function stats() {
    return (
      await request(app.getHttpServer()).get(`/__sandbox/realms/${realmId}/stats`).expect(200)
    ).body;
  }

  it('fails the next matching calls, then recovers', async () => {
    await injectFault({
      match: { method: 'POST', entity: 'Customer' },
      status: 500,
      count: 2,
    }).expect(201);
    await api.get('/preferences').expect(200);
    const first = await api.post('/customer', { DisplayName: 'A' }).expect(500);

    await api.post('/customer', { DisplayName: 'A' }).expect(500);
    await api.post('/customer', { DisplayName: 'A' }).expect(200);

    expect(first.body.Fault.type).toBe('SystemFault');
    expect(first.body.Fault.Error[0].code).toBe('10000');
    expect((await stats()).objects.Customer).toBe(1);
  });

  it('uses the given code and message', async () => {
    await injectFault({ status: 400, code: '6000', message: 'Custom failure', count: 1 }).expect(
      201,
    );
    const response = await api.get('/preferences').expect(400);

    expect(response.body.Fault.Error[0]).toMatchObject({ code: '6000', Message: 'Custom failure' });
  });

  it('answers throttling as XML with code 3001', async () => {
    await injectFault({ status: 429, count: 1 }).expect(201);
    const response = await api.get('/preferences').expect(429);

    expect(response.headers['content-type']).toContain('application/xml');
    expect(response.text).toContain('<Error code="3001">');
    expect(response.text).toContain('message=ThrottleExceeded; errorCode=003001; statusCode=429');
  });

  it('commits the write before failing with afterCommit', async () => {
    await injectFault({
      match: { entity: 'customer' },
      status: 500,
      count: 1,
      afterCommit: true,
    }).expect(201);
    const failed = await api.post('/customer?requestid=req-1', { DisplayName: 'Once' }).expect(500);
    const retried = await api
      .post('/customer?requestid=req-1', { DisplayName: 'Once' })
      .expect(200);
    const all = await api.query("SELECT * FROM Customer WHERE DisplayName = 'Once'").expect(200);

    expect(failed.body.Fault.type).toBe('SystemFault');
    expect(retried.body.Customer.DisplayName).toBe('Once');
    expect(all.body.QueryResponse.Customer).toHaveLength(1);
    expect(all.body.QueryResponse.Customer[0].Id).toBe(retried.body.Customer.Id);
  });

  it('duplicates a committed write retried without requestid', async () => {
    await injectFault({
      match: { entity: 'Customer' },
      status: 503,
      count: 1,
      afterCommit: true,
    }).expect(201);
    await api.post('/customer', { DisplayName: 'Twice' }).expect(503);
    const retried = await api.post('/customer', { DisplayName: 'Twice' }).expect(400);

    expect(retried.body.Fault.Error[0].code).toBe('6240');
  });

  it('closes the connection for a drop', async () => {
    await injectFault({
      match: { entity: 'Customer' },
      status: 500,
      count: 1,
      afterCommit: true,
      drop: true,
    }).expect(201);

    await expect(api.post('/customer', { DisplayName: 'Dropped' })).rejects.toThrow(
      /socket hang up|ECONNRESET/,
    );
    expect((await stats()).objects.Customer).toBe(1);
  });

  it('lists and clears rules', async () => {
    await injectFault({ status: 500, count: 3 }).expect(201);
    const listed = await request(app.getHttpServer()).get('/__sandbox/faults').expect(200);
    const cleared = await request(app.getHttpServer())
      .delete('/__sandbox/faults')
      .query({ realmId })
      .expect(200);

    expect(listed.body).toEqual([expect.objectContaining({ realmId, status: 500, remaining: 3 })]);
    expect(cleared.body).toEqual({ removed: 1 });
    await api.get('/preferences').expect(200);
  });

  it('rejects an invalid rule naming the field', async () => {
    const response = await injectFault({ status: 200 }).expect(400);

    expect(response.body.message).toMatch(/^Invalid request body: status:/);
  });

  it('counts requests by entity and method', async () => {
    await api.post('/customer', { DisplayName: 'Counted' }).expect(200);
    await api.get('/preferences').expect(200);
    await api.query('SELECT * FROM Customer').expect(200);
    const body = await stats();

    expect(body.requests).toEqual({
      Customer: { POST: 1 },
      Preferences: { GET: 1 },
      query: { GET: 1 },
    });
    expect(body.totalRequests).toBe(3);
  });

  it('throttles above the configured rate', async () => {
    await request(app.getHttpServer())
      .patch(`/__sandbox/realms/${realmId}/settings`)
      .send({ requestsPerMinute: 2 })
      .expect(200);
    await api.get('/preferences').expect(200);
    await api.get('/preferences').expect(200);
    await api.get('/preferences').expect(429);

    expect((await stats()).throttledRequests).toBe(1);
  });

  it('resets a realm to its seeded state', async () => {
    await api.post('/customer', { DisplayName: 'Gone after reset' }).expect(200);
    const reset = await request(app.getHttpServer())
      .post(`/__sandbox/realms/${realmId}/reset`)
      .expect(200);
    const query = await api.query('SELECT COUNT(*) FROM Customer').expect(200);

    expect(reset.body.objects.Customer).toBe(0);
    expect(query.body.QueryResponse.totalCount).toBe(0);
  });

  it('answers 404 for stats of an unknown realm', async () => {
    await request(app.getHttpServer()).get('/__sandbox/realms/1/stats').expect(404);
  });

  it('answers the health probes', async () => {
    await request(app.getHttpServer()).get('/health/live').expect(200, { status: 'ok' });
    await request(app.getHttpServer()).get('/health/ready').expect(200, { status: 'ok' });
  });
});
