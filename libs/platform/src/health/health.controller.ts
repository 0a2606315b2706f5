import { Controller, Get, Inject, Optional, ServiceUnavailableException } from '@nestjs/common';
import { type NatsConnection } from 'nats';
import { type Connection } from 'mongoose';

import { MONGOOSE_CONNECTION } from '../database/database.tokens';
import { NATS_CONNECTION } from '../nats/nats.connection';

interface HealthReport {
  status: 'ok' | 'unavailable';
  checks: Record<string, 'ok' | string>;
}

/**
 * Liveness says the process runs; readiness says it can do work, so Kubernetes only routes traffic
 * and hands JetStream work to replicas whose NATS and database connections answer.
 */
@Controller('health')
export class HealthController {
  constructor(
    @Optional() @Inject(NATS_CONNECTION) private readonly nats?: NatsConnection,
    @Optional() @Inject(MONGOOSE_CONNECTION) private readonly database?: Connection,
  ) {}

  @Get('live')
  live(): HealthReport {
    return { status: 'ok', checks: {} };
  }

  @Get('ready')
  async ready(): Promise<HealthReport> {
    const checks: HealthReport['checks'] = {};

    if (this.nats) {
      checks.nats = await this.checkNats(this.nats);
    }

    if (this.database) {
      checks.database = await this.checkDatabase(this.database);
    }

    const report: HealthReport = {
      status: Object.values(checks).every((check) => check === 'ok') ? 'ok' : 'unavailable',
      checks,
    };

    if (report.status !== 'ok') {
      throw new ServiceUnavailableException(report);
    }

    return report;
  }

  private async checkNats(connection: NatsConnection): Promise<string> {
    if (connection.isClosed()) {
      return 'connection closed';
    }

    try {
      await connection.flush();

      return 'ok';
    } catch (error) {
      return `flush failed: ${(error as Error).message}`;
    }
  }

  private async checkDatabase(connection: Connection): Promise<string> {
    try {
      await connection.db?.admin().ping();

      return connection.readyState === 1 ? 'ok' : `not connected (state ${connection.readyState})`;
    } catch (error) {
      return `ping failed: ${(error as Error).message}`;
    }
  }
}
