import { Module } from '@nestjs/common';

import { QboModule } from '../qbo/qbo.module';
import { AdminController } from './admin.controller';

@Module({
  imports: [QboModule],
  controllers: [AdminController],
})
export class AdminModule {}
