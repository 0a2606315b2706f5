import { Injectable } from '@nestjs/common';
import { type Order, Subjects } from '@qbsync/contracts';
import { AppLogger, JetStreamService, MetricsService, SyncEventPublisher } from '@qbsync/platform';
import { type Counter } from 'prom-client';

import {
  type ShopifyConnection,
  ShopifyConnectionRepository,
} from './shopify-connection.repository';
import { normaliseShopifyOrder } from './shopify-order.normaliser';
import { isValidShopifySignature } from './shopify-signature';
import { ShopifyPayloadError } from './shopify.errors';

/** Order topics this connector posts; other topics are acknowledged and ignored. */
export const ORDER_TOPICS = new Set(['orders/create', 'orders/updated', 'orders/paid']);

export interface ShopifyDelivery {
  rawBody: Buffer;
  topic?: string;
  shopDomain?: string;
  signature?: string;
  webhookId?: string;
}

export type DeliveryOutcome =
  | { status: 'accepted'; orderId: string; duplicate: boolean }
  | { status: 'ignored'; reason: string }
  | { status: 'unauthorized'; reason: string }
  | { status: 'rejected'; reason: string };

/**
 * Verifies a Shopify webhook, normalises the order and publishes it to JetStream. It responds only
 * after JetStream stored the order, so a delivery that got a 200 cannot be lost. A delivery that
 * fails to publish gets an error, and Shopify delivers it again.
 */
@Injectable()
export class ShopifyWebhookService {
  private readonly logger: AppLogger;
  private readonly deliveries: Counter<'topic' | 'outcome'>;

  constructor(
    private readonly connections: ShopifyConnectionRepository,
    private readonly jetStream: JetStreamService,
    private readonly syncEvents: SyncEventPublisher,
    metrics: MetricsService,
    logger: AppLogger,
  ) {
    this.logger = logger.child(ShopifyWebhookService.name);
    this.deliveries = metrics.counter(
      'qbsync_shopify_webhooks_total',
      'Shopify webhook deliveries',
      ['topic', 'outcome'],
    );
  }

  async receive(delivery: ShopifyDelivery): Promise<DeliveryOutcome> {
    const outcome = await this.process(delivery);

    this.deliveries.inc({ topic: delivery.topic ?? 'none', outcome: outcome.status });

    return outcome;
  }

  private async process(delivery: ShopifyDelivery): Promise<DeliveryOutcome> {
    const authentication = await this.authenticate(delivery);

    if ('reason' in authentication) {
      const { reason } = authentication;

      this.logger.warn('Rejected Shopify webhook', {
        shopDomain: delivery.shopDomain,
        webhookId: delivery.webhookId,
        reason,
      });

      return { status: 'unauthorized', reason };
    }

    const { connection } = authentication;

    if (!delivery.topic || !ORDER_TOPICS.has(delivery.topic)) {
      return {
        status: 'ignored',
        reason: `topic ${delivery.topic ?? '(none)'} is not an order topic`,
      };
    }

    let order: Order;

    try {
      order = normaliseShopifyOrder(parseJson(delivery.rawBody), {
        accountId: connection.accountId,
        connectionId: connection.connectionId,
        receivedAt: new Date().toISOString(),
        sourceKind: 'webhook',
        topic: delivery.topic,
        deliveryId: delivery.webhookId,
      });
    } catch (error) {
      if (error instanceof ShopifyPayloadError) {
        return this.reject(connection, delivery, error.message);
      }

      throw error;
    }

    return this.publish(order);
  }

  /** Finds the shop's connection and checks the signature, re-reading it once if it was rotated. */
  private async authenticate(
    delivery: ShopifyDelivery,
  ): Promise<{ connection: ShopifyConnection } | { reason: string }> {
    if (!delivery.shopDomain) {
      return { reason: 'missing X-Shopify-Shop-Domain header' };
    }

    if (!delivery.signature) {
      return { reason: 'missing X-Shopify-Hmac-Sha256 signature' };
    }

    let known = false;

    for (const fresh of [false, true]) {
      const connection = await this.connections.findByShopDomain(delivery.shopDomain, fresh);

      known ||= connection !== null;

      if (
        connection &&
        isValidShopifySignature(delivery.rawBody, delivery.signature, connection.webhookSecret)
      ) {
        return { connection };
      }
    }

    return known
      ? {
          reason:
            "invalid X-Shopify-Hmac-Sha256 signature: it does not match the body and this shop's client secret",
        }
      : {
          reason: `shop ${delivery.shopDomain} is not connected: connect it with POST /api/accounts/:accountId/connections/shopify`,
        };
  }

  private async publish(order: Order): Promise<DeliveryOutcome> {
    // The same order revision always gets the same message id, so a redelivered webhook is dropped
    // by JetStream's duplicate window and, after it, by the posting ledger's unique index.
    const messageId = `${order.connectionId}:${order.channelOrderId}:${order.updatedAt}`;
    const ack = await this.jetStream.publish(Subjects.OrderReceived, order, { messageId });

    this.logger.info('Accepted Shopify order', {
      accountId: order.accountId,
      channel: order.channel,
      orderId: order.channelOrderId,
      duplicate: ack.duplicate,
    });

    return { status: 'accepted', orderId: order.channelOrderId, duplicate: ack.duplicate };
  }

  private async reject(
    connection: ShopifyConnection,
    delivery: ShopifyDelivery,
    reason: string,
  ): Promise<DeliveryOutcome> {
    const orderId = peekOrderId(delivery.rawBody);

    await this.syncEvents.publish({
      eventId: `${connection.connectionId}:${delivery.webhookId ?? orderId ?? 'unknown'}:rejected`,
      accountId: connection.accountId,
      connectionId: connection.connectionId,
      channel: 'shopify',
      channelOrderId: orderId,
      stage: 'connector',
      status: 'rejected',
      message: reason,
      fix: 'Correct the order in Shopify (or the app sending it) and save it again; the next orders/updated webhook re-syncs it',
    });

    return { status: 'rejected', reason };
  }
}

function parseJson(rawBody: Buffer): unknown {
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch (error) {
    throw new ShopifyPayloadError(`body: is not valid JSON (${(error as Error).message})`);
  }
}

/** Reads the order id from a body that failed validation, to name the order in the sync log. */
function peekOrderId(rawBody: Buffer): string | undefined {
  const match = /"id"\s*:\s*"?(\d{1,20})/.exec(rawBody.subarray(0, 4096).toString('utf8'));

  return match?.[1];
}
