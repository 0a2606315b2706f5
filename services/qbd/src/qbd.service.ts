import { type ServiceDefinition } from '@qbsync/platform';

import { QbdModule } from './app.module';
import { qbdConfigSchema } from './qbd.config';

export const qbdService: ServiceDefinition<typeof qbdConfigSchema> = {
  name: 'qbd',
  configSchema: qbdConfigSchema,
  rootModule: () => QbdModule,
  nats: true,
  database: true,
  requestReply: true,
};
