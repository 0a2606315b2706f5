import { type ServiceDefinition } from '@qbsync/platform';

import { ConnectorsModule } from './app.module';
import { connectorsConfigSchema } from './connectors.config';

export const connectorsService: ServiceDefinition<typeof connectorsConfigSchema> = {
  name: 'connectors',
  configSchema: connectorsConfigSchema,
  rootModule: (platform, config) => ConnectorsModule.register(platform, config.CHANNEL),
  nats: true,
  database: true,
  requestReply: true,
  rawBodyRoutes: ['/webhooks'],
};
