import { type NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import {
  connect,
  freshRealmId,
  qboClient,
  startSandbox,
} from '../../../test/support/sandbox-harness';

describe('sandbox rate limits', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    app = await startSandbox();
  });

  afterAll(async () => {
    await app.close();
  });

  afterEach(async () => {
    await request(app.getHttpServer())
      .put('/__sandbox/limits')
      .send({ preset: 'none' })
      .expect(200);
    await request(app.getHttpServer()).delete('/__sandbox/faults').expect(200);
  });

  async function connectedRealm() {
    const realmId = freshRealmId();

    return { realmId, api: qboClient(app, await connect(app, realmId)) };
  }

  function setLimits(body: Record<string, unknown>) {
    return request(app.getHttpServer()).put('/__sandbox/limits').send(body).expect(200);
  }

  it('applies Intuit limits by default preset', async () => {
    const response = await setLimits({});

    expect(response.body).toEqual({
      requestsPerMinute: 500,
      requestsPerSecond: 10,
      concurrentRequests: 10,
      batchesPerMinute: 40,
    });
  });

  it('throttles the eleventh request within a second', async () => {
    await setLimits({ preset: 'intuit' });
    const { api } = await connectedRealm();
    const statuses: number[] = [];

    for (let index = 0; index < 11; index += 1) {
      statuses.push((await api.get('/preferences')).status);
    }

    expect(statuses.slice(0, 10).every((status) => status === 200)).toBe(true);
    expect(statuses[10]).toBe(429);
  });

  it('throttles past the per-minute limit', async () => {
    await setLimits({ preset: 'none', requestsPerMinute: 3 });
    const { api } = await connectedRealm();

    await api.get('/preferences').expect(200);
    await api.get('/preferences').expect(200);
    await api.get('/preferences').expect(200);
    await api.get('/preferences').expect(429);
  });

  it('alternates XML and JSON throttle faults', async () => {
    await setLimits({ preset: 'none', requestsPerMinute: 1 });
    const { api } = await connectedRealm();

    await api.get('/preferences').expect(200);
    const first = await api.get('/preferences').expect(429);
    const second = await api.get('/preferences').expect(429);

    expect(first.headers['content-type']).toMatch(/xml/);
    expect(first.text).toContain('errorCode=003001');
    expect(second.headers['content-type']).toMatch(/json/);
    expect(second.body.Fault.Error[0].code).toBe('3001');
    expect(second.body.Fault.Error[0].Message).toContain('errorCode=003001');
  });

  it('limits concurrent requests of one realm', async () => {
    await setLimits({ preset: 'none', concurrentRequests: 2 });
    const { api, realmId } = await connectedRealm();

    await request(app.getHttpServer())
      .post('/__sandbox/faults')
      .send({ realmId, match: { entity: 'query' }, status: 500, count: 2, delayMs: 1500 })
      .expect(201);
    // A supertest request starts when it is awaited, so `then` sends both now.
    const slow = [
      api.query('select * from Customer').then((response) => response.status),
      api.query('select * from Customer').then((response) => response.status),
    ];

    await new Promise((resolve) => setTimeout(resolve, 300));
    const third = await api.get('/preferences');

    await Promise.all(slow);
    expect(third.status).toBe(429);
    await api.get('/preferences').expect(200);
  });

  it('limits batch calls per minute', async () => {
    await setLimits({ preset: 'none', batchesPerMinute: 1 });
    const { api } = await connectedRealm();
    const batch = { BatchItemRequest: [{ bId: '1', Query: 'select * from Term' }] };

    await api.post('/batch', batch).expect(200);
    await api.post('/batch', batch).expect(429);
    await api.get('/preferences').expect(200);
  });

  it('counts throttled calls in the statistics', async () => {
    await setLimits({ preset: 'none', requestsPerMinute: 1 });
    const { api, realmId } = await connectedRealm();

    await api.get('/preferences').expect(200);
    await api.get('/preferences').expect(429);
    const stats = await request(app.getHttpServer())
      .get(`/__sandbox/realms/${realmId}/stats`)
      .expect(200);

    expect(stats.body.throttledRequests).toBe(1);
  });
});
