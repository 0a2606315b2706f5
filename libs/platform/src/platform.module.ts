import {
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  type OnModuleInit,
  type Provider,
} from '@nestjs/common';
import { type Connection } from 'mongoose';
import { type NatsConnection } from 'nats';

import { ConfigModule } from './config/config.module';
import { MONGOOSE_CONNECTION } from './database/database.tokens';
import { HealthController } from './health/health.controller';
import { AppLogger } from './logging/logger';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsService } from './metrics/metrics.service';
import { JetStreamService } from './nats/jetstream.service';
import { NATS_CONNECTION } from './nats/nats.connection';
import { SyncEventPublisher } from './sync/sync-event.publisher';

export interface PlatformResources {
  config: object;
  logger: AppLogger;
  nats?: NatsConnection;
  database?: Connection;
}

/** Declares the JetStream streams before any consumer of the service starts. */
@Injectable()
class StreamDeclaration implements OnModuleInit {
  constructor(@Inject(JetStreamService) private readonly jetStream: JetStreamService) {}

  async onModuleInit(): Promise<void> {
    await this.jetStream.ensureStreams();
  }
}

/**
 * Shared base of every service: validated config, the JSON logger, health and metrics endpoints,
 * the NATS connection with JetStream, and the mongoose connection. Bootstrap opens the connections
 * before Nest starts, so a service that cannot reach NATS or its database never reports ready.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(resources: PlatformResources): DynamicModule {
    const providers: Provider[] = [
      { provide: AppLogger, useValue: resources.logger },
      MetricsService,
    ];
    const exports: Array<Provider | symbol | DynamicModule> = [AppLogger, MetricsService];

    if (resources.nats) {
      providers.push(
        { provide: NATS_CONNECTION, useValue: resources.nats },
        JetStreamService,
        StreamDeclaration,
        SyncEventPublisher,
      );
      exports.push(NATS_CONNECTION, JetStreamService, SyncEventPublisher);
    }

    if (resources.database) {
      providers.push({ provide: MONGOOSE_CONNECTION, useValue: resources.database });
      exports.push(MONGOOSE_CONNECTION);
    }

    return {
      module: PlatformModule,
      imports: [ConfigModule.forRoot(resources.config)],
      controllers: [HealthController, MetricsController],
      providers,
      exports: [...exports, ConfigModule],
    };
  }
}
