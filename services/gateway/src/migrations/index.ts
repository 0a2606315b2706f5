import { createIndexesMigration, type Migration } from '@qbsync/platform';

import { accountSchema, connectionSchema, oauthStateSchema } from '../accounts/account.schema';
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
];
