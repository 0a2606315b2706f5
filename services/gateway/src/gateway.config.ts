import { baseConfigSchema, databaseConfigSchema } from '@qbsync/platform';
import { z } from 'zod';

export const gatewayConfigSchema = baseConfigSchema.extend(databaseConfigSchema.shape).extend({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Bearer token that every `/api` request must carry. */
  GATEWAY_API_TOKEN: z.string().min(16, 'must be at least 16 characters (openssl rand -hex 24)'),
  /** URL at which users and QuickBooks reach the gateway, used in the OAuth redirect URI. */
  PUBLIC_URL: z.url().default('http://127.0.0.1:3000'),
  QBO_CLIENT_ID: z.string().min(1),
  QBO_AUTHORIZE_URL: z.url().default('https://appcenter.intuit.com/connect/oauth2'),
  /** Milliseconds to wait for another service's reply to a request. */
  RPC_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Days sync events are kept before the purge job deletes them. */
  SYNC_LOG_RETENTION_DAYS: z.coerce.number().int().positive().default(7),
  /** The Shopify app's client id. Without it the Shopify install routes are off. */
  SHOPIFY_CLIENT_ID: z.string().trim().min(1).optional(),
  /** The Shopify app's client secret: checks the install callback and uninstall webhooks. */
  SHOPIFY_CLIENT_SECRET: z.string().min(8, 'must be the app client secret').optional(),
  /** A shop's origin with `{shop}` for its domain. Tests point it at the sandbox. */
  SHOPIFY_SHOP_URL: z
    .string()
    .default('https://{shop}')
    .refine(
      (value) => value.includes('{shop}') && URL.canParse(value.replace('{shop}', 'shop')),
      'must be a URL containing {shop}, such as https://{shop}',
    ),
  /** The address of Shopify's order webhooks, PUBLIC_URL/webhooks/shopify when unset. */
  SHOPIFY_WEBHOOK_URL: z.url({ protocol: /^https?$/ }).optional(),
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
