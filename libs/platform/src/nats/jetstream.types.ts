import { type ConsumerDefinition } from '@qbsync/contracts';
import { type z } from 'zod';

/** What a handler asks JetStream to do with a message it processed. */
export type HandlerOutcome = 'ack' | 'retry';

export interface MessageContext {
  subject: string;
  /** 1 on the first delivery. */
  deliveryCount: number;
  streamSequence: number;
  /** Message id the publisher set (`Nats-Msg-Id`), when it set one. */
  messageId?: string;
}

export interface ConsumerRegistration<S extends z.ZodType> {
  consumer: ConsumerDefinition;
  schema: S;
  /** Messages processed at once by this replica. */
  concurrency: number;
  handle: (message: z.infer<S>, context: MessageContext) => Promise<HandlerOutcome | void>;
}

/**
 * Thrown by a handler for a message that can never succeed; the message goes to the dead-letter
 * subject at once instead of being redelivered.
 */
export class PermanentMessageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentMessageError';
  }
}
