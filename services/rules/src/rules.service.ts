import { type ServiceDefinition } from '@qbsync/platform';

import { RulesModule } from './app.module';
import { rulesConfigSchema } from './rules.config';

export const rulesService: ServiceDefinition<typeof rulesConfigSchema> = {
  name: 'rules',
  configSchema: rulesConfigSchema,
  rootModule: () => RulesModule,
  nats: true,
  database: true,
  requestReply: true,
};
