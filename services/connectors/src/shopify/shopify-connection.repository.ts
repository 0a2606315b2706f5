import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, MONGOOSE_CONNECTION, SecretBox } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import { type ConnectorsConfig } from '../connectors.config';
import {
  SHOPIFY_CONNECTION_MODEL,
  type ShopifyConnectionDocument,
  shopifyConnectionSchema,
} from './shopify-connection.schema';

/** A connection with its secrets decrypted, kept in memory only. */
export interface ShopifyConnection {
  accountId: string;
  connectionId: string;
  shopDomain: string;
  webhookSecret: string;
  accessToken?: string;
}

const CACHE_MILLISECONDS = 30_000;

@Injectable()
export class ShopifyConnectionRepository {
  private readonly model: Model<ShopifyConnectionDocument>;
  private readonly secretBox: SecretBox;
  private readonly cache = new Map<
    string,
    { connection: ShopifyConnection | null; expiresAt: number }
  >();

  constructor(
    @Inject(MONGOOSE_CONNECTION) database: Connection,
    @Inject(APP_CONFIG) config: ConnectorsConfig,
  ) {
    this.model = database.model<ShopifyConnectionDocument>(
      SHOPIFY_CONNECTION_MODEL,
      shopifyConnectionSchema,
    );
    this.secretBox = new SecretBox(config.ENCRYPTION_KEY);
  }

  async upsert(connection: ShopifyConnection): Promise<void> {
    // A reconnect without an access token removes the old one rather than keeping a stale token.
    const accessToken = connection.accessToken
      ? { $set: { encryptedAccessToken: this.secretBox.encrypt(connection.accessToken) } }
      : { $unset: { encryptedAccessToken: 1 } };

    await this.model.updateOne(
      { shopDomain: connection.shopDomain },
      {
        $set: {
          accountId: connection.accountId,
          connectionId: connection.connectionId,
          encryptedWebhookSecret: this.secretBox.encrypt(connection.webhookSecret),
          updatedAt: new Date(),
          ...accessToken.$set,
        },
        ...('$unset' in accessToken ? { $unset: accessToken.$unset } : {}),
      },
      { upsert: true },
    );
    this.cache.delete(connection.shopDomain);
  }

  /**
   * Finds the connection for a shop domain, reusing a decrypted copy for 30 seconds so a webhook
   * burst costs one read. `fresh` skips the copy, for a signature that did not match it.
   */
  async findByShopDomain(shopDomain: string, fresh = false): Promise<ShopifyConnection | null> {
    const cached = this.cache.get(shopDomain);

    if (!fresh && cached && cached.expiresAt > Date.now()) {
      return cached.connection;
    }

    const document = await this.model
      .findOne({ shopDomain })
      .lean<ShopifyConnectionDocument>()
      .exec();
    const connection = document ? this.decrypt(document) : null;

    this.cache.set(shopDomain, { connection, expiresAt: Date.now() + CACHE_MILLISECONDS });

    return connection;
  }

  private decrypt(document: ShopifyConnectionDocument): ShopifyConnection {
    return {
      accountId: document.accountId,
      connectionId: document.connectionId,
      shopDomain: document.shopDomain,
      webhookSecret: this.secretBox.decrypt(document.encryptedWebhookSecret),
      accessToken: document.encryptedAccessToken
        ? this.secretBox.decrypt(document.encryptedAccessToken)
        : undefined,
    };
  }
}
