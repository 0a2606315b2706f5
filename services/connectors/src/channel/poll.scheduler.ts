import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { connectorWorkSubject } from '@qbsync/contracts';
import { APP_CONFIG, AppLogger, JetStreamService } from '@qbsync/platform';

import { type ConnectorsConfig } from '../connectors.config';
import { type ChannelAdapter, type ChannelConnection } from './channel-adapter';
import { ChannelConnectionRepository } from './channel-connection.repository';
import { type PollKind } from './channel-cursor.repository';
import { CHANNEL_ADAPTER } from './channel.tokens';
import { type ConnectorJob } from './connector-work';

const INTERVAL_NAME = 'connector-poll';
/** Inventory levels are read once an hour; pushes, not reads, carry QuickBooks' changes out. */
const INVENTORY_REPORT_MS = 60 * 60 * 1000;

/** Returns the record kinds an adapter can poll. */
export function pollKinds(adapter: ChannelAdapter): PollKind[] {
  const kinds: PollKind[] = [];

  if (adapter.capabilities.pollOrders && adapter.pollOrders) {
    kinds.push('orders');
  }

  if (adapter.capabilities.pollRefunds && adapter.pollRefunds) {
    kinds.push('refunds');
  }

  if (adapter.capabilities.pollPayouts && adapter.pollPayouts) {
    kinds.push('payouts');
  }

  return kinds;
}

/**
 * Queues a poll of every connection every `pollIntervalMinutes`. Every replica ticks, and each
 * queues the same job with the same message id (connection, kind, interval number), so JetStream
 * keeps one and the work queue runs it once.
 */
@Injectable()
export class PollScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger: AppLogger;
  private ticking = false;

  constructor(
    @Inject(CHANNEL_ADAPTER) private readonly adapter: ChannelAdapter,
    @Inject(APP_CONFIG) private readonly config: ConnectorsConfig,
    private readonly connections: ChannelConnectionRepository,
    private readonly jetStream: JetStreamService,
    private readonly scheduler: SchedulerRegistry,
    logger: AppLogger,
  ) {
    this.logger = logger.child(PollScheduler.name);
  }

  onApplicationBootstrap(): void {
    if (
      !this.config.POLLING_ENABLED ||
      (pollKinds(this.adapter).length === 0 && !this.reportsInventory())
    ) {
      return;
    }

    const timer = setInterval(() => void this.tick(), this.config.POLL_TICK_SECONDS * 1000);

    this.scheduler.addInterval(INTERVAL_NAME, timer);
  }

  /** Stops the schedule before the workers drain, so no tick queues work while NATS closes. */
  beforeApplicationShutdown(): void {
    if (this.scheduler.doesExist('interval', INTERVAL_NAME)) {
      this.scheduler.deleteInterval(INTERVAL_NAME);
    }
  }

  /** Queues the polls that are due; returns how many new jobs JetStream stored. */
  async tick(now = new Date()): Promise<number> {
    if (this.ticking) {
      return 0;
    }

    this.ticking = true;

    try {
      const connections = await this.connections.listAll((unreadable, error) => {
        this.logger.warn('Skipped polling a connection whose credentials do not decrypt', {
          ...unreadable,
          reason: error instanceof Error ? error.message : String(error),
          fix: 'Start the connectors with the ENCRYPTION_KEY the connection was stored with, or connect the channel again',
        });
      });
      let queued = 0;

      for (const connection of connections) {
        queued += await this.queueDuePolls(connection, now);
      }

      return queued;
    } catch (error) {
      this.logger.error('Poll schedule tick failed', error);

      return 0;
    } finally {
      this.ticking = false;
    }
  }

  private async queueDuePolls(connection: ChannelConnection, now: Date): Promise<number> {
    if (!(this.adapter.canCallApi?.(connection.credentials) ?? true)) {
      return 0;
    }

    // The channel rejected the stored grant, so every call would fail until the merchant
    // reconnects. The sync log already records that once, and polls would only repeat it.
    if (connection.status === 'reconnect_needed') {
      return 0;
    }

    const slot = Math.floor(now.getTime() / (connection.settings.pollIntervalMinutes * 60_000));
    let queued = 0;

    for (const kind of pollKinds(this.adapter)) {
      const job: ConnectorJob = { type: 'poll', connectionId: connection.connectionId, kind, slot };
      const ack = await this.jetStream.publish(connectorWorkSubject(this.adapter.channel), job, {
        messageId: `${connection.connectionId}:poll:${kind}:${connection.settings.pollIntervalMinutes}:${slot}`,
      });

      queued += ack.duplicate ? 0 : 1;
    }

    if (this.reportsInventory()) {
      const hour = Math.floor(now.getTime() / INVENTORY_REPORT_MS);
      const job: ConnectorJob = {
        type: 'inventory',
        connectionId: connection.connectionId,
        slot: hour,
      };
      const ack = await this.jetStream.publish(connectorWorkSubject(this.adapter.channel), job, {
        messageId: `${connection.connectionId}:inventory:${hour}`,
      });

      queued += ack.duplicate ? 0 : 1;
    }

    return queued;
  }

  private reportsInventory(): boolean {
    return this.adapter.capabilities.inventoryRead && this.adapter.readInventory !== undefined;
  }
}
