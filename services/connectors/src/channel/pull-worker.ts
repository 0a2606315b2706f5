import { type ConsumerDefinition, deadLetterSubject, parseMessage } from '@qbsync/contracts';
import {
  type AppLogger,
  type HandlerOutcome,
  type JetStreamService,
  type MessageContext,
} from '@qbsync/platform';
import { headers as createHeaders, type JsMsg, JSONCodec, type NatsConnection } from 'nats';
import { type z } from 'zod';

const codec = JSONCodec();
/** How long one fetch waits for a message before the loop checks whether it should stop. */
const FETCH_EXPIRES_MS = 2000;
/** A job in progress reports progress to JetStream this often, so a long poll window keeps its message. */
const HEARTBEAT_MS = 5000;
const MAX_RETRY_DELAY_MS = 60_000;

export interface PullWorkerOptions<S extends z.ZodType> {
  nats: NatsConnection;
  jetStream: JetStreamService;
  consumer: ConsumerDefinition;
  schema: S;
  /** Jobs this replica runs at once; each has its own fetch loop. */
  concurrency: number;
  handle: (message: z.infer<S>, context: MessageContext) => Promise<HandlerOutcome | void>;
  logger: AppLogger;
}

/**
 * Runs a durable JetStream consumer one message per fetch, for work that can take minutes (poll
 * windows at a channel's rate limit). It fetches nothing ahead, so a replica that stops leaves
 * no message waiting for its ack timeout. It reports progress while a job runs, so the ack wait
 * can stay short and a replica that dies mid-job hands the job on quickly.
 */
export class PullWorker<S extends z.ZodType> {
  private stopping = false;
  private readonly loops: Promise<void>[] = [];

  constructor(private readonly options: PullWorkerOptions<S>) {}

  async start(): Promise<void> {
    const { consumer: definition, jetStream, nats } = this.options;

    await jetStream.ensureConsumer(definition);
    const consumer = await nats
      .jetstream()
      .consumers.get(definition.stream.name, definition.durable);

    for (let index = 0; index < this.options.concurrency; index += 1) {
      this.loops.push(this.loop(consumer));
    }

    this.options.logger.info('Consuming', {
      consumer: definition.durable,
      subject: definition.filterSubject,
    });
  }

  /** Stops fetching and waits for the jobs in progress, up to `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    this.stopping = true;
    await Promise.race([Promise.allSettled(this.loops), sleep(timeoutMs)]);
  }

  private async loop(
    consumer: Awaited<ReturnType<ReturnType<NatsConnection['jetstream']>['consumers']['get']>>,
  ): Promise<void> {
    while (!this.stopping) {
      try {
        const messages = await consumer.fetch({ max_messages: 1, expires: FETCH_EXPIRES_MS });

        for await (const message of messages) {
          if (this.stopping) {
            message.nak();
            continue;
          }

          await this.process(message);
        }
      } catch (error) {
        if (this.stopping) {
          return;
        }

        this.options.logger.error('Fetching work failed; retrying', error, {
          consumer: this.options.consumer.durable,
        });
        await sleep(1000);
      }
    }
  }

  private async process(message: JsMsg): Promise<void> {
    const { consumer: definition, logger } = this.options;
    const context: MessageContext = {
      subject: message.subject,
      deliveryCount: message.info.deliveryCount,
      streamSequence: message.info.streamSequence,
    };
    const messageId = message.headers?.get('Nats-Msg-Id');

    if (messageId) {
      context.messageId = messageId;
    }

    let decoded: unknown;

    try {
      decoded = codec.decode(message.data);
    } catch {
      await this.deadLetter(message, 'invalid message: not JSON');

      return;
    }

    const parsed = parseMessage(this.options.schema, decoded);

    if (!parsed.ok) {
      await this.deadLetter(message, `invalid message: ${parsed.error}`);

      return;
    }

    const heartbeat = setInterval(() => message.working(), HEARTBEAT_MS);

    try {
      const outcome = await this.options.handle(parsed.value, context);

      if (outcome === 'retry') {
        await this.retry(message, 'handler asked for a retry');
      } else {
        message.ack();
      }
    } catch (error) {
      logger.error('Job failed', error, { consumer: definition.durable, ...context });
      await this.retry(message, error instanceof Error ? error.message : String(error));
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async retry(message: JsMsg, reason: string): Promise<void> {
    if (message.info.deliveryCount >= this.options.consumer.maxDeliver) {
      await this.deadLetter(
        message,
        `gave up after ${message.info.deliveryCount} deliveries: ${reason}`,
      );

      return;
    }

    message.nak(Math.min(500 * 2 ** (message.info.deliveryCount - 1), MAX_RETRY_DELAY_MS));
  }

  /** Copies the message to `deadletter.<stream>.<consumer>` with the reason, then terminates it. */
  private async deadLetter(message: JsMsg, reason: string): Promise<void> {
    const { consumer: definition, nats, logger } = this.options;
    const deadLetterHeaders = createHeaders();

    deadLetterHeaders.set('Qbsync-Dead-Letter-Reason', reason.slice(0, 1000));
    deadLetterHeaders.set('Qbsync-Original-Subject', message.subject);
    deadLetterHeaders.set('Qbsync-Stream-Sequence', String(message.info.streamSequence));
    await nats
      .jetstream()
      .publish(deadLetterSubject(definition.stream.name, definition.durable), message.data, {
        headers: deadLetterHeaders,
        msgID: `${definition.stream.name}-${message.info.streamSequence}-${definition.durable}`,
      });
    message.term();
    logger.warn('Moved message to the dead-letter subject', {
      consumer: definition.durable,
      subject: message.subject,
      streamSequence: message.info.streamSequence,
      reason,
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
