import { type ServiceDefinition } from '@qbsync/platform';

import { GatewayModule } from './app.module';
import { gatewayConfigSchema } from './gateway.config';

export const gatewayService: ServiceDefinition<typeof gatewayConfigSchema> = {
  name: 'gateway',
  configSchema: gatewayConfigSchema,
  rootModule: () => GatewayModule,
  nats: true,
  database: true,
};
