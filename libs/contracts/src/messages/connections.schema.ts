import { z } from 'zod';

/** Request: store the credentials the connectors service needs to receive a Shopify shop's webhooks. */
export const shopifyConnectionPutSchema = z.object({
  accountId: z.string().min(1),
  connectionId: z.string().min(1),
  shopDomain: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9-]*\.myshopify\.(com|io)$/,
      'must be a shop domain like my-shop.myshopify.com',
    ),
  /** The app's client secret, which Shopify uses to sign webhooks. */
  webhookSecret: z.string().min(8, 'must be the app client secret (at least 8 characters)'),
  accessToken: z.string().optional(),
});
export type ShopifyConnectionPut = z.infer<typeof shopifyConnectionPutSchema>;

/** Request: exchange a QuickBooks Online authorisation code for tokens. */
export const qboConnectionAuthorizeSchema = z.object({
  accountId: z.string().min(1),
  connectionId: z.string().min(1),
  code: z.string().min(1),
  realmId: z.string().regex(/^\d+$/, 'must be the numeric QuickBooks company id (realmId)'),
  redirectUri: z.url(),
  /** Action for an order line whose SKU matches no QuickBooks item: create the item, or fail the order. */
  missingItemAction: z.enum(['create', 'fail']).default('create'),
});
export type QboConnectionAuthorize = z.infer<typeof qboConnectionAuthorizeSchema>;

export const qboConnectionGetSchema = z.object({
  accountId: z.string().min(1),
});
export type QboConnectionGet = z.infer<typeof qboConnectionGetSchema>;

/** Request: disconnect an account's QuickBooks Online company (revoke tokens, keep settings). */
export const qboConnectionDisconnectSchema = z.object({
  accountId: z.string().min(1),
});
export type QboConnectionDisconnect = z.infer<typeof qboConnectionDisconnectSchema>;

/** Reply: a QuickBooks Online connection as other services may see it; tokens never leave qbo. */
export const qboConnectionStatusSchema = z.object({
  accountId: z.string(),
  connectionId: z.string(),
  realmId: z.string(),
  status: z.enum(['connected', 'reconnect_needed', 'disconnected']),
  accessTokenExpiresAt: z.string(),
});
export type QboConnectionStatus = z.infer<typeof qboConnectionStatusSchema>;

/** Request: store an account's rule set (the target and, later, the rules themselves). */
export const ruleSetPutSchema = z.object({
  accountId: z.string().min(1),
  target: z.enum(['qbo', 'qbd']),
});
export type RuleSetPut = z.infer<typeof ruleSetPutSchema>;

/** Reply of every request/reply handler: the result, or an error that names the field and the fix. */
export interface ReplyError {
  code: string;
  message: string;
}
