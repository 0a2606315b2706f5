import { createHmac, randomBytes } from 'node:crypto';

import { type Order, Subjects } from '@qbsync/contracts';
import { freePort, withInfrastructure } from '@qbsync/testing';
import mongoose from 'mongoose';

import {
  type ConnectorsHarness,
  createTestAccount,
  gatewayCall,
  sandboxCall,
  startConnectorsHarness,
  waitForMessages,
} from './connectors-harness';

const CLIENT_ID = 'e2e-shopify-app';
const CLIENT_SECRET = `e2e-shopify-secret-${randomBytes(8).toString('hex')}`;
/** A published sample order that every seeded sandbox shop contains. */
const SAMPLE_ORDER_ID = 450789469;

interface InstallResult {
  connectionId: string;
  status: string;
  shopDomain: string;
  scopes: string[];
  test: { ok: boolean };
  webhooks: { id: string; topic: string; address: string }[];
  webhookErrors: { topic: string; message: string }[];
}

interface ConnectionRow {
  connectionId: string;
  kind: string;
  status: string;
  shopDomain?: string;
}

function newShopDomain(): string {
  return `install-${randomBytes(4).toString('hex')}.myshopify.com`;
}

/** Signs a callback query as Shopify does, for tests that change a parameter Shopify signed. */
function signQuery(parameters: URLSearchParams): string {
  const entries = [...parameters.entries()]
    .filter(([name]) => name !== 'hmac')
    .sort(([left], [right]) => left.localeCompare(right));

  return createHmac('sha256', CLIENT_SECRET)
    .update(new URLSearchParams(entries).toString().replace(/\+/g, '%20'))
    .digest('hex');
}

