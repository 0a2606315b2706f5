import { createIndexesMigration, type Migration } from '@qbsync/platform';

import {
  CHANNEL_CONNECTION_MODEL,
  CHANNEL_CURSOR_MODEL,
  channelConnectionSchema,
  channelCursorSchema,
  WEBHOOK_BATCH_MODEL,
  webhookBatchSchema,
} from '../channel/channel-connection.schema';

/** The connectors service's database migrations, oldest first. Append new ones; never edit applied ones. */
export const connectorsMigrations: Migration[] = [
  // The collection of the first release's Shopify-only store; kept so the migration history of
  // databases that ran it stays the same.
  // NOTE: connections stored there are not copied to channel_connections (re-sealing them needs
  // ENCRYPTION_KEY, which migrations do not get); reconnect those shops after upgrading.
  {
    id: '2026-12-04-001-shopify-connection-indexes',
    description:
      'Creates the shopify_connections collection and its unique shopDomain and connectionId indexes',
    async up(connection) {
      const collection = connection.collection('shopify_connections');

      await collection.createIndex({ shopDomain: 1 }, { unique: true });
      await collection.createIndex({ connectionId: 1 }, { unique: true });
    },
  },
  createIndexesMigration(
    '2026-12-04-002-channel-connections',
    'Creates channel_connections (unique webhookLookup, channel) and channel_cursors',
    [
      { name: CHANNEL_CONNECTION_MODEL, schema: channelConnectionSchema },
      { name: CHANNEL_CURSOR_MODEL, schema: channelCursorSchema },
    ],
  ),
  createIndexesMigration(
    '2026-12-04-003-webhook-batches',
    'Creates webhook_batches, the outcomes of pushed batches',
    [{ name: WEBHOOK_BATCH_MODEL, schema: webhookBatchSchema }],
  ),
];
