import { Module } from '@nestjs/common';
import {
  type FerretDbServer,
  type NatsServer,
  startFerretDb,
  startNatsServer,
} from '@qbsync/testing';

import { type RunningService, startService } from '../src/bootstrap/bootstrap';
import { baseConfigSchema, databaseConfigSchema } from '../src/config/config';

@Module({})
class EmptyModule {}

describe('health and metrics endpoints', () => {
  let nats: NatsServer;
  let ferretDb: FerretDbServer;
  let service: RunningService<unknown>;

  beforeAll(async () => {
    nats = await startNatsServer();
    ferretDb = await startFerretDb();
    service = await startService(
      {
        name: 'health-test',
        configSchema: baseConfigSchema.extend(databaseConfigSchema.shape),
        rootModule: () => EmptyModule,
        nats: true,
        database: true,
      },
      {
        NATS_URL: nats.url,
        MONGODB_URI: ferretDb.uri,
        HTTP_PORT: '0',
        LOG_LEVEL: 'silent',
      },
    );
  });

  afterAll(async () => {
    await service?.stop().catch(() => undefined);
    await nats?.stop();
    await ferretDb?.stop();
  });

  it('reports liveness', async () => {
    const response = await fetch(`${service.url}/health/live`);

    expect(response.status).toBe(200);
  });

  it('reports ready with NATS and the database', async () => {
    const response = await fetch(`${service.url}/health/ready`);
    const body = (await response.json()) as { checks: Record<string, string> };

    expect(response.status).toBe(200);
    expect(body.checks).toEqual({ nats: 'ok', database: 'ok' });
  });

  it('serves Prometheus metrics', async () => {
    const response = await fetch(`${service.url}/metrics`);
    const text = await response.text();

    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(text).toContain('qbsync_messages_published_total');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('reports not ready once the database is gone', async () => {
    await ferretDb.stop();

    const response = await fetch(`${service.url}/health/ready`);
    const body = (await response.json()) as { status: string; checks: Record<string, string> };

    expect(response.status).toBe(503);
    expect(body.status).toBe('unavailable');
    expect(body.checks.database).not.toBe('ok');
    expect(body.checks.nats).toBe('ok');
  });
});
