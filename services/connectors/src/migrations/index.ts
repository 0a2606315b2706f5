import { createIndexesMigration, type Migration } from '@qbsync/platform';

import {
  SHOPIFY_CONNECTION_MODEL,
  shopifyConnectionSchema,
} from '../shopify/shopify-connection.schema';

/** The connectors service's database migrations, oldest first. Append new ones; never edit applied ones. */
export const connectorsMigrations: Migration[] = [
  createIndexesMigration(
    '2026-12-04-001-shopify-connection-indexes',
    'Creates the shopify_connections collection and its unique shopDomain and connectionId indexes',
    [{ name: SHOPIFY_CONNECTION_MODEL, schema: shopifyConnectionSchema }],
  ),
];
