import { Module } from '@nestjs/common';

import { QbwcController } from './qbwc.controller';
import { QbwcStore } from './qbwc.store';

/** The QuickBooks Desktop stand-in: a Web Connector client driving simulated company files. */
@Module({
  controllers: [QbwcController],
  providers: [QbwcStore],
  exports: [QbwcStore],
})
export class QbwcModule {}
