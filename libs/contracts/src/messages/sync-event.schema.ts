import { z } from 'zod';

import { CHANNELS } from '../order/order.schema';

export const SYNC_STATUSES = ['received', 'posted', 'skipped', 'failed', 'rejected'] as const;
export type SyncStatus = (typeof SYNC_STATUSES)[number];

export const SYNC_STAGES = ['connector', 'rules', 'qbo', 'qbd', 'inventory'] as const;
export type SyncStage = (typeof SYNC_STAGES)[number];

/**
 * One outcome in the sync activity log. `rejected` is bad input that will never post as sent;
 * `failed` is an order that can be re-synced once the named fix is made.
 */
export const syncEventSchema = z.object({
  /** Unique per outcome; a republished event with the same id is stored once. */
  eventId: z.string().min(1),
  accountId: z.string().min(1),
  connectionId: z.string().optional(),
  channel: z.enum(CHANNELS),
  channelOrderId: z.string().optional(),
  orderNumber: z.string().optional(),
  /** Subject of the outcome; absent means an order. */
  entity: z.enum(['order', 'refund', 'payout', 'inventory', 'connection']).optional(),
  /** The refund, payout or push id when `entity` is not an order. */
  entityId: z.string().optional(),
  stage: z.enum(SYNC_STAGES),
  status: z.enum(SYNC_STATUSES),
  message: z.string().min(1),
  /** What the user can do about a failure, in their words. */
  fix: z.string().optional(),
  documentKind: z.string().optional(),
  documentId: z.string().optional(),
  documentNumber: z.string().optional(),
  currency: z.string().optional(),
  /** The channel's order total, in minor units. */
  channelTotal: z.number().int().optional(),
  /** The total QuickBooks computed for the posted document, in minor units. */
  documentTotal: z.number().int().optional(),
  ruleSetVersion: z.number().int().optional(),
  /** Names of the rules that rewrote the order, in the order they ran. */
  appliedRules: z.array(z.string()).optional(),
  realmId: z.string().optional(),
  /**
   * The connection's new state when this outcome changes it: `reconnect_needed` after the channel
   * rejected the stored grant. The gateway shows it in the connection list until the next connect.
   */
  connectionStatus: z.enum(['reconnect_needed']).optional(),
  occurredAt: z.iso.datetime({ offset: true }),
});

export type SyncEvent = z.infer<typeof syncEventSchema>;
