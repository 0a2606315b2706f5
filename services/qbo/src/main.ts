import 'reflect-metadata';

import { runService } from '@qbsync/platform';

import { qboService } from './qbo.service';

void runService(qboService);
