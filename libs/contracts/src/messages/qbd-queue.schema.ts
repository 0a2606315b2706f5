import { z } from 'zod';

import { CHANNELS } from '../order/order.schema';

/**
 * States the Queue tab shows. `sent` is a queued request that is in the message the Web Connector
 * currently holds. `held` waits on a dependency that failed. `unknown` means a session broke
 * before QuickBooks' response arrived, so the request is looked up before any resend. `skipped`
 * and `cancelled` entries are done without posting and appear only when asked for by state.
 */
export const QBD_QUEUE_STATES = [
  'queued',
  'sent',
  'posted',
  'failed',
  'held',
  'unknown',
  'skipped',
  'cancelled',
] as const;
export type QbdQueueState = (typeof QBD_QUEUE_STATES)[number];

/** Request: one page of a company file's queue, oldest first. */
export const qbdQueueListSchema = z.object({
  accountId: z.string().min(1),
  state: z.enum(QBD_QUEUE_STATES).optional(),
  /** Maximum entries returned, 1 to 200. */
  limit: z.number().int().min(1).max(200).default(50),
  /** The `cursor` of the previous page; absent for the first page. */
  cursor: z.string().min(1).optional(),
});
export type QbdQueueList = z.infer<typeof qbdQueueListSchema>;

/** One queued qbXML request as the Queue tab shows it. */
export const qbdQueueEntrySchema = z.object({
  entryId: z.string(),
  state: z.enum(QBD_QUEUE_STATES),
  kind: z.string(),
  /** The qbXML request without `Rq`, for example `SalesReceiptAdd` or `TxnDel`. */
  requestName: z.string(),
  /** The order, refund, payout or inventory adjustment the request came from. */
  entity: z.enum(['order', 'refund', 'payout', 'inventory']).optional(),
  channel: z.string().optional(),
  channelOrderId: z.string().optional(),
  orderNumber: z.string().optional(),
  /** The refund, payout or inventory adjustment id when `entity` is not an order. */
  entityId: z.string().optional(),
  /** Customer or item name of a list entry. */
  listName: z.string().optional(),
  dependsOn: z.array(z.string()),
  attempts: z.number().int(),
  transientFailures: z.number().int(),
  /** QuickBooks' status code and message of the last attempt. */
  statusCode: z.number().int().optional(),
  statusMessage: z.string().optional(),
  fix: z.string().optional(),
  /** QuickBooks' TxnID or ListID once posted. */
  qbId: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type QbdQueueEntry = z.infer<typeof qbdQueueEntrySchema>;

/** Reply: a page of entries and the cursor of the next page, absent on the last one. */
export const qbdQueuePageSchema = z.object({
  entries: z.array(qbdQueueEntrySchema),
  nextCursor: z.string().optional(),
});
export type QbdQueuePage = z.infer<typeof qbdQueuePageSchema>;

/**
 * Request: act on one queue entry. `retry` puts a failed entry and the entries held behind it
 * back in the queue. `skip` marks a failed, held or queued entry done without posting it.
 * `cancel` removes a queued, held or failed entry and everything that waits on it.
 */
export const qbdQueueActionSchema = z.object({
  accountId: z.string().min(1),
  entryId: z.string().min(1),
  action: z.enum(['retry', 'skip', 'cancel']),
});
export type QbdQueueAction = z.infer<typeof qbdQueueActionSchema>;

/** Reply: the entries the action changed, each with its new state. */
export const qbdQueueActionResultSchema = z.object({
  action: z.enum(['retry', 'skip', 'cancel']),
  changed: z.array(z.object({ entryId: z.string(), state: z.enum(QBD_QUEUE_STATES) })),
});
export type QbdQueueActionResult = z.infer<typeof qbdQueueActionResultSchema>;

/**
 * Request: replace a posted order's QuickBooks Desktop document with the order's latest revision.
 * The posted document is deleted with TxnDel and the revision posts after it.
 */
export const qbdOrderReplaceSchema = z.object({
  accountId: z.string().min(1),
  channel: z.enum(CHANNELS),
  channelOrderId: z.string().min(1),
});
export type QbdOrderReplace = z.infer<typeof qbdOrderReplaceSchema>;

/** Reply: the queue entries of the replacement, or why nothing was queued. */
export const qbdOrderReplaceResultSchema = z.object({
  outcome: z.enum(['queued', 'rejected']),
  message: z.string(),
  entryIds: z.array(z.string()),
});
export type QbdOrderReplaceResult = z.infer<typeof qbdOrderReplaceResultSchema>;
