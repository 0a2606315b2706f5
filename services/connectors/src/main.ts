import 'reflect-metadata';

import { runService } from '@qbsync/platform';

import { connectorsService } from './connectors.service';

void runService(connectorsService);
