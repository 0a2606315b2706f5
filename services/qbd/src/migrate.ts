import { runMigrateCommand } from '@qbsync/platform';

import { qbdMigrations } from './migrations';

// Applies the service's database migrations and exits. The Helm pre-upgrade Job runs this file.
void runMigrateCommand('qbd', qbdMigrations);
