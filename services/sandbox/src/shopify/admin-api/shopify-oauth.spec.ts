import { type NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';

import { startSandbox } from '../../../test/support/sandbox-harness';
import { signShopifyQuery } from './shopify-app.store';

const CLIENT_ID = 'shopify-app-client-id';
const CLIENT_SECRET = 'shopify-app-client-secret';
const CALLBACK = 'http://127.0.0.1:3999/oauth/shopify/callback';
const SCOPES = 'read_orders,read_products,read_inventory,write_inventory';

describe('sandbox Shopify OAuth install', () => {
  let app: NestExpressApplication;
  let shopNumber = 0;

  beforeAll(async () => {
    app = await startSandbox();
    await request(app.getHttpServer())
      .post('/__sandbox/shopify/apps')
      .send({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })
      .expect(201);
  });

  afterAll(async () => {
    await app.close();
  });

  async function createShop(scopes?: string[]): Promise<string> {
    shopNumber += 1;
    const shopDomain = `oauth-shop-${shopNumber}.myshopify.com`;

    await request(app.getHttpServer())
      .post('/__sandbox/shopify/shops')
      .send({ shopDomain, accessToken: `pasted-${shopNumber}`, seed: false, scopes })
      .expect(201);

    return shopDomain;
  }

  async function authorize(shopDomain: string, scope = SCOPES): Promise<URLSearchParams> {
    const response = await request(app.getHttpServer())
      .get(`/${shopDomain}/admin/oauth/authorize`)
      .query({ client_id: CLIENT_ID, scope, redirect_uri: CALLBACK, state: 'nonce-1' })
      .expect(302);
    const location = new URL(response.headers.location as string);

    expect(`${location.origin}${location.pathname}`).toBe(CALLBACK);

    return location.searchParams;
  }

  async function install(shopDomain: string): Promise<{ access_token: string; scope: string }> {
    const redirect = await authorize(shopDomain);
    const response = await request(app.getHttpServer())
      .post(`/${shopDomain}/admin/oauth/access_token`)
      .send({ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, code: redirect.get('code') })
      .expect(200);

    return response.body as { access_token: string; scope: string };
  }

  it('authorize redirects with a valid hmac', async () => {
    const shopDomain = await createShop();
    const redirect = await authorize(shopDomain);
    const parameters = Object.fromEntries(redirect.entries());

    expect(parameters.shop).toBe(shopDomain);
    expect(parameters.state).toBe('nonce-1');
    expect(parameters.code).toMatch(/^[0-9a-f]{32}$/);
    expect(parameters.timestamp).toMatch(/^\d+$/);
    expect(parameters.hmac).toBe(signShopifyQuery(parameters, CLIENT_SECRET));
    expect(parameters.hmac).not.toBe(signShopifyQuery(parameters, 'another-secret'));
  });

  it('authorize rejects an unknown client id', async () => {
    const shopDomain = await createShop();
    const response = await request(app.getHttpServer())
      .get(`/${shopDomain}/admin/oauth/authorize`)
      .query({ client_id: 'unknown', scope: SCOPES, redirect_uri: CALLBACK, state: 's' })
      .expect(400);

    expect(response.body.error).toBe('invalid_request');
  });

  it('access token works once per code', async () => {
    const shopDomain = await createShop();
    const redirect = await authorize(shopDomain);
    const exchange = {
      client_id: CLIENT_ID,
      client_secret: CLIENT_SECRET,
      code: redirect.get('code'),
    };
    const first = await request(app.getHttpServer())
      .post(`/${shopDomain}/admin/oauth/access_token`)
      .send(exchange)
      .expect(200);

    expect(first.body.access_token).toMatch(/^shpat_/);
    // Shopify leaves out read scopes implied by a granted write scope.
    expect(first.body.scope).toBe('read_orders,read_products,write_inventory');

    const again = await request(app.getHttpServer())
      .post(`/${shopDomain}/admin/oauth/access_token`)
      .send(exchange)
      .expect(400);

    expect(again.body.error_description).toMatch(/not found or was already used/);

    const shop = await request(app.getHttpServer())
      .get('/admin/api/2026-07/shop.json')
      .set('X-Shopify-Access-Token', first.body.access_token as string)
      .expect(200);

    expect(shop.body.shop.myshopify_domain).toBe(shopDomain);
    await request(app.getHttpServer())
      .get('/admin/api/2026-07/shop.json')
      .set('X-Shopify-Access-Token', `pasted-${shopNumber}`)
      .expect(401);
  });

  it('access token rejects a wrong secret', async () => {
    const shopDomain = await createShop();
    const redirect = await authorize(shopDomain);
    const response = await request(app.getHttpServer())
      .post(`/${shopDomain}/admin/oauth/access_token`)
      .send({ client_id: CLIENT_ID, client_secret: 'wrong-secret', code: redirect.get('code') })
      .expect(400);

    expect(response.body.error).toBe('invalid_client');
  });

  it('grants only the scopes the shop allows', async () => {
    const shopDomain = await createShop(['read_orders', 'read_inventory']);
    const token = await install(shopDomain);

    expect(token.scope).toBe('read_orders,read_inventory');
  });

  it('webhooks.json creates, lists and deletes', async () => {
    const shopDomain = await createShop();
    const { access_token: token } = await install(shopDomain);
    const api = (method: 'get' | 'post' | 'delete', path: string): request.Test =>
      request(app.getHttpServer())
        [method](`/admin/api/2026-07/${path}`)
        .set('X-Shopify-Access-Token', token);
    const address = 'http://127.0.0.1:3001/webhooks/shopify';
    const created = await api('post', 'webhooks.json')
      .send({ webhook: { topic: 'orders/create', address, format: 'json' } })
      .expect(201);

    expect(created.body.webhook).toMatchObject({ topic: 'orders/create', address });

    const duplicate = await api('post', 'webhooks.json')
      .send({ webhook: { topic: 'orders/create', address, format: 'json' } })
      .expect(422);

    expect(duplicate.body.errors.address).toEqual(['for this topic has already been taken']);

    const badTopic = await api('post', 'webhooks.json')
      .send({ webhook: { topic: 'orders/teleported', address } })
      .expect(422);

    expect(badTopic.body.errors.topic).toEqual(['Invalid topic specified.']);
    await api('post', 'webhooks.json')
      .send({ webhook: { topic: 'orders/updated', address: 'https://example.com/hook' } })
      .expect(422);

    const listed = await api('get', 'webhooks.json').expect(200);

    expect(listed.body.webhooks).toHaveLength(1);
    await api('delete', `webhooks/${String(created.body.webhook.id)}.json`).expect(200);
    await api('delete', `webhooks/${String(created.body.webhook.id)}.json`).expect(404);

    const empty = await api('get', 'webhooks.json').expect(200);

    expect(empty.body.webhooks).toEqual([]);
  });

  it('uninstall revokes the token', async () => {
    const shopDomain = await createShop();
    const { access_token: token } = await install(shopDomain);
    const response = await request(app.getHttpServer())
      .post(`/__sandbox/shopify/shops/${shopDomain}/uninstall`)
      .expect(200);

    expect(response.body.deliveries).toEqual([]);
    await request(app.getHttpServer())
      .get('/admin/api/2026-07/shop.json')
      .set('X-Shopify-Access-Token', token)
      .expect(401);
  });
});
