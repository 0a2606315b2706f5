import { type ServiceDefinition } from '@qbsync/platform';

import { QboModule } from './app.module';
import { qboConfigSchema } from './qbo.config';

export const qboService: ServiceDefinition<typeof qboConfigSchema> = {
  name: 'qbo',
  configSchema: qboConfigSchema,
  rootModule: () => QboModule,
  nats: true,
  database: true,
  requestReply: true,
  // QuickBooks webhooks are verified by an HMAC over the exact body bytes.
  rawBodyRoutes: ['/webhooks/quickbooks'],
};
