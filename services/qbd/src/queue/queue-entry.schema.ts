import { Schema } from 'mongoose';

/**
 * Lifecycle of a queued qbXML request. A request in the message the Web Connector has stays
 * `queued` and is listed in its session's `inFlight` (the Queue tab shows it as `sent`). `unknown`
 * means a session broke before the response arrived, so the request is looked up before any
 * resend. `held` waits on a dependency that failed. `skipped` and `cancelled` are the user's
 * Queue tab actions: done without posting, and removed with what waited on it.
 */
export const QUEUE_STATES = [
  'queued',
  'posted',
  'failed',
  'held',
  'unknown',
  'skipped',
  'cancelled',
] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** Dependency order inside one company file's queue: lower kinds go first. */
export const ENTRY_KINDS = [
  'customer',
  'item',
  'transaction',
  'payment',
  'refund',
  'deposit',
  'journal',
] as const;
export type EntryKind = (typeof ENTRY_KINDS)[number];

/** A QuickBooks list name a request refers to, checked against the local list copy before sending. */
export interface EntryReference {
  listType: string;
  name: string;
  /** The setting, rule or order field that named it, for the error message. */
  source: string;
}

/** The order, refund, payout or inventory adjustment a queued request came from, for sync events. */
export interface EntryOrigin {
  entity: 'order' | 'refund' | 'payout' | 'inventory';
  channel: string;
  channelOrderId: string;
  orderNumber: string;
  connectionId: string;
  /** The refund, payout or adjustment id when `entity` is not an order. */
  entityId?: string;
  currency: string;
  /** The channel's total in minor units. */
  channelTotal: number;
  ruleSetVersion?: number;
  /** The order's `updatedAt` the entry was built from, to tell an edit from a re-sync. */
  revision?: string;
  /** Notes for the posted event: a cut address, a channel price kept, QuickBooks numbering. */
  notes: string[];
}

/**
 * A queued request as the service uses it. It is stored as two documents: the small index part in
 * `qbd_queue`, which every session query scans, and the immutable payload (qbXML body, references,
 * lookup, origin) in `qbd_queue_payloads`, read only for the entries a message sends. Measured on
 * FerretDB 1.24 with SQLite, every query (even a find by `_id`) took as long as a scan of the
 * whole collection, so the scanned collection must stay small in bytes.
 */
export interface QueueEntryDocument {
  /** `<accountId>|<key>`: an order's document, `customer|<name>`, `item|<name>`. */
  _id: string;
  accountId: string;
  /** Position in the queue: insertion time in microseconds; dependencies sort earlier. */
  seq: number;
  kind: EntryKind;
  /** The qbXML request without `Rq`, for example `SalesReceiptAdd`. */
  requestName: string;
  /** The add or mod element; `{{TxnID:<entry id>}}` marks a dependency's TxnID. */
  body: string;
  dependsOn: string[];
  references: EntryReference[];
  /** Set for customer and item entries: the full name that makes the entry unnecessary. */
  listName?: string;
  listType?: 'Customer' | 'Item';
  /**
   * The transaction type, RefNumber, date and memo stamp (the channel note the memo contains) that
   * find a transaction whose response was lost.
   */
  lookup?: { txnType: string; refNumber?: string; txnDate: string; memoStamp: string };
  /** The document kind of the posting ledger key, for transactions. */
  documentKind?: string;
  customerName?: string;
  origin?: EntryOrigin;
  /** Inventory sites or units of measure the request uses, checked against the file's features. */
  features: string[];
  /** `<entity>|<channel>|<channel order id>` of transactions, to find an order's documents. */
  orderKey?: string;
  state: QueueState;
  attempts: number;
  /** Transient failures (record in use, closed period) retried at later sessions. */
  transientFailures: number;
  /** The session that last got a transient failure or an EditSequence conflict for it. */
  ticket?: string;
  status?: { code: number; message: string };
  fix?: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The fields of a queue entry that live in its payload document. */
export const PAYLOAD_FIELDS = ['body', 'references', 'lookup', 'origin'] as const;

export type QueueIndexDocument = Omit<QueueEntryDocument, (typeof PAYLOAD_FIELDS)[number]>;

export type QueuePayloadDocument = Pick<
  QueueEntryDocument,
  '_id' | 'accountId' | (typeof PAYLOAD_FIELDS)[number]
>;

export const QUEUE_ENTRY_MODEL = 'QbdQueueEntry';
export const QUEUE_PAYLOAD_MODEL = 'QbdQueuePayload';

export const queuePayloadSchema = new Schema<QueuePayloadDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    body: { type: String, required: true },
    references: {
      type: [{ listType: String, name: String, source: String, _id: false }],
      default: [],
    },
    lookup: { type: Schema.Types.Mixed },
    origin: { type: Schema.Types.Mixed },
  },
  { collection: 'qbd_queue_payloads', versionKey: false },
);

export const queueEntrySchema = new Schema<QueueIndexDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    seq: { type: Number, required: true },
    kind: { type: String, required: true, enum: ENTRY_KINDS },
    requestName: { type: String, required: true },
    dependsOn: { type: [String], default: [] },
    listName: { type: String },
    listType: { type: String },
    documentKind: { type: String },
    customerName: { type: String },
    features: { type: [String], default: [] },
    orderKey: { type: String },
    state: { type: String, required: true, enum: QUEUE_STATES },
    attempts: { type: Number, required: true, default: 0 },
    transientFailures: { type: Number, required: true, default: 0 },
    ticket: { type: String },
    status: { type: Schema.Types.Mixed },
    fix: { type: String },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'qbd_queue', versionKey: false },
);
queueEntrySchema.index({ accountId: 1, state: 1, seq: 1 });
