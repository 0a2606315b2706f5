import { runMigrateCommand } from '@qbsync/platform';

import { qboMigrations } from './migrations';

// Applies the service's database migrations and exits. The Helm pre-upgrade Job runs this file.
void runMigrateCommand('qbo', qboMigrations);
