import { type NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import {
  authorize,
  basicAuth,
  connect,
  freshRealmId,
  qboClient,
  REDIRECT_URI,
  startSandbox,
} from './support/sandbox-harness';

describe('QBO OAuth 2.0 stand-in', () => {
  let app: NestExpressApplication;

  beforeAll(async () => {
    app = await startSandbox();
  });

  afterAll(async () => {
    await app.close();
  });

  afterEach(async () => {
    await request(app.getHttpServer()).delete('/__sandbox/clock').expect(200);
  });

  function tokenRequest(body: Record<string, string>, authorization = basicAuth()) {
    return request(app.getHttpServer())
      .post('/oauth2/v1/tokens/bearer')
      .set('Authorization', authorization)
      .type('form')
      .send(body);
  }

  function advanceClock(seconds: number) {
    return request(app.getHttpServer())
      .post('/__sandbox/clock')
      .send({ advanceSeconds: seconds })
      .expect(200);
  }

  describe('authorize', () => {
    it('redirects with code, state and the default realm', async () => {
      const redirect = await authorize(app);

      expect(redirect.get('code')).toMatch(/^[\w-]{20,}$/);
      expect(redirect.get('state')).toBe('state-1');
      expect(redirect.get('realmId')).toBe('9341453908');
    });

    it('connects the requested realm', async () => {
      const realmId = freshRealmId();
      const redirect = await authorize(app, { realmId });

      expect(redirect.get('realmId')).toBe(realmId);
    });

    it('rejects an unknown client without redirecting', async () => {
      const response = await request(app.getHttpServer())
        .get('/oauth2/authorize')
        .query({
          client_id: 'other',
          redirect_uri: REDIRECT_URI,
          response_type: 'code',
          state: 's',
        })
        .expect(400);

      expect(response.body.error).toBe('invalid_client');
    });

    it('redirects invalid_scope for a missing accounting scope', async () => {
      const response = await request(app.getHttpServer())
        .get('/oauth2/authorize')
        .query({
          client_id: 'test-client-id',
          redirect_uri: REDIRECT_URI,
          response_type: 'code',
          scope: 'openid',
          state: 's',
        })
        .expect(302);
      const redirect = new URL(response.headers.location).searchParams;

      expect(redirect.get('error')).toBe('invalid_scope');
      expect(redirect.get('state')).toBe('s');
      expect(redirect.get('code')).toBeNull();
    });

    it('redirects unsupported_response_type', async () => {
      const response = await request(app.getHttpServer())
        .get('/oauth2/authorize')
        .query({
          client_id: 'test-client-id',
          redirect_uri: REDIRECT_URI,
          response_type: 'token',
          state: 's',
        })
        .expect(302);

      expect(new URL(response.headers.location).searchParams.get('error')).toBe(
        'unsupported_response_type',
      );
    });
  });

  describe('authorization code grant', () => {
    it('returns bearer tokens with Intuit lifetimes', async () => {
      const redirect = await authorize(app);
      const response = await tokenRequest({
        grant_type: 'authorization_code',
        code: String(redirect.get('code')),
        redirect_uri: REDIRECT_URI,
      }).expect(200);

      expect(response.body).toEqual({
        token_type: 'bearer',
        access_token: expect.any(String),
        refresh_token: expect.any(String),
        expires_in: 3600,
        x_refresh_token_expires_in: 8726400,
      });
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('accepts a code only once', async () => {
      const redirect = await authorize(app);
      const body = {
        grant_type: 'authorization_code',
        code: String(redirect.get('code')),
        redirect_uri: REDIRECT_URI,
      };

      await tokenRequest(body).expect(200);
      const second = await tokenRequest(body).expect(400);

      expect(second.body.error).toBe('invalid_grant');
    });

    it('rejects a code after ten minutes', async () => {
      const redirect = await authorize(app);

      await advanceClock(601);
      const response = await tokenRequest({
        grant_type: 'authorization_code',
        code: String(redirect.get('code')),
        redirect_uri: REDIRECT_URI,
      }).expect(400);

      expect(response.body.error).toBe('invalid_grant');
    });

    it('rejects a different redirect_uri', async () => {
      const redirect = await authorize(app);
      const response = await tokenRequest({
        grant_type: 'authorization_code',
        code: String(redirect.get('code')),
        redirect_uri: 'http://127.0.0.1:3999/other',
      }).expect(400);

      expect(response.body.error).toBe('invalid_grant');
    });

    it('rejects a bad client secret with 401', async () => {
      const response = await tokenRequest(
        { grant_type: 'refresh_token', refresh_token: 'x' },
        basicAuth('test-client-id', 'wrong'),
      ).expect(401);

      expect(response.body.error).toBe('invalid_client');
    });

    it('rejects a missing client authentication with 401', async () => {
      const response = await request(app.getHttpServer())
        .post('/oauth2/v1/tokens/bearer')
        .type('form')
        .send({ grant_type: 'refresh_token', refresh_token: 'x' })
        .expect(401);

      expect(response.body.error).toBe('invalid_client');
    });

    it('rejects an unknown grant_type', async () => {
      const response = await tokenRequest({ grant_type: 'password' }).expect(400);

      expect(response.body.error).toBe('unsupported_grant_type');
    });
  });

  describe('refresh token grant', () => {
    it('rotates the refresh token', async () => {
      const connection = await connect(app, freshRealmId());
      const first = await tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: connection.refreshToken,
      }).expect(200);

      expect(first.body.refresh_token).not.toBe(connection.refreshToken);
      expect(first.body.access_token).not.toBe(connection.accessToken);

      const next = await tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: first.body.refresh_token,
      }).expect(200);

      expect(next.body.refresh_token).not.toBe(first.body.refresh_token);
    });

    it('accepts the previous token during the grace period', async () => {
      const connection = await connect(app, freshRealmId());
      const first = await tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: connection.refreshToken,
      }).expect(200);
      const repeated = await tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: connection.refreshToken,
      }).expect(200);

      expect(repeated.body.refresh_token).toBe(first.body.refresh_token);
      expect(repeated.body.access_token).not.toBe(first.body.access_token);
    });

    it('rejects the previous token after the grace period', async () => {
      const connection = await connect(app, freshRealmId());
      const first = await tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: connection.refreshToken,
      }).expect(200);

      await advanceClock(61);
      const stale = await tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: connection.refreshToken,
      }).expect(400);

      expect(stale.body.error).toBe('invalid_grant');
      await tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: first.body.refresh_token,
      }).expect(200);
    });

    it('rejects an unknown refresh token', async () => {
      const response = await tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: 'not-a-token',
      }).expect(400);

      expect(response.body).toEqual({
        error: 'invalid_grant',
        error_description: expect.any(String),
      });
    });
  });

  describe('access tokens', () => {
    it('expire after one hour', async () => {
      const connection = await connect(app, freshRealmId());
      const api = qboClient(app, connection);

      await api.get('/preferences').expect(200);
      await advanceClock(3601);
      const response = await api.get('/preferences').expect(401);

      expect(response.body.fault.error[0].detail).toBe('Token expired');
    });

    it('work only for their realm', async () => {
      const connection = await connect(app, freshRealmId());
      const api = qboClient(app, { ...connection, realmId: freshRealmId() });
      const response = await api.get('/preferences').expect(401);

      expect(response.body.fault.error[0].code).toBe('3200');
    });

    it('stop working after revoke', async () => {
      const connection = await connect(app, freshRealmId());

      await request(app.getHttpServer())
        .post('/oauth2/v1/tokens/revoke')
        .set('Authorization', basicAuth())
        .send({ token: connection.refreshToken })
        .expect(200);

      await qboClient(app, connection).get('/preferences').expect(401);
      const refresh = await tokenRequest({
        grant_type: 'refresh_token',
        refresh_token: connection.refreshToken,
      }).expect(400);

      expect(refresh.body.error).toBe('invalid_grant');
    });
  });
});
