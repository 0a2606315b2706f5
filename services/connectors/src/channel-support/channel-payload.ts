import {
  describeIssues,
  orderSchema,
  parseMessage,
  payoutSchema,
  refundSchema,
  type Order,
  type Payout,
  type Refund,
} from '@qbsync/contracts';
import { type z } from 'zod';

import { ChannelPayloadError } from '../channel/channel-adapter';

/**
 * Validates a channel payload against the zod schema of its fields. Throws `ChannelPayloadError`
 * whose message names each invalid field by its path in the channel's payload
 * ("line_items[0].quantity: must be a whole number greater than zero").
 */
export function parseChannelPayload<S extends z.ZodType>(
  schema: S,
  payload: unknown,
  description: string,
  idOf?: (payload: Record<string, unknown>) => unknown,
): z.infer<S> {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new ChannelPayloadError(
      `(body): must be a JSON object with the ${description} fields, but received ${describeValue(payload)}`,
      '(body)',
    );
  }

  const result = schema.safeParse(payload);

  if (result.success) {
    return result.data;
  }

  const id = idOf?.(payload as Record<string, unknown>);
  const recordId = typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
  const firstPath = result.error.issues[0]?.path.map(String).join('.') || '(body)';

  throw new ChannelPayloadError(
    `Invalid ${description}${recordId ? ` ${recordId}` : ''}: ${describeIssues(result.error.issues)}`,
    firstPath,
    recordId,
  );
}

/**
 * Parses a webhook or API body as JSON. Throws `ChannelPayloadError` for bytes that are not JSON,
 * such as a truncated delivery.
 */
export function parseJsonBody(rawBody: Buffer | string, description: string): unknown {
  const text = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');

  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ChannelPayloadError(
      `(body): is not valid JSON (${(error as Error).message}); the ${description} was ` +
        'truncated or corrupted in transit, so the channel must send it again',
      '(body)',
      undefined,
      { cause: error },
    );
  }
}

/** Checks a normalised order against the contract, naming the channel fields to look at. */
export function validateOrder(order: Order, channelName: string): Order {
  return validateContract(orderSchema, order, 'order', channelName, order.channelOrderId);
}

export function validateRefund(refund: Refund, channelName: string): Refund {
  return validateContract(refundSchema, refund, 'refund', channelName, refund.channelOrderId);
}

export function validatePayout(payout: Payout, channelName: string): Payout {
  return validateContract(payoutSchema, payout, 'payout', channelName);
}

function validateContract<S extends z.ZodType>(
  schema: S,
  value: unknown,
  kind: string,
  channelName: string,
  channelOrderId?: string,
): z.infer<S> {
  const result = parseMessage(schema, value);

  if (!result.ok) {
    throw new ChannelPayloadError(
      `the normalised ${kind} does not match the ${kind} contract (${result.error}); ` +
        `check the ${channelName} fields behind those ${kind} fields`,
      undefined,
      channelOrderId,
    );
  }

  return result.value;
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) {
    return 'an array';
  }

  return value === null ? 'null' : typeof value;
}

/** Copies the defined, non-empty values of `values` onto `target`. */
export function assignDefined<T extends object>(target: T, values: Partial<T>): T {
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== '') {
      (target as Record<string, unknown>)[key] = value;
    }
  }

  return target;
}

/** Returns the first argument that is a non-blank string, trimmed. */
export function firstText(...values: unknown[]): string | undefined {
  for (const value of values) {
    if (typeof value === 'string' && value.trim()) {
      return value.trim();
    }
  }

  return undefined;
}

/** Turns an epoch-seconds or epoch-milliseconds number into an ISO 8601 UTC timestamp. */
export function epochToIso(value: number, unit: 'seconds' | 'milliseconds'): string {
  return new Date(unit === 'seconds' ? value * 1000 : value).toISOString();
}

/**
 * Builds a zod error message that states what a field must contain: "is missing; expected X" for
 * an absent field, else "must be X".
 */
export function expected(description: string): (issue: { input?: unknown }) => string {
  return (issue) =>
    issue.input === undefined ? `is missing; expected ${description}` : `must be ${description}`;
}

/** Owner and arrival details of a record, for every channel normaliser. */
export interface ChannelNormaliseContext {
  accountId: string;
  connectionId: string;
  /** When the connector received the payload, as an ISO 8601 timestamp. */
  receivedAt: string;
  sourceKind: 'webhook' | 'poll' | 'resync';
  topic?: string;
  deliveryId?: string;
}

/** Builds the contract's `source`, with `rawRef` naming where the channel record lives. */
export function buildSource(context: ChannelNormaliseContext, rawRef: string): Order['source'] {
  return assignDefined<Order['source']>(
    { kind: context.sourceKind, receivedAt: context.receivedAt, rawRef },
    { topic: context.topic, deliveryId: context.deliveryId },
  );
}
