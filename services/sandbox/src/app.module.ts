import { type DynamicModule, Module } from '@nestjs/common';

import { AdminModule } from './admin/admin.module';
import { type SandboxConfig } from './config/sandbox.config';
import { CoreModule } from './core.module';
import { HealthController } from './health/health.controller';
import { QboModule } from './qbo/qbo.module';
import { ShopifyModule } from './shopify/shopify.module';

@Module({})
export class AppModule {
  static forRoot(config: SandboxConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.forRoot(config), QboModule, AdminModule, ShopifyModule],
      controllers: [HealthController],
    };
  }
}
