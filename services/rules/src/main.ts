import 'reflect-metadata';

import { runService } from '@qbsync/platform';

import { rulesService } from './rules.service';

void runService(rulesService);
