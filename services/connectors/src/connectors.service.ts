import { type ServiceDefinition } from '@qbsync/platform';

import { ConnectorsModule } from './app.module';
import { connectorsConfigSchema } from './connectors.config';

export const connectorsService: ServiceDefinition<typeof connectorsConfigSchema> = {
  name: 'connectors',
  configSchema: connectorsConfigSchema,
  rootModule: (config) => ConnectorsModule.register(config.CHANNEL),
  nats: true,
  database: true,
  rawBodyRoutes: ['/webhooks'],
  // Twice the webhook limit reaches the webhook handler, which rejects what is over the limit with a sync event naming the connection. Only larger bodies are cut off unread.
  bodyLimitBytes: (config) => config.WEBHOOK_BODY_LIMIT_BYTES * 2,
};
