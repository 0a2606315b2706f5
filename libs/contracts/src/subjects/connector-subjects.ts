import { type Channel } from '../order/order.schema';
import { type ConsumerDefinition, Streams, Subjects } from './catalogue';

/**
 * Request/reply actions every channel connector serves. Each channel deployment serves only its own subjects (`connectors.<channel>.<action>.1`), because all connector deployments share one
 * service name and a shared subject would reach a deployment of the wrong channel.
 */
export const CONNECTOR_REQUESTS = [
  /** Store a connection's credentials and settings, test it and start its backfill. */
  'connection-put',
  /** Call the channel with the stored credentials and report each problem. */
  'connection-test',
  /** Re-read a date range or a list of order numbers from the channel. */
  'resync',
  /** Validate an uploaded orders CSV (custom store) and queue its orders when it has no errors. */
  'orders-upload',
  /** Subscribe the channel's webhooks to the connectors' public address (after an app install). */
  'webhooks-register',
  /** Delete the webhooks the connection registered, where possible, and its stored credentials. */
  'connection-disconnect',
  /** Replace a stored connection's credentials and keep its settings (an app installed again). */
  'connection-reauthorize',
] as const;
export type ConnectorRequest = (typeof CONNECTOR_REQUESTS)[number];

export function connectorRequestSubject(channel: Channel, action: ConnectorRequest): string {
  return `connectors.${channel}.${action}.1`;
}

/**
 * Work a channel connector queued for itself (accepted webhooks, poll windows, backfill and
 * re-sync), on the ORDERS stream so it survives a restart. Replicas of one channel share it
 * through one durable consumer.
 */
export function connectorWorkSubject(channel: Channel): string {
  return `orders.connector-work.1.${channel}`;
}

export function connectorWorkConsumer(channel: Channel): ConsumerDefinition {
  return {
    stream: Streams.Orders,
    durable: `connectors-${channel}-work`,
    filterSubject: connectorWorkSubject(channel),
    maxDeliver: 8,
    // A poll window may run for minutes at the channel's rate limit; the worker reports progress
    // every few seconds, so this is only how long a replica that died mid-job keeps its job.
    ackWaitSeconds: 30,
  };
}

/** Inventory pushes for one channel; each channel's replicas share one durable consumer. */
export function connectorInventoryPushConsumer(channel: Channel): ConsumerDefinition {
  return {
    stream: Streams.Inventory,
    durable: `connectors-${channel}-inventory-push`,
    filterSubject: Subjects.InventoryPushRequested,
    maxDeliver: 8,
    ackWaitSeconds: 60,
  };
}
