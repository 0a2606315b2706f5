import { Module } from '@nestjs/common';
import { type ConsumerDefinition, type StreamDefinition } from '@qbsync/contracts';
import { withInfrastructure } from '@qbsync/testing';
import { connect, JSONCodec, type NatsConnection } from 'nats';
import { z } from 'zod';

import { baseConfigSchema } from '../src/config/config';
import { JetStreamService } from '../src/nats/jetstream.service';
import { PermanentMessageError } from '../src/nats/jetstream.types';
import { RunningService, startService } from '../src/bootstrap/bootstrap';

const stream: StreamDefinition = {
  name: 'TESTORDERS',
  subjects: ['testorders.>'],
  duplicateWindowSeconds: 60,
  maxAgeSeconds: 3600,
};
const deadLetters: StreamDefinition = {
  name: 'DEADLETTERS',
  subjects: ['deadletter.>'],
  duplicateWindowSeconds: 60,
  maxAgeSeconds: 3600,
};
const consumer: ConsumerDefinition = {
  stream,
  durable: 'test-worker',
  filterSubject: 'testorders.created.1',
  maxDeliver: 3,
  ackWaitSeconds: 5,
};
const messageSchema = z.object({
  id: z.string(),
  behaviour: z.enum(['ok', 'fail', 'permanent', 'slow']),
});

@Module({})
class EmptyModule {}

describe('JetStreamService', () => {
  const infra = withInfrastructure();
  let service: RunningService<unknown>;
  let jetStream: JetStreamService;
  let probe: NatsConnection;
  const handled: string[] = [];
  const attempts = new Map<string, number>();

  beforeAll(async () => {
    service = await startService(
      {
        name: 'jetstream-test',
        configSchema: baseConfigSchema,
        rootModule: () => EmptyModule,
        nats: true,
      },
      { NATS_URL: infra.natsUrl, HTTP_PORT: '0', LOG_LEVEL: 'error', SHUTDOWN_TIMEOUT_MS: '5000' },
    );
    jetStream = service.app.get(JetStreamService);
    await jetStream.ensureStreams([stream, deadLetters]);
    await jetStream.consume({
      consumer,
      schema: messageSchema,
      concurrency: 4,
      handle: async (message) => {
        attempts.set(message.id, (attempts.get(message.id) ?? 0) + 1);
        if (message.behaviour === 'fail') {
          throw new Error('temporary failure');
        }

        if (message.behaviour === 'permanent') {
          throw new PermanentMessageError('cannot ever succeed');
        }

        if (message.behaviour === 'slow') {
          await new Promise((resolve) => setTimeout(resolve, 1500));
        }

        handled.push(message.id);
      },
    });
    probe = await connect({ servers: infra.natsUrl });
  });

  afterAll(async () => {
    await probe?.close();
    await service?.stop();
  });

  it('updates a consumer an earlier version created', async () => {
    const upgraded = { ...consumer, durable: 'test-upgraded', maxDeliver: 3, ackWaitSeconds: 5 };

    await jetStream.ensureConsumer(upgraded);
    await jetStream.ensureConsumer({ ...upgraded, maxDeliver: 7, ackWaitSeconds: 45 });

    const info = await (
      await probe.jetstreamManager()
    ).consumers.info(stream.name, 'test-upgraded');

    expect(info.config.max_deliver).toBe(7);
    expect(info.config.ack_wait).toBe(45_000_000_000);
  });

  it('drops a republished message id', async () => {
    const first = await jetStream.publish(
      'testorders.created.1',
      { id: 'a', behaviour: 'ok' },
      { messageId: 'order-a' },
    );
    const second = await jetStream.publish(
      'testorders.created.1',
      { id: 'a', behaviour: 'ok' },
      { messageId: 'order-a' },
    );

    expect(first.duplicate).toBe(false);
    expect(second.duplicate).toBe(true);
    await waitUntil(() => handled.includes('a'));
    expect(handled.filter((id) => id === 'a')).toHaveLength(1);
  });

  it('dead-letters an invalid message without calling the handler', async () => {
    const letters = await collectDeadLetters();

    await jetStream.publish('testorders.created.1', { id: 'b', behaviour: 'explode' });

    const letter = await letters.next();

    expect(letter.reason).toMatch(/invalid message: behaviour/);
    expect(attempts.has('b')).toBe(false);
  });

  it('redelivers a failing message up to maxDeliver, then dead-letters it', async () => {
    const letters = await collectDeadLetters();

    await jetStream.publish('testorders.created.1', { id: 'c', behaviour: 'fail' });

    const letter = await letters.next();

    expect(letter.reason).toMatch(/gave up after 3 deliveries/);
    expect(attempts.get('c')).toBe(3);
  });

  it('dead-letters a permanent failure at once', async () => {
    const letters = await collectDeadLetters();

    await jetStream.publish('testorders.created.1', { id: 'd', behaviour: 'permanent' });

    const letter = await letters.next();

    expect(letter.reason).toBe('cannot ever succeed');
    expect(attempts.get('d')).toBe(1);
  });

  it('finishes in-flight messages when draining', async () => {
    await jetStream.publish('testorders.created.1', { id: 'e', behaviour: 'slow' });
    await waitUntil(() => attempts.has('e'));

    await jetStream.drainConsumers(5000);

    expect(handled).toContain('e');
  });

  async function collectDeadLetters(): Promise<{
    next: () => Promise<{ reason: string; body: unknown }>;
  }> {
    const subscription = probe.subscribe('deadletter.>', { max: 1 });

    await probe.flush();

    return {
      next: async () => {
        for await (const message of subscription) {
          return {
            reason: message.headers?.get('Qbsync-Dead-Letter-Reason') ?? '',
            body: JSONCodec().decode(message.data),
          };
        }

        throw new Error('dead-letter subscription closed without a message');
      },
    };
  }
});

async function waitUntil(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;

  while (!predicate()) {
    if (Date.now() > deadline) {
      throw new Error('condition not met in time');
    }

    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
