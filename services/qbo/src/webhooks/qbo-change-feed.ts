import { Injectable } from '@nestjs/common';
import { AppLogger } from '@qbsync/platform';

/** One changed QuickBooks object, as a webhook or change data capture reports it. */
export interface QboEntityChange {
  realmId: string;
  /** Entity name as QuickBooks writes it, such as `Customer` or `Account`. */
  entity: string;
  id: string;
  operation: 'Create' | 'Update' | 'Delete' | 'Merge' | 'Void' | 'Emailed' | 'Unknown';
  /** Time QuickBooks changed the object, when the report contains it. */
  changedAt?: Date;
}

export type QboChangeSource = 'webhook' | 'cdc';

export type QboChangeListener = (changes: QboEntityChange[], source: QboChangeSource) => void;

/**
 * Hands changes reported by QuickBooks webhooks and change data capture to whatever keeps a copy of
 * QuickBooks data. The lists cache subscribes for list entities; posting code may subscribe for
 * customers and items. Listeners run synchronously and must not throw. Reports can arrive late or
 * out of order, so a listener rereads from QuickBooks instead of trusting their order.
 */
@Injectable()
export class QboChangeFeed {
  private readonly logger: AppLogger;
  private readonly listeners: QboChangeListener[] = [];

  constructor(logger: AppLogger) {
    this.logger = logger.child(QboChangeFeed.name);
  }

  subscribe(listener: QboChangeListener): void {
    this.listeners.push(listener);
  }

  publish(changes: QboEntityChange[], source: QboChangeSource): void {
    if (changes.length === 0) {
      return;
    }

    for (const listener of this.listeners) {
      try {
        listener(changes, source);
      } catch (error) {
        this.logger.error('A QuickBooks change listener failed', error, { source });
      }
    }
  }
}
