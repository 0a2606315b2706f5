import { Schema } from 'mongoose';

/** A Shopify shop connected to an account. Secrets are stored encrypted (see SecretBox). */
export interface ShopifyConnectionDocument {
  accountId: string;
  connectionId: string;
  shopDomain: string;
  encryptedWebhookSecret: string;
  encryptedAccessToken?: string;
  updatedAt: Date;
}

export const SHOPIFY_CONNECTION_MODEL = 'ShopifyConnection';

export const shopifyConnectionSchema = new Schema<ShopifyConnectionDocument>(
  {
    accountId: { type: String, required: true },
    connectionId: { type: String, required: true },
    shopDomain: { type: String, required: true },
    encryptedWebhookSecret: { type: String, required: true },
    encryptedAccessToken: { type: String },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'shopify_connections', versionKey: false },
);
shopifyConnectionSchema.index({ shopDomain: 1 }, { unique: true });
shopifyConnectionSchema.index({ connectionId: 1 }, { unique: true });