describe('Shopify app install', () => {
  const infra = withInfrastructure();
  let harness: ConnectorsHarness;
  let accountId: string;
  let connectorsPort: number;

  beforeAll(async () => {
    connectorsPort = await freePort();
    harness = await startConnectorsHarness(infra, {
      channel: 'shopify',
      env: { HTTP_PORT: String(connectorsPort) },
      gatewayEnv: (sandboxUrl) => ({
        SHOPIFY_CLIENT_ID: CLIENT_ID,
        SHOPIFY_CLIENT_SECRET: CLIENT_SECRET,
        SHOPIFY_SHOP_URL: `${sandboxUrl}/{shop}`,
        SHOPIFY_WEBHOOK_URL: `http://127.0.0.1:${connectorsPort}/webhooks/shopify`,
      }),
    });
    await sandboxCall(harness, 'POST', '/__sandbox/shopify/apps', {
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
    });
    accountId = await createTestAccount(harness, 'Shopify install e2e');
  }, 180_000);

  afterAll(async () => {
    await harness?.stop();
  }, 60_000);

  async function createShop(shopDomain: string, scopes?: string[]): Promise<void> {
    await sandboxCall(harness, 'POST', '/__sandbox/shopify/shops', {
      shopDomain,
      accessToken: `unused-${randomBytes(8).toString('hex')}`,
      ...(scopes ? { scopes } : {}),
    });
  }

  /** Starts the install and follows the sandbox's authorize redirect to the callback URL. */
  async function authorize(
    shopDomain: string,
    options: Record<string, unknown> = { backfillDays: 0 },
  ): Promise<URL> {
    const started = await gatewayCall<{ authorizeUrl: string }>(
      harness,
      'POST',
      `/api/accounts/${accountId}/connections/shopify/install`,
      { shop: shopDomain, ...options },
    );

    expect(started.status).toBe(201);
    const redirect = await fetch(started.body.authorizeUrl, { redirect: 'manual' });

    expect(redirect.status).toBe(302);

    return new URL(redirect.headers.get('location') ?? '');
  }

  async function callback<T>(
    url: URL,
    accept = 'application/json',
  ): Promise<{ status: number; body: T; contentType: string }> {
    const response = await fetch(url, { headers: { Accept: accept } });
    const text = await response.text();
    const contentType = response.headers.get('content-type') ?? '';

    return {
      status: response.status,
      body: (contentType.includes('json') ? JSON.parse(text) : text) as T,
      contentType,
    };
  }

  async function listConnections(): Promise<ConnectionRow[]> {
    const reply = await gatewayCall<ConnectionRow[]>(
      harness,
      'GET',
      `/api/accounts/${accountId}/connections`,
    );

    return reply.body;
  }

  async function storedShopConnections(shopDomain: string): Promise<Record<string, unknown>[]> {
    const url = new URL(infra.mongoUri);

    url.pathname = '/qbsync-connectors';
    const database = await mongoose.createConnection(url.toString()).asPromise();

    try {
      return await database
        .collection('channel_connections')
        .find({ 'publicCredentials.shopDomain': shopDomain })
        .toArray();
    } finally {
      await database.close();
    }
  }

  async function expectNothingCreated(shopDomain: string): Promise<void> {
    const connections = await listConnections();

    expect(connections.filter((row) => row.shopDomain === shopDomain)).toEqual([]);
    expect(await storedShopConnections(shopDomain)).toEqual([]);
  }

  describe('successful install', () => {
    const shopDomain = newShopDomain();
    let callbackUrl: URL;
    let installed: InstallResult;

    beforeAll(async () => {
      await createShop(shopDomain);
      callbackUrl = await authorize(shopDomain, {
        backfillDays: 0,
        settings: { pollIntervalMinutes: 17 },
      });
      const result = await callback<InstallResult>(callbackUrl);

      if (result.status !== 200) {
        throw new Error(`callback returned ${result.status}: ${JSON.stringify(result.body)}`);
      }

      installed = result.body;
    }, 120_000);

    it('connects the shop', () => {
      expect(installed.status).toBe('connected');
      expect(installed.shopDomain).toBe(shopDomain);
      expect(installed.test.ok).toBe(true);
    });

    it('registers the webhooks', () => {
      expect(installed.webhookErrors).toEqual([]);
      expect(installed.webhooks.map((webhook) => webhook.topic).sort()).toEqual([
        'app/uninstalled',
        'orders/cancelled',
        'orders/create',
        'orders/updated',
        'refunds/create',
      ]);
      expect(installed.webhooks.find((webhook) => webhook.topic === 'orders/create')?.address).toBe(
        `http://127.0.0.1:${connectorsPort}/webhooks/shopify`,
      );
      expect(
        installed.webhooks.find((webhook) => webhook.topic === 'app/uninstalled')?.address,
      ).toBe(`${harness.gatewayUrl}/oauth/shopify/app-uninstalled`);
    });

    it('lists the connection as connected', async () => {
      const row = (await listConnections()).find(
        (candidate) => candidate.connectionId === installed.connectionId,
      );

      expect(row).toMatchObject({ kind: 'shopify', status: 'connected', shopDomain });
    });

    it('stores the token encrypted', async () => {
      const [stored] = await storedShopConnections(shopDomain);

      expect(stored).toBeDefined();
      expect(stored.publicCredentials).toEqual({ shopDomain });
      expect(JSON.stringify(stored)).not.toContain('shpat_');
      expect(JSON.stringify(stored)).not.toContain(CLIENT_SECRET);
    });

    it('accepts the first webhook', async () => {
      const delivered = await sandboxCall<{ deliveries: { status: number; body: string }[] }>(
        harness,
        'POST',
        `/__sandbox/shopify/shops/${shopDomain}/webhooks/deliver`,
        { topic: 'orders/create', orderId: SAMPLE_ORDER_ID },
      );

      expect(delivered.deliveries).toHaveLength(1);
      expect(delivered.deliveries[0].status).toBe(200);

      const messages = await waitForMessages<Order>(
        harness,
        Subjects.OrderReceived,
        installed.connectionId,
        1,
      );

      expect(messages[0].payload.channelOrderId).toBe(String(SAMPLE_ORDER_ID));
    });

    it('rejects the reused state', async () => {
      const result = await callback<{ message: string }>(callbackUrl);

      expect(result.status).toBe(400);
      expect(result.body.message).toMatch(/^state is unknown, already used or expired/);
    });

    it('moves webhooks to a new address', async () => {
      const moved = `${harness.gatewayUrl}/moved/webhooks/shopify`;
      const request = async (address: string): Promise<{ webhooks: { address: string }[] }> => {
        const reply = await harness.nats.request(
          'connectors.shopify.webhooks-register.1',
          JSON.stringify({ accountId, connectionId: installed.connectionId, address }),
          { timeout: 30_000 },
        );

        return (JSON.parse(reply.string()) as { value: { webhooks: { address: string }[] } }).value;
      };
      const registered = await request(moved);

      expect(registered.webhooks.map((webhook) => webhook.address)).toEqual([
        moved,
        moved,
        moved,
        moved,
      ]);

      const delivered = await sandboxCall<{ deliveries: { address: string; status: number }[] }>(
        harness,
        'POST',
        `/__sandbox/shopify/shops/${shopDomain}/webhooks/deliver`,
        { topic: 'orders/updated', orderId: SAMPLE_ORDER_ID },
      );

      expect(delivered.deliveries.map((delivery) => delivery.address)).toEqual([moved]);
      await request(`http://127.0.0.1:${connectorsPort}/webhooks/shopify`);
    });

    it('installs again into the same connection', async () => {
      const [before] = await storedShopConnections(shopDomain);
      const result = await callback<string>(await authorize(shopDomain, {}), 'text/html');

      expect(result.status).toBe(200);
      expect(result.contentType).toContain('text/html');
      expect(result.body).toContain('is connected');
      expect(result.body).toContain(installed.connectionId);

      const stored = await storedShopConnections(shopDomain);

      expect(stored).toHaveLength(1);
      expect(stored[0]._id).toBe(installed.connectionId);
      // The new token replaced the old one, and the settings sent at the first install stayed.
      expect(stored[0].sealedSecrets).not.toBe(before.sealedSecrets);
      expect((stored[0].settings as { pollIntervalMinutes: number }).pollIntervalMinutes).toBe(17);
    });
  });

  describe('rejected callbacks', () => {
    it('rejects a wrong hmac', async () => {
      const shopDomain = newShopDomain();

      await createShop(shopDomain);
      const url = await authorize(shopDomain);
      const hmac = url.searchParams.get('hmac') ?? '';

      url.searchParams.set('hmac', `${hmac[0] === 'a' ? 'b' : 'a'}${hmac.slice(1)}`);
      const result = await callback<{ message: string }>(url);

      expect(result.status).toBe(400);
      expect(result.body.message).toMatch(/^hmac does not match/);
      await expectNothingCreated(shopDomain);
    });

    it('rejects an expired state', async () => {
      const shopDomain = newShopDomain();

      await createShop(shopDomain);
      const url = await authorize(shopDomain);
      const gatewayDatabase = new URL(infra.mongoUri);

      gatewayDatabase.pathname = '/qbsync-gateway';
      const database = await mongoose.createConnection(gatewayDatabase.toString()).asPromise();

      try {
        const updated = await database
          .collection('shopify_install_states')
          .updateOne(
            { state: url.searchParams.get('state') },
            { $set: { expiresAt: new Date(Date.now() - 1000) } },
          );

        expect(updated.matchedCount).toBe(1);
      } finally {
        await database.close();
      }

      const result = await callback<{ message: string }>(url);

      expect(result.status).toBe(400);
      expect(result.body.message).toMatch(/^state is unknown, already used or expired/);
      await expectNothingCreated(shopDomain);
    });

    it('redirects a GET to the authorize URL', async () => {
      const shopDomain = newShopDomain();
      const response = await fetch(
        `${harness.gatewayUrl}/api/accounts/${accountId}/connections/shopify/install?shop=${shopDomain}`,
        { redirect: 'manual', headers: { Authorization: `Bearer ${harness.apiToken}` } },
      );
      const location = new URL(response.headers.get('location') ?? '');

      expect(response.status).toBe(302);
      expect(location.href).toContain(`${harness.sandboxUrl}/${shopDomain}/admin/oauth/authorize?`);
      expect(location.searchParams.get('client_id')).toBe(CLIENT_ID);
      expect(location.searchParams.get('scope')).toBe(
        'read_orders,read_products,read_inventory,write_inventory,read_shopify_payments_payouts',
      );
      expect(location.searchParams.get('redirect_uri')).toBe(
        `${harness.gatewayUrl}/oauth/shopify/callback`,
      );
      expect(location.searchParams.get('state')).toMatch(/^[\w-]{32}$/);
    });

    it('rejects a shop outside myshopify.com', async () => {
      const started = await gatewayCall<{ message: string }>(
        harness,
        'POST',
        `/api/accounts/${accountId}/connections/shopify/install`,
        { shop: 'shop.example.com' },
      );

      expect(started.status).toBe(400);
      expect(started.body.message).toContain('shop');
      expect(started.body.message).toContain('myshopify.com');
    });

    it('rejects a signed callback for another shop', async () => {
      const url = new URL(`${harness.gatewayUrl}/oauth/shopify/callback`);

      url.searchParams.set('code', 'abc');
      url.searchParams.set('shop', 'shop.example.com');
      url.searchParams.set('state', 'any');
      url.searchParams.set('timestamp', String(Math.floor(Date.now() / 1000)));
      url.searchParams.set('hmac', signQuery(url.searchParams));
      const result = await callback<{ message: string }>(url);

      expect(result.status).toBe(400);
      expect(result.body.message).toContain('shop');
      expect(result.body.message).toContain('myshopify.com');
    });

    it('reports a failed token exchange', async () => {
      const shopDomain = newShopDomain();

      await createShop(shopDomain);
      const url = await authorize(shopDomain);

      url.searchParams.set('code', randomBytes(16).toString('hex'));
      url.searchParams.set('hmac', signQuery(url.searchParams));
      const result = await callback<{ message: string }>(url);

      expect(result.status).toBe(502);
      expect(result.body.message).toContain(
        `Shopify rejected the authorization code of ${shopDomain} with HTTP 400`,
      );
      expect(result.body.message).toContain('start the install again');
      await expectNothingCreated(shopDomain);
    });

    it('reports insufficient scopes', async () => {
      const shopDomain = newShopDomain();

      await createShop(shopDomain, ['read_orders', 'read_inventory', 'write_inventory']);
      const result = await callback<{ message: string }>(await authorize(shopDomain));

      expect(result.status).toBe(403);
      expect(result.body.message).toContain(
        'qbsync also needs read_products, read_shopify_payments_payouts',
      );
      await expectNothingCreated(shopDomain);
    });
  });

  describe('disconnect', () => {
    it('marks the shop disconnected on app/uninstalled', async () => {
      const shopDomain = newShopDomain();

      await createShop(shopDomain);
      const installed = await callback<InstallResult>(await authorize(shopDomain));

      expect(installed.status).toBe(200);
      const uninstalled = await sandboxCall<{ deliveries: { status: number; body: string }[] }>(
        harness,
        'POST',
        `/__sandbox/shopify/shops/${shopDomain}/uninstall`,
      );

      expect(uninstalled.deliveries).toHaveLength(1);
      expect(uninstalled.deliveries[0].status).toBe(200);
      expect(JSON.parse(uninstalled.deliveries[0].body)).toEqual({
        status: 'disconnected',
        connectionIds: [installed.body.connectionId],
      });

      const row = (await listConnections()).find(
        (candidate) => candidate.connectionId === installed.body.connectionId,
      );

      expect(row?.status).toBe('disconnected');
      expect(await storedShopConnections(shopDomain)).toEqual([]);

      const test = await gatewayCall<{ message: string }>(
        harness,
        'POST',
        `/api/accounts/${accountId}/connections/${installed.body.connectionId}/test`,
      );

      expect(test.status).toBe(409);
      expect(test.body.message).toContain('is disconnected');
    });

    it('rejects an unsigned uninstall webhook', async () => {
      const response = await fetch(`${harness.gatewayUrl}/oauth/shopify/app-uninstalled`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Shopify-Topic': 'app/uninstalled',
          'X-Shopify-Shop-Domain': 'any.myshopify.com',
          'X-Shopify-Hmac-Sha256': createHmac('sha256', 'wrong').update('{}').digest('base64'),
        },
        body: '{}',
      });

      expect(response.status).toBe(401);
    });

    it('deletes the webhooks on disconnect', async () => {
      const shopDomain = newShopDomain();

      await createShop(shopDomain);
      const installed = await callback<InstallResult>(await authorize(shopDomain));

      expect(installed.status).toBe(200);
      const reply = await gatewayCall<{ status: string; webhooksDeleted: number }>(
        harness,
        'DELETE',
        `/api/accounts/${accountId}/connections/${installed.body.connectionId}`,
      );

      expect(reply.status).toBe(200);
      expect(reply.body.status).toBe('disconnected');
      expect(reply.body.webhooksDeleted).toBe(5);
      expect(await storedShopConnections(shopDomain)).toEqual([]);

      const delivered = await sandboxCall<{ deliveries: unknown[] }>(
        harness,
        'POST',
        `/__sandbox/shopify/shops/${shopDomain}/webhooks/deliver`,
        { topic: 'orders/create', orderId: SAMPLE_ORDER_ID },
      );

      expect(delivered.deliveries).toEqual([]);
    });
  });
});
