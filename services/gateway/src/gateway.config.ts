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
});

export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;
