import { type NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import {
  basicAuth,
  connect,
  freshRealmId,
  qboClient,
  startSandbox,
} from '../../test/support/sandbox-harness';

describe('sandbox admin faults', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    app = await startSandbox();
  });

  afterAll(async () => {
    await app.close();
  });

  afterEach(async () => {
    await request(app.getHttpServer()).delete('/__sandbox/faults').expect(200);
  });

  it('injects a stale SyncToken fault', async () => {
    const realmId = freshRealmId();
    const api = qboClient(app, await connect(app, realmId));

    await request(app.getHttpServer())
      .post('/__sandbox/faults')
      .send({ realmId, match: { entity: 'Customer' }, status: 400, code: '5010' })
      .expect(201);
    const response = await api.post('/customer', { DisplayName: 'Stale' }).expect(400);

    expect(response.body.Fault.Error[0]).toMatchObject({
      code: '5010',
      Message: 'Stale Object Error',
      element: 'SyncToken',
    });
  });

  describe('realm revoke', () => {
    it('turns the next refresh into invalid_grant', async () => {
      const realmId = freshRealmId();
      const connection = await connect(app, realmId);

      await request(app.getHttpServer()).post(`/__sandbox/realms/${realmId}/revoke`).expect(200);
      const response = await request(app.getHttpServer())
        .post('/oauth2/v1/tokens/bearer')
        .set('Authorization', basicAuth())
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: connection.refreshToken })
        .expect(400);

      expect(response.body.error).toBe('invalid_grant');
    });

    it('rejects the access token with 401', async () => {
      const realmId = freshRealmId();
      const api = qboClient(app, await connect(app, realmId));

      await request(app.getHttpServer()).post(`/__sandbox/realms/${realmId}/revoke`).expect(200);
      await api.get('/preferences').expect(401);
    });

    it('reports how many grants were revoked', async () => {
      const realmId = freshRealmId();

      await connect(app, realmId);
      await connect(app, realmId);
      const response = await request(app.getHttpServer())
        .post(`/__sandbox/realms/${realmId}/revoke`)
        .expect(200);

      expect(response.body).toEqual({ realmId, revokedGrants: 2 });
    });
  });

  it('rejects an unknown limits preset', async () => {
    const response = await request(app.getHttpServer())
      .put('/__sandbox/limits')
      .send({ preset: 'unlimited' })
      .expect(400);

    expect(response.body.message).toContain('preset');
  });
});
