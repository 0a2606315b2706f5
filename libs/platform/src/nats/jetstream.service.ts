import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import {
  type ConsumerDefinition,
  deadLetterSubject,
  parseMessage,
  type StreamDefinition,
  Streams,
} from '@qbsync/contracts';
import {
  AckPolicy,
  type ConsumerMessages,
  DeliverPolicy,
  headers as createHeaders,
  JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  JSONCodec,
  type NatsConnection,
  nanos,
  type PubAck,
  StorageType,
} from 'nats';
import { type z } from 'zod';

import { AppLogger } from '../logging/logger';
import { MetricsService } from '../metrics/metrics.service';
import {
  type ConsumerRegistration,
  type HandlerOutcome,
  type MessageContext,
  PermanentMessageError,
} from './jetstream.types';
import { NATS_CONNECTION } from './nats.connection';

const codec = JSONCodec<unknown>();
const MAX_RETRY_DELAY_MS = 30_000;

export interface PublishOptions {
  /** Deduplication id: JetStream drops a second message with the same id within the window. */
  messageId?: string;
}

interface RunningConsumer {
  name: string;
  messages: ConsumerMessages;
  inFlight: Set<Promise<void>>;
  /** The handler loop, which returns the prefetched messages and ends once a drain starts. */
  loop?: Promise<void>;
}

/**
 * Declares streams and durable consumers in code, publishes with deduplication ids, and runs
 * consumers with explicit acknowledgement, bounded redelivery and a dead-letter subject.
 */
@Injectable()
export class JetStreamService implements OnApplicationShutdown {
  private readonly logger: AppLogger;
  private readonly consumers: RunningConsumer[] = [];
  private manager?: JetStreamManager;
  private client?: JetStreamClient;
  private stopping = false;
  /** Resolves when draining starts, so a loop waiting for a free handler slot wakes up at once. */
  private readonly drainStarted = deferred();

  constructor(
    @Inject(NATS_CONNECTION) private readonly connection: NatsConnection,
    logger: AppLogger,
    private readonly metrics: MetricsService,
  ) {
    this.logger = logger.child('JetStream');
  }

  /** Creates each stream, or updates it to the definition in code. */
  async ensureStreams(streams: StreamDefinition[] = Object.values(Streams)): Promise<void> {
    const manager = await this.getManager();

    for (const stream of streams) {
      const config = {
        name: stream.name,
        subjects: [...stream.subjects],
        storage: StorageType.File,
        duplicate_window: nanos(stream.duplicateWindowSeconds * 1000),
        max_age: nanos(stream.maxAgeSeconds * 1000),
      };

      try {
        await manager.streams.info(stream.name);
        await manager.streams.update(stream.name, config);
      } catch (error) {
        if (!isNotFound(error)) {
          throw error;
        }

        await manager.streams.add(config);
        this.logger.info('Created JetStream stream', { stream: stream.name });
      }
    }
  }

  /**
   * Creates the durable consumer, or updates it when an earlier version of the service created it
   * with other settings. During a rolling upgrade old and new replicas share the consumer, so the
   * settings that can change between versions (filter, redeliveries, ack wait) are updated in place.
   */
  async ensureConsumer(definition: ConsumerDefinition): Promise<void> {
    const manager = await this.getManager();
    const settings = {
      filter_subject: definition.filterSubject,
      max_deliver: definition.maxDeliver,
      ack_wait: nanos(definition.ackWaitSeconds * 1000),
    };

    try {
      await manager.consumers.add(definition.stream.name, {
        durable_name: definition.durable,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ...settings,
      });
    } catch (error) {
      if (!isConsumerConflict(error)) {
        throw error;
      }

      await manager.consumers.update(definition.stream.name, definition.durable, settings);
      this.logger.info("Updated JetStream consumer to this version's settings", {
        stream: definition.stream.name,
        consumer: definition.durable,
      });
    }
  }

  async publish(subject: string, payload: unknown, options: PublishOptions = {}): Promise<PubAck> {
    const client = this.getClient();
    const ack = await client.publish(subject, codec.encode(payload), { msgID: options.messageId });

    this.metrics.messagesPublished.inc({ subject, duplicate: String(ack.duplicate) });

    return ack;
  }

  /**
   * Starts consuming: each message is validated against `registration.schema` before the handler
   * receives it, so a handler never processes half of an invalid message.
   */
  async consume<S extends z.ZodType>(registration: ConsumerRegistration<S>): Promise<void> {
    const { consumer: definition } = registration;

    await this.ensureConsumer(definition);
    const consumer = await this.getClient().consumers.get(
      definition.stream.name,
      definition.durable,
    );
    const messages = await consumer.consume({
      max_messages: Math.max(registration.concurrency * 2, 10),
    });
    const running: RunningConsumer = { name: definition.durable, messages, inFlight: new Set() };

    this.consumers.push(running);
    running.loop = this.runLoop(registration, running);
    this.logger.info('Consuming', {
      consumer: definition.durable,
      subject: definition.filterSubject,
    });
  }

