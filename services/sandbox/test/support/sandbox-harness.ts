import { type NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { createSandboxApp } from '../../src/app.factory';

export const CLIENT_ID = 'test-client-id';
export const CLIENT_SECRET = 'test-client-secret';
export const REDIRECT_URI = 'http://127.0.0.1:3999/callback';

export interface Connection {
  realmId: string;
  accessToken: string;
  refreshToken: string;
}

/** Starts the sandbox in-process with test client credentials and logging off. */
export async function startSandbox(): Promise<NestExpressApplication> {
  const app = await createSandboxApp(
    { qboClientId: CLIENT_ID, qboClientSecret: CLIENT_SECRET },
    { logger: false },
  );

  await app.init();

  return app;
}

export function basicAuth(clientId = CLIENT_ID, secret = CLIENT_SECRET): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
}

/** Runs the authorization request and returns the redirect's query parameters. */
export async function authorize(
  app: NestExpressApplication,
  params: Record<string, string> = {},
): Promise<URLSearchParams> {
  const response = await request(app.getHttpServer())
    .get('/oauth2/authorize')
    .query({
      client_id: CLIENT_ID,
      redirect_uri: REDIRECT_URI,
      response_type: 'code',
      scope: 'com.intuit.quickbooks.accounting',
      state: 'state-1',
      ...params,
    })
    .expect(302);

  return new URL(response.headers.location).searchParams;
}

/** Connects a realm through the code flow and returns its tokens. */
export async function connect(app: NestExpressApplication, realmId?: string): Promise<Connection> {
  const redirect = await authorize(app, realmId ? { realmId } : {});
  const response = await request(app.getHttpServer())
    .post('/oauth2/v1/tokens/bearer')
    .set('Authorization', basicAuth())
    .type('form')
    .send({
      grant_type: 'authorization_code',
      code: redirect.get('code'),
      redirect_uri: REDIRECT_URI,
    })
    .expect(200);

  return {
    realmId: String(redirect.get('realmId')),
    accessToken: response.body.access_token,
    refreshToken: response.body.refresh_token,
  };
}

/** Returns supertest helpers for one realm's API, with the bearer token set. */
export function qboClient(app: NestExpressApplication, connection: Connection) {
  const base = `/v3/company/${connection.realmId}`;
  const auth = `Bearer ${connection.accessToken}`;
  const server = app.getHttpServer();

  return {
    authorization: auth,
    post: (path: string, body: unknown) =>
      request(server)
        .post(`${base}${path}`)
        .set('Authorization', auth)
        .send(body as object),
    get: (path: string) => request(server).get(`${base}${path}`).set('Authorization', auth),
    query: (statement: string) =>
      request(server).get(`${base}/query`).query({ query: statement }).set('Authorization', auth),
  };
}

/** A realm id unique to one test, so tests do not share companies. */
let nextRealm = 123_146_000_000_000;

export function freshRealmId(): string {
  nextRealm += 1;

  return String(nextRealm);
}
