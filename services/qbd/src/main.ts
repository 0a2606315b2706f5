import 'reflect-metadata';

import { runService } from '@qbsync/platform';

import { qbdService } from './qbd.service';

void runService(qbdService);
