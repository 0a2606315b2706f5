import { Module } from '@nestjs/common';
import { type ConsumerDefinition, type StreamDefinition } from '@qbsync/contracts';
import { waitFor, withInfrastructure } from '@qbsync/testing';
import { connect, type NatsConnection } from 'nats';
import { z } from 'zod';

import { RunningService, startService } from '../src/bootstrap/bootstrap';
import { baseConfigSchema } from '../src/config/config';
import { JetStreamService } from '../src/nats/jetstream.service';

const stream: StreamDefinition = {
  name: 'DRAINTEST',
  subjects: ['draintest.>'],
  duplicateWindowSeconds: 60,
  maxAgeSeconds: 3600,
};
// The ack wait is far longer than the test, so a message the draining replica kept would only
// reach the other replica after the test timed out.
const consumer: ConsumerDefinition = {
  stream,
  durable: 'drain-worker',
  filterSubject: 'draintest.job.1',
  maxDeliver: 3,
  ackWaitSeconds: 120,
};
const jobSchema = z.object({ id: z.number().int() });
const JOBS = 10;

@Module({})
class EmptyModule {}

describe('JetStreamService drain', () => {
  const infra = withInfrastructure();
  const services: RunningService<unknown>[] = [];
  let probe: NatsConnection;

  async function startReplica(): Promise<JetStreamService> {
    const service = await startService(
      {
        name: 'jetstream-drain-test',
        configSchema: baseConfigSchema,
        rootModule: () => EmptyModule,
        nats: true,
      },
      { NATS_URL: infra.natsUrl, HTTP_PORT: '0', LOG_LEVEL: 'error', SHUTDOWN_TIMEOUT_MS: '5000' },
    );

    services.push(service);

    return service.app.get(JetStreamService);
  }

  beforeAll(async () => {
    probe = await connect({ servers: infra.natsUrl });
  });

  afterAll(async () => {
    await probe?.close();

    for (const service of services) {
      await service.stop().catch(() => undefined);
    }
  });

  it('returns prefetched messages to the other replica at once', async () => {
    const draining = await startReplica();
    let releaseStuckJob!: () => void;
    const stuckJob = new Promise<void>((resolve) => {
      releaseStuckJob = resolve;
    });
    const drainingHandled: number[] = [];

    await draining.ensureStreams([stream]);
    await draining.consume({
      consumer,
      schema: jobSchema,
      concurrency: 1,
      handle: async (job) => {
        drainingHandled.push(job.id);
        await stuckJob;
      },
    });

    for (let id = 1; id <= JOBS; id += 1) {
      await draining.publish('draintest.job.1', { id }, { messageId: `drain-job-${id}` });
    }

    // One job runs and the consumer keeps the other nine as prefetched, unacknowledged messages.
    const manager = await probe.jetstreamManager();

    await waitFor(
      async () =>
        (await manager.consumers.info(stream.name, consumer.durable)).num_ack_pending === JOBS,
      { description: `${JOBS} messages delivered to the first replica` },
    );
    expect(drainingHandled).toHaveLength(1);

    const other = await startReplica();
    const otherHandled: { id: number; deliveryCount: number }[] = [];

    await other.consume({
      consumer,
      schema: jobSchema,
      concurrency: 4,
      handle: async (job, context) => {
        otherHandled.push({ id: job.id, deliveryCount: context.deliveryCount });
      },
    });

    const drainStarted = Date.now();
    const drained = draining.drainConsumers(10_000);

    await waitFor(() => otherHandled.length === JOBS - 1, {
      timeoutMs: 10_000,
      description: 'the prefetched messages handled by the other replica',
    });

    const handedOverMs = Date.now() - drainStarted;

    releaseStuckJob();
    await drained;

    expect(handedOverMs).toBeLessThan(5_000);
    expect(otherHandled.map((job) => job.id).sort((a, b) => a - b)).toEqual(
      Array.from({ length: JOBS }, (_, index) => index + 1).filter(
        (id) => id !== drainingHandled[0],
      ),
    );
    expect(otherHandled.every((job) => job.deliveryCount === 2)).toBe(true);
    // The job that was running when the drain began finishes on the draining replica.
    expect(drainingHandled).toHaveLength(1);
    await waitFor(
      async () =>
        (await manager.consumers.info(stream.name, consumer.durable)).num_ack_pending === 0,
      { description: 'every message acknowledged' },
    );
  });
});
