import { type ServiceDefinition } from '@qbsync/platform';

import { ConnectorsModule } from './app.module';
import { connectorsConfigSchema } from './connectors.config';

export const connectorsService: ServiceDefinition<typeof connectorsConfigSchema> = {
  name: 'connectors',
  configSchema: connectorsConfigSchema,
  rootModule: (config) => ConnectorsModule.register(config.CHANNEL),
  nats: true,
  database: true,
  requestReply: true,
  rawBodyRoutes: ['/webhooks'],
  bodyLimitBytes: (config) => config.WEBHOOK_BODY_LIMIT_BYTES,
};
