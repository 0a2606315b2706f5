import { z } from 'zod';

/** SP-API endpoints by selling region. */
export const SP_API_ENDPOINTS = {
  na: 'https://sellingpartnerapi-na.amazon.com',
  eu: 'https://sellingpartnerapi-eu.amazon.com',
  fe: 'https://sellingpartnerapi-fe.amazon.com',
} as const;

export const amazonCredentialSchema = z.object({
  /** The seller's merchant token (selling partner id), such as A3TH9S8BH6GOGM. */
  sellerId: z
    .string()
    .regex(/^[A-Z0-9]{10,20}$/, 'must be the selling partner id such as A3TH9S8BH6GOGM'),
  marketplaceIds: z
    .array(z.string().regex(/^[A-Z0-9]{10,15}$/, 'must be a marketplace id such as ATVPDKIKX0DER'))
    .min(1, 'must list at least one marketplace id such as ATVPDKIKX0DER'),
  region: z.enum(['na', 'eu', 'fe']).default('na'),
  /** The app's LWA client id and secret. */
  clientId: z.string().startsWith('amzn1.application-oa2-client.', 'must be an LWA client id'),
  clientSecret: z.string().min(1, 'must be the LWA client secret'),
  /** The seller's LWA refresh token, from authorising the app. */
  refreshToken: z.string().startsWith('Atzr|', 'must be an LWA refresh token starting with Atzr|'),
  /** Overrides the LWA token endpoint (tests and the sandbox). */
  lwaTokenUrl: z.url().optional(),
});

export type AmazonCredentials = z.infer<typeof amazonCredentialSchema>;
