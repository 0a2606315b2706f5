import 'reflect-metadata';

import { runService } from '@qbsync/platform';

import { gatewayService } from './gateway.service';

void runService(gatewayService);
