import { Schema } from 'mongoose';

/**
 * The record QuickBooks returned for a posted queue entry. It is kept apart from the entry so the
 * results of a whole message are stored with one insert instead of one update each.
 */
export interface QueueResultDocument {
  /** The queue entry's `_id`. */
  _id: string;
  accountId: string;
  /** TxnID of a transaction, ListID of a list entry. */
  qbId: string;
  editSequence?: string;
  refNumber?: string;
  /** QuickBooks' own total of a transaction, as a decimal string. */
  total?: string;
  postedAt: Date;
}

export const QUEUE_RESULT_MODEL = 'QbdQueueResult';

export const queueResultSchema = new Schema<QueueResultDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    qbId: { type: String, required: true },
    editSequence: { type: String },
    refNumber: { type: String },
    total: { type: String },
    postedAt: { type: Date, required: true },
  },
  { collection: 'qbd_queue_results', versionKey: false },
);
