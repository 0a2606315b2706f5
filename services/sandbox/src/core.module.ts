import { type DynamicModule, Global, Module } from '@nestjs/common';

import { SandboxClock } from './common/sandbox-clock';
import { SANDBOX_CONFIG } from './config/config.tokens';
import { type SandboxConfig } from './config/sandbox.config';

/** Providers every sandbox module uses: the configuration and the clock. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: SandboxConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [{ provide: SANDBOX_CONFIG, useValue: config }, SandboxClock],
      exports: [SANDBOX_CONFIG, SandboxClock],
    };
  }
}
