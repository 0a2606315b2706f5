import { z } from 'zod';

export const POLL_KINDS = ['orders', 'refunds', 'payouts'] as const;

/** Published events of an accepted webhook, push or upload, waiting for `enrich` and publishing. */
const eventsJobSchema = z.object({
  type: z.literal('events'),
  connectionId: z.string().min(1),
  // The events were validated against their contracts before they were queued.
  events: z.array(
    z.looseObject({
      kind: z.enum(['order', 'refund', 'payout', 'inventory', 'inventory_adjustment']),
    }),
  ),
});

/**
 * A record an accepted webhook named by id only: read it with the adapter's `fetchRecord` and
 * publish what it returns.
 */
const fetchJobSchema = z.object({
  type: z.literal('fetch'),
  connectionId: z.string().min(1),
  record: z.enum(['order', 'refund']),
  recordId: z.string().min(1),
  channelOrderId: z.string().min(1).optional(),
  topic: z.string().optional(),
  receivedAt: z.iso.datetime({ offset: true }),
});

/** A scheduled poll: read `[cursor - overlap, now)` and move the cursor on. */
const pollJobSchema = z.object({
  type: z.literal('poll'),
  connectionId: z.string().min(1),
  kind: z.enum(POLL_KINDS),
  /** The schedule slot (poll interval number since the epoch), part of the message id. */
  slot: z.number().int(),
});

/** A fixed window for backfill or re-sync; the cursor is left where it is. */
const windowJobSchema = z.object({
  type: z.literal('window'),
  connectionId: z.string().min(1),
  kind: z.enum(POLL_KINDS),
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  reason: z.enum(['backfill', 'resync']),
});

/** A scheduled read of the channel's inventory levels, reported as `InventoryReported`. */
const inventoryJobSchema = z.object({
  type: z.literal('inventory'),
  connectionId: z.string().min(1),
  /** The schedule slot (hour number since the epoch), part of the message id. */
  slot: z.number().int(),
});

export const connectorJobSchema = z.discriminatedUnion('type', [
  eventsJobSchema,
  fetchJobSchema,
  pollJobSchema,
  windowJobSchema,
  inventoryJobSchema,
]);

export type ConnectorJob = z.infer<typeof connectorJobSchema>;
export type FetchJob = z.infer<typeof fetchJobSchema>;
export type PollJob = z.infer<typeof pollJobSchema>;
export type WindowJob = z.infer<typeof windowJobSchema>;

const DAY_MS = 24 * 60 * 60 * 1000;

/** Splits `[from, to)` into windows of at most one day, oldest first. */
export function splitIntoDays(from: Date, to: Date): { from: string; to: string }[] {
  const windows: { from: string; to: string }[] = [];

  for (let start = from.getTime(); start < to.getTime(); start += DAY_MS) {
    const end = Math.min(start + DAY_MS, to.getTime());

    windows.push({ from: new Date(start).toISOString(), to: new Date(end).toISOString() });
  }

  return windows;
}