  /**
   * Stops fetching new messages and waits for those in flight, up to `timeoutMs`. Prefetched
   * messages that no handler started are returned with `nak()`, so another replica receives them
   * at once instead of after the ack wait.
   */
  async drainConsumers(timeoutMs: number): Promise<void> {
    this.stopping = true;
    this.drainStarted.resolve();

    // Closing ends the pull subscription. The messages already received stay queued in the
    // iterator ahead of its end, so the loop still receives each one and returns it. NOTE: a
    // message still on its way from the server when the subscription ends is dropped by the
    // client and waits for its ack wait.
    await Promise.all(this.consumers.map((running) => running.messages.close()));
    await Promise.race([
      Promise.allSettled(this.consumers.map((running) => running.loop)),
      delay(timeoutMs),
    ]);

    const inFlight = this.consumers.flatMap((running) => [...running.inFlight]);

    if (inFlight.length > 0) {
      this.logger.info('Waiting for in-flight messages', { count: inFlight.length });
    }

    await Promise.race([Promise.allSettled(inFlight), delay(timeoutMs)]);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.stopping) {
      await this.drainConsumers(10_000);
    }
  }

  private async runLoop<S extends z.ZodType>(
    registration: ConsumerRegistration<S>,
    running: RunningConsumer,
  ): Promise<void> {
    let returned = 0;

    try {
      for await (const message of running.messages) {
        while (!this.stopping && running.inFlight.size >= registration.concurrency) {
          await Promise.race([...running.inFlight, this.drainStarted.promise]);
        }

        if (this.stopping) {
          returned += 1;
          message.nak();
          continue;
        }

        const task = this.process(registration, message).finally(() =>
          running.inFlight.delete(task),
        );

        running.inFlight.add(task);
      }
    } catch (error) {
      if (!this.stopping) {
        this.logger.error('Consumer loop stopped', error, { consumer: running.name });
      }
    }

    if (returned > 0) {
      this.logger.info('Returned prefetched messages for another replica', {
        consumer: running.name,
        count: returned,
      });
    }
  }

  private async process<S extends z.ZodType>(
    registration: ConsumerRegistration<S>,
    message: JsMsg,
  ): Promise<void> {
    const { consumer: definition } = registration;
    const context = messageContext(message);
    const decoded = decode(message);
    const parsed = decoded.ok ? parseMessage(registration.schema, decoded.value) : decoded;

    if (!parsed.ok) {
      await this.deadLetter(definition, message, `invalid message: ${parsed.error}`);

      return;
    }

    const started = process.hrtime.bigint();

    try {
      const outcome: HandlerOutcome | void = await registration.handle(parsed.value, context);

      if (outcome === 'retry') {
        await this.retryOrDeadLetter(definition, message, 'handler asked for a retry');
      } else {
        message.ack();
      }

      this.metrics.messagesHandled.inc({ consumer: definition.durable, outcome: outcome ?? 'ack' });
    } catch (error) {
      this.metrics.messagesHandled.inc({ consumer: definition.durable, outcome: 'error' });
      if (error instanceof PermanentMessageError) {
        await this.deadLetter(definition, message, error.message);
      } else {
        this.logger.error('Message handler failed', error, {
          consumer: definition.durable,
          ...context,
        });
        await this.retryOrDeadLetter(definition, message, errorMessage(error));
      }
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;

      this.metrics.messageSeconds.observe({ consumer: definition.durable }, seconds);
    }
  }

  private async retryOrDeadLetter(
    definition: ConsumerDefinition,
    message: JsMsg,
    reason: string,
  ): Promise<void> {
    if (message.info.deliveryCount >= definition.maxDeliver) {
      await this.deadLetter(
        definition,
        message,
        `gave up after ${message.info.deliveryCount} deliveries: ${reason}`,
      );

      return;
    }

    const retryDelay = Math.min(500 * 2 ** (message.info.deliveryCount - 1), MAX_RETRY_DELAY_MS);

    message.nak(retryDelay);
  }

  /** Copies the message to `deadletter.<stream>.<consumer>` with the reason, then terminates it. */
  private async deadLetter(
    definition: ConsumerDefinition,
    message: JsMsg,
    reason: string,
  ): Promise<void> {
    const deadLetterHeaders = createHeaders();

    deadLetterHeaders.set('Qbsync-Dead-Letter-Reason', reason.slice(0, 1000));
    deadLetterHeaders.set('Qbsync-Original-Subject', message.subject);
    deadLetterHeaders.set('Qbsync-Stream-Sequence', String(message.info.streamSequence));
    await this.getClient().publish(
      deadLetterSubject(definition.stream.name, definition.durable),
      message.data,
      {
        headers: deadLetterHeaders,
        msgID: `${definition.stream.name}-${message.info.streamSequence}-${definition.durable}`,
      },
    );
    message.term();
    this.metrics.deadLetters.inc({ consumer: definition.durable });
    this.logger.warn('Moved message to the dead-letter subject', {
      consumer: definition.durable,
      subject: message.subject,
      streamSequence: message.info.streamSequence,
      reason,
    });
  }

  private async getManager(): Promise<JetStreamManager> {
    this.manager ??= await this.connection.jetstreamManager();

    return this.manager;
  }

  private getClient(): JetStreamClient {
    this.client ??= this.connection.jetstream();

    return this.client;
  }
}

function messageContext(message: JsMsg): MessageContext {
  return {
    subject: message.subject,
    deliveryCount: message.info.deliveryCount,
    streamSequence: message.info.streamSequence,
    messageId: message.headers?.get('Nats-Msg-Id') || undefined,
  };
}

function decode(message: JsMsg): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: codec.decode(message.data) };
  } catch (error) {
    return { ok: false, error: `body is not JSON (${errorMessage(error)})` };
  }
}

/** True when a durable consumer of that name exists with other settings. */
function isConsumerConflict(error: unknown): boolean {
  return error instanceof Error && /consumer already exists/i.test(error.message);
}

function isNotFound(error: unknown): boolean {
  return error instanceof Error && /not found/i.test(error.message);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((settle) => {
    resolve = settle;
  });

  return { promise, resolve };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
