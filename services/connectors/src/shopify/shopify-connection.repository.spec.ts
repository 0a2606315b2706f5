import { randomBytes, randomUUID } from 'node:crypto';

import { loadConfig } from '@qbsync/platform';
import { withInfrastructure } from '@qbsync/testing';
import { type Connection } from 'mongoose';

import { ensureIndexes, openTestDatabase } from '../../test/database';
import { type ConnectorsConfig, connectorsConfigSchema } from '../connectors.config';
import {
  type ShopifyConnection,
  ShopifyConnectionRepository,
} from './shopify-connection.repository';

function buildConnection(overrides: Partial<ShopifyConnection> = {}): ShopifyConnection {
  const id = randomUUID();

  return {
    accountId: `account-${id}`,
    connectionId: `connection-${id}`,
    shopDomain: `shop-${id}.myshopify.com`,
    webhookSecret: `whsec-${randomBytes(16).toString('hex')}`,
    accessToken: `shpat_${randomBytes(16).toString('hex')}`,
    ...overrides,
  };
}

describe(ShopifyConnectionRepository.name, () => {
  const infra = withInfrastructure();
  let database: Connection;
  let config: ConnectorsConfig;
  let sut: ShopifyConnectionRepository;

  beforeAll(async () => {
    database = await openTestDatabase(infra.mongoUri);
    config = loadConfig(connectorsConfigSchema, {
      NATS_URL: infra.natsUrl,
      MONGODB_URI: infra.mongoUri,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    sut = new ShopifyConnectionRepository(database, config);
    await ensureIndexes(database);
  });

  afterAll(async () => {
    await database.close();
  });

  async function readStoredDocument(shopDomain: string): Promise<Record<string, unknown>> {
    const document = await database.collection('shopify_connections').findOne({ shopDomain });

    return document as Record<string, unknown>;
  }

  describe('upsert', () => {
    it('stores the webhook secret encrypted', async () => {
      const connection = buildConnection();

      await sut.upsert(connection);

      expect(JSON.stringify(await readStoredDocument(connection.shopDomain))).not.toContain(
        connection.webhookSecret,
      );
    });

    it('stores the access token encrypted', async () => {
      const connection = buildConnection();

      await sut.upsert(connection);

      expect(JSON.stringify(await readStoredDocument(connection.shopDomain))).not.toContain(
        connection.accessToken,
      );
    });

    it('stores secrets in the v1 sealed format', async () => {
      const connection = buildConnection();

      await sut.upsert(connection);

      expect(await readStoredDocument(connection.shopDomain)).toMatchObject({
        encryptedWebhookSecret: expect.stringMatching(/^v1\./),
        encryptedAccessToken: expect.stringMatching(/^v1\./),
      });
    });

    it('stores no plaintext secret fields', async () => {
      const connection = buildConnection();

      await sut.upsert(connection);

      const stored = await readStoredDocument(connection.shopDomain);

      expect(stored).not.toHaveProperty('webhookSecret');
      expect(stored).not.toHaveProperty('accessToken');
    });

    it('stores no access token field without a token', async () => {
      const connection = buildConnection({ accessToken: undefined });

      await sut.upsert(connection);

      expect(await readStoredDocument(connection.shopDomain)).not.toHaveProperty(
        'encryptedAccessToken',
      );
    });

    it('keeps one document per shop', async () => {
      const connection = buildConnection();

      await sut.upsert(connection);
      await sut.upsert({ ...connection, webhookSecret: 'whsec-rotated' });

      expect(
        await database
          .collection('shopify_connections')
          .countDocuments({ shopDomain: connection.shopDomain }),
      ).toBe(1);
    });
  });

  describe('findByShopDomain', () => {
    it('returns the decrypted connection', async () => {
      const connection = buildConnection();

      await sut.upsert(connection);

      expect(await sut.findByShopDomain(connection.shopDomain)).toEqual(connection);
    });

    it('returns null for an unknown shop', async () => {
      expect(await sut.findByShopDomain('unknown-shop.myshopify.com')).toBeNull();
    });

    it('returns a rotated secret after upsert', async () => {
      const connection = buildConnection();

      await sut.upsert(connection);
      await sut.findByShopDomain(connection.shopDomain);
      await sut.upsert({ ...connection, webhookSecret: 'whsec-rotated' });

      expect((await sut.findByShopDomain(connection.shopDomain))!.webhookSecret).toBe(
        'whsec-rotated',
      );
    });

    it('reuses its copy of a secret rotated by another replica', async () => {
      const connection = buildConnection();
      const otherReplica = new ShopifyConnectionRepository(database, config);

      await sut.upsert(connection);
      await sut.findByShopDomain(connection.shopDomain);
      await otherReplica.upsert({ ...connection, webhookSecret: 'whsec-rotated' });

      expect((await sut.findByShopDomain(connection.shopDomain))!.webhookSecret).toBe(
        connection.webhookSecret,
      );
    });

    it('re-reads a rotated secret when asked for a fresh copy', async () => {
      const connection = buildConnection();
      const otherReplica = new ShopifyConnectionRepository(database, config);

      await sut.upsert(connection);
      await sut.findByShopDomain(connection.shopDomain);
      await otherReplica.upsert({ ...connection, webhookSecret: 'whsec-rotated' });

      expect((await sut.findByShopDomain(connection.shopDomain, true))!.webhookSecret).toBe(
        'whsec-rotated',
      );
    });

    it('keeps the fresh copy for later reads', async () => {
      const connection = buildConnection();
      const otherReplica = new ShopifyConnectionRepository(database, config);

      await sut.upsert(connection);
      await sut.findByShopDomain(connection.shopDomain);
      await otherReplica.upsert({ ...connection, webhookSecret: 'whsec-rotated' });
      await sut.findByShopDomain(connection.shopDomain, true);

      expect((await sut.findByShopDomain(connection.shopDomain))!.webhookSecret).toBe(
        'whsec-rotated',
      );
    });

    it('finds a shop another replica connected after a fresh read', async () => {
      const connection = buildConnection();
      const otherReplica = new ShopifyConnectionRepository(database, config);

      await sut.findByShopDomain(connection.shopDomain);
      await otherReplica.upsert(connection);

      expect(await sut.findByShopDomain(connection.shopDomain, true)).toEqual(connection);
    });

    it('rejects secrets sealed with another key', async () => {
      const connection = buildConnection();
      const otherKey = new ShopifyConnectionRepository(database, {
        ...config,
        ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      });

      await sut.upsert(connection);

      await expect(otherKey.findByShopDomain(connection.shopDomain)).rejects.toThrow();
    });
  });
});
