import { createIndexesMigration, type Migration } from '@qbsync/platform';

import { accountSchema, connectionSchema, oauthStateSchema } from '../accounts/account.schema';
import {
  SHOPIFY_INSTALL_STATE_MODEL,
  shopifyInstallStateSchema,
} from '../connections/shopify-install.repository';
import { syncEventSchema } from '../sync-log/sync-event.schema';

/** The gateway service's database migrations, oldest first. Append new ones; never edit applied ones. */
export const gatewayMigrations: Migration[] = [
  createIndexesMigration(
    '2026-12-04-001-gateway-indexes',
    'Creates the accounts, connections, oauth_states and sync_events collections and their indexes',
    [
      { name: 'Account', schema: accountSchema },
      { name: 'Connection', schema: connectionSchema },
      { name: 'OAuthState', schema: oauthStateSchema },
      { name: 'SyncEvent', schema: syncEventSchema },
    ],
  ),
  createIndexesMigration(
    '2026-12-04-002-shopify-install-states',
    'Creates the shopify_install_states collection and its unique state index',
    [{ name: SHOPIFY_INSTALL_STATE_MODEL, schema: shopifyInstallStateSchema }],
  ),
];
