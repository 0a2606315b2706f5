import {
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  connectorInventoryPushConsumer,
  type InventoryPush,
  type InventoryPushResult,
  inventoryPushSchema,
  Subjects,
} from '@qbsync/contracts';
import {
  APP_CONFIG,
  AppLogger,
  type HandlerOutcome,
  JetStreamService,
  type MessageContext,
  NATS_CONNECTION,
  SyncEventPublisher,
} from '@qbsync/platform';
import { type NatsConnection } from 'nats';

import { type ConnectorsConfig } from '../connectors.config';

import { type ChannelAdapter, ChannelHttpError } from './channel-adapter';
import { ChannelCallFactory } from './channel-call.factory';
import { ChannelConnectionRepository } from './channel-connection.repository';
import { CHANNEL_ADAPTER } from './channel.tokens';
import { PullWorker } from './pull-worker';

/** Deliveries of a push that retry a failed channel call before it is reported failed. */
const PUSH_ATTEMPTS = 5;

/**
 * Applies `InventoryPushRequested` messages for this channel with the adapter's `pushInventory`
 * and publishes `InventoryPushCompleted` with one result per SKU and location. Replicas share one
 * durable consumer, and the completion's message id is the push id, so a push is reported once.
 */
@Injectable()
export class InventoryPushWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger: AppLogger;
  private worker?: PullWorker<typeof inventoryPushSchema>;

  constructor(
    @Inject(CHANNEL_ADAPTER) private readonly adapter: ChannelAdapter,
    private readonly jetStream: JetStreamService,
    @Inject(NATS_CONNECTION) private readonly nats: NatsConnection,
    @Inject(APP_CONFIG) private readonly config: ConnectorsConfig,
    private readonly connections: ChannelConnectionRepository,
    private readonly calls: ChannelCallFactory,
    private readonly syncEvents: SyncEventPublisher,
    logger: AppLogger,
  ) {
    this.logger = logger.child(InventoryPushWorker.name);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker = new PullWorker({
      nats: this.nats,
      jetStream: this.jetStream,
      consumer: connectorInventoryPushConsumer(this.adapter.channel),
      schema: inventoryPushSchema,
      concurrency: 2,
      handle: (push, context) => this.handle(push, context),
      logger: this.logger,
    });
    await this.worker.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.stop(this.config.SHUTDOWN_TIMEOUT_MS);
  }

  async handle(push: InventoryPush, context: MessageContext): Promise<HandlerOutcome> {
    if (push.channel !== this.adapter.channel) {
      return 'ack';
    }

    const connection = await this.connections.findById(push.connectionId);
    let results: InventoryPushResult['results'];

    if (!connection || connection.accountId !== push.accountId) {
      results = this.failAll(push, `connection ${push.connectionId} not found in this connector`);
    } else if (!this.adapter.pushInventory || !this.adapter.capabilities.inventoryPush) {
      results = this.failAll(push, `${this.adapter.displayName} takes no inventory pushes`);
    } else {
      // A negative quantity on hand is pushed as zero, since channels reject negative stock.
      const levels = push.levels.map((level) => ({
        ...level,
        quantity: Math.max(level.quantity, 0),
      }));

      try {
        results = await this.adapter.pushInventory(this.calls.create(connection), levels);
      } catch (error) {
        if (!(error instanceof ChannelHttpError)) {
          throw error;
        }

        if (context.deliveryCount < PUSH_ATTEMPTS) {
          return 'retry';
        }

        results = this.failAll(push, error.message);
      }
    }

    await this.jetStream.publish(
      Subjects.InventoryPushCompleted,
      {
        pushId: push.pushId,
        accountId: push.accountId,
        connectionId: push.connectionId,
        channel: push.channel,
        results,
      } satisfies InventoryPushResult,
      { messageId: `${push.pushId}:completed` },
    );
    await this.reportFailures(push, results);

    return 'ack';
  }

  private failAll(push: InventoryPush, message: string): InventoryPushResult['results'] {
    return push.levels.map((level) => ({
      sku: level.sku,
      locationId: level.locationId,
      status: 'failed' as const,
      message,
    }));
  }

  private async reportFailures(
    push: InventoryPush,
    results: InventoryPushResult['results'],
  ): Promise<void> {
    const failed = results.filter((result) => result.status === 'failed');

    for (const result of failed) {
      await this.syncEvents.publish({
        eventId: `${push.pushId}:${result.sku}:${result.locationId}:failed`,
        accountId: push.accountId,
        connectionId: push.connectionId,
        channel: push.channel,
        entity: 'inventory',
        entityId: push.pushId,
        stage: 'inventory',
        status: 'failed',
        message: `${this.adapter.displayName} did not take the quantity of SKU ${result.sku} at location ${result.locationId}: ${result.message ?? 'no reason given'}`,
        fix: 'Check that the SKU exists on the channel and is tracked at that location; the next push retries it',
      });
    }

    this.logger.info('Inventory push applied', {
      pushId: push.pushId,
      connectionId: push.connectionId,
      levels: results.length,
      failed: failed.length,
    });
  }
}
