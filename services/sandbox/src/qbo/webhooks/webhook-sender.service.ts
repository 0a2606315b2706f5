import { createHmac, randomUUID } from 'node:crypto';

import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';

import { formatQboDateTime } from '../../common/qbo-time';
import { type EntityChange } from '../company/company';
import { CompanyStore } from '../company/company.store';

/** `legacy`: `{eventNotifications: [...]}`; `cloudevents`: an array of CloudEvents 1.0 objects. */
export type WebhookFormat = 'legacy' | 'cloudevents';

export interface WebhookSubscription {
  /** Endpoint that receives the notifications, such as the qbo service's webhook route. */
  url: string;
  /** The app's verifier token, the HMAC-SHA256 key of the `intuit-signature` header. */
  verifierToken: string;
  format: WebhookFormat;
  /** How long changes are collected into one notification, in milliseconds. */
  delayMs: number;
}

export interface WebhookDelivery {
  realmId: string;
  format: WebhookFormat;
  entityCount: number;
  /** HTTP status of the endpoint's response, or 0 when it could not be reached. */
  status: number;
  error?: string;
  sentAt: string;
}

/** Deliveries kept for `GET /__sandbox/webhooks/deliveries`. */
const MAX_DELIVERIES = 200;

/** CloudEvents `type` verb of each change operation. */
const CLOUD_EVENT_VERBS: Record<EntityChange['operation'], string> = {
  Create: 'created',
  Update: 'updated',
  Delete: 'deleted',
};

/**
 * Sends QuickBooks Online webhooks: changes of a realm's objects are collected for `delayMs` and
 * posted as one notification, signed with `intuit-signature`, the base64 HMAC-SHA256 of the exact
 * body under the verifier token. Deliveries are not retried.
 */
@Injectable()
export class WebhookSender implements OnModuleDestroy {
  private readonly logger = new Logger(WebhookSender.name);
  private subscription?: WebhookSubscription;
  private readonly pending = new Map<string, EntityChange[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly deliveries: WebhookDelivery[] = [];

  constructor(companies: CompanyStore) {
    companies.addChangeListener((change) => this.collect(change));
  }

  subscribe(subscription: WebhookSubscription): void {
    this.subscription = subscription;
    this.logger.log({
      message: 'Webhook subscription set',
      url: subscription.url,
      format: subscription.format,
    });
  }

  unsubscribe(): void {
    this.subscription = undefined;
    this.pending.clear();
    for (const timer of this.timers.values()) {
      clearTimeout(timer);
    }

    this.timers.clear();
  }

  listDeliveries(): WebhookDelivery[] {
    return [...this.deliveries];
  }

  /** Sends a notification for the given changes now, whatever the collection delay. */
  async sendNow(realmId: string, changes: EntityChange[]): Promise<WebhookDelivery> {
    const subscription = this.subscription;

    if (!subscription) {
      throw new Error('No webhook subscription is set; PUT /__sandbox/webhooks first');
    }

    return this.deliver(subscription, realmId, changes);
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  private collect(change: EntityChange): void {
    const subscription = this.subscription;

    if (!subscription) {
      return;
    }

    const changes = this.pending.get(change.realmId) ?? [];

    changes.push(change);
    this.pending.set(change.realmId, changes);
    if (!this.timers.has(change.realmId)) {
      const timer = setTimeout(() => void this.flush(change.realmId), subscription.delayMs);

      this.timers.set(change.realmId, timer);
    }
  }

  private async flush(realmId: string): Promise<void> {
    const changes = this.pending.get(realmId) ?? [];

    this.pending.delete(realmId);
    this.timers.delete(realmId);
    if (this.subscription && changes.length > 0) {
      await this.deliver(this.subscription, realmId, changes);
    }
  }

  private async deliver(
    subscription: WebhookSubscription,
    realmId: string,
    changes: EntityChange[],
  ): Promise<WebhookDelivery> {
    const body =
      subscription.format === 'legacy'
        ? JSON.stringify(legacyBody(realmId, changes))
        : JSON.stringify(cloudEventsBody(realmId, changes));
    const signature = signWebhookBody(body, subscription.verifierToken);
    const delivery: WebhookDelivery = {
      realmId,
      format: subscription.format,
      entityCount: changes.length,
      status: 0,
      sentAt: new Date().toISOString(),
    };

    try {
      const response = await fetch(subscription.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'intuit-signature': signature },
        body,
        signal: AbortSignal.timeout(10_000),
      });

      delivery.status = response.status;
      await response.arrayBuffer();
    } catch (error) {
      delivery.error = (error as Error).message;
      this.logger.warn({
        message: 'Webhook delivery failed',
        realmId,
        url: subscription.url,
        error: delivery.error,
      });
    }

    this.deliveries.push(delivery);
    if (this.deliveries.length > MAX_DELIVERIES) {
      this.deliveries.shift();
    }

    return delivery;
  }
}

/** Computes the `intuit-signature` header: base64 HMAC-SHA256 of the body under the verifier token. */
export function signWebhookBody(body: string, verifierToken: string): string {
  return createHmac('sha256', verifierToken).update(body, 'utf8').digest('base64');
}

/** Builds Intuit's legacy notification, one `dataChangeEvent` per realm. */
function legacyBody(realmId: string, changes: EntityChange[]) {
  return {
    eventNotifications: [
      {
        realmId,
        dataChangeEvent: {
          entities: changes.map((change) => ({
            name: change.entity,
            id: change.id,
            operation: change.operation,
            lastUpdated: formatQboDateTime(change.changedAt),
          })),
        },
      },
    ],
  };
}

/** Builds the CloudEvents 1.0 notification: one event per changed object. */
function cloudEventsBody(realmId: string, changes: EntityChange[]) {
  return changes.map((change) => ({
    specversion: '1.0',
    id: randomUUID(),
    source: 'intuit.quickbooks.sandbox',
    type: `qbo.${change.entity.toLowerCase()}.${CLOUD_EVENT_VERBS[change.operation]}.v1`,
    datacontenttype: 'application/json',
    time: change.changedAt.toISOString(),
    intuitentityid: change.id,
    intuitaccountid: realmId,
    data: {},
  }));
}
