import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * The service's Prometheus registry with the metrics every service shares. Services add their own
 * through `counter()` and `histogram()` so that everything lands in one `/metrics` page.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly messagesPublished = this.counter(
    'qbsync_messages_published_total',
    'JetStream messages published',
    ['subject', 'duplicate'],
  );

  readonly messagesHandled = this.counter(
    'qbsync_messages_handled_total',
    'JetStream messages handled',
    ['consumer', 'outcome'],
  );

  readonly deadLetters = this.counter(
    'qbsync_dead_letters_total',
    'Messages moved to a dead-letter subject',
    ['consumer'],
  );

  readonly messageSeconds = this.histogram(
    'qbsync_message_handle_seconds',
    'Time spent handling one message',
    ['consumer'],
  );

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  counter<L extends string>(name: string, help: string, labelNames: L[] = []): Counter<L> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  /** Creates a histogram; the default buckets, in seconds, suit request and message handling. */
  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: L[] = [],
    buckets: number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ): Histogram<L> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }
}
