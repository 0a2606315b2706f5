import { type DynamicModule, Module } from '@nestjs/common';

import { AdminModule } from './admin/admin.module';
import { AmazonSandboxModule } from './amazon/amazon.module';
import { BigCommerceSandboxModule } from './bigcommerce/bigcommerce.module';
import { type SandboxConfig } from './config/sandbox.config';
import { CoreModule } from './core.module';
import { CustomStoreModule } from './custom-store/custom-store.module';
import { EbaySandboxModule } from './ebay/ebay.module';
import { EtsySandboxModule } from './etsy/etsy.module';
import { HealthController } from './health/health.controller';
import { QboModule } from './qbo/qbo.module';
import { QbwcModule } from './qbwc/qbwc.module';
import { ShopifyModule } from './shopify/shopify.module';
import { SquareSandboxModule } from './square/square.module';
import { WalmartSandboxModule } from './walmart/walmart.module';
import { WooCommerceSandboxModule } from './woocommerce/woocommerce.module';

@Module({})
export class AppModule {
  static forRoot(config: SandboxConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config),
        QboModule,
        AdminModule,
        ShopifyModule,
        CustomStoreModule,
        QbwcModule,
        WooCommerceSandboxModule,
        BigCommerceSandboxModule,
        SquareSandboxModule,
        AmazonSandboxModule,
        EbaySandboxModule,
        EtsySandboxModule,
        WalmartSandboxModule,
      ],
      controllers: [HealthController],
    };
  }
}
