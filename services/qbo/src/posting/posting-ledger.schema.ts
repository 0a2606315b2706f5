import { Schema } from 'mongoose';

/**
 * pending: a replica is posting it (or crashed while posting; see `claimedAt`).
 * posted: the document exists in QuickBooks. failed: QuickBooks refused it or it could not be
 * sent; a re-sync may post it after the fix.
 */
export type LedgerState = 'pending' | 'posted' | 'failed';

/**
 * One entry per channel order and document kind. The unique `_id` index on that key is what makes
 * an order post at most once, whatever is redelivered or retried and however many replicas run.
 * FerretDB 1.24 on SQLite looks up a filter of `_id` alone by index (its PostgreSQL backend scans).
 */
export interface PostingLedgerDocument {
  /** `<accountId>|<channel>|<channelOrderId>|<documentKind>`: the key, so its unique index is `_id`'s. */
  _id: string;
  accountId: string;
  channel: string;
  channelOrderId: string;
  documentKind: string;
  /** A payment's transaction id or a refund's channel refund id; see LedgerKey. */
  sequence?: string;
  state: LedgerState;
  /** QuickBooks `requestid` of the write; kept for every retry so QuickBooks replays, not repeats. */
  requestId: string;
  claimedAt: Date;
  attempts: number;
  realmId?: string;
  documentId?: string;
  docNumber?: string;
  /** Total QuickBooks computed, in minor units. */
  documentTotal?: number;
  lastError?: string;
  updatedAt: Date;
}

export const POSTING_LEDGER_MODEL = 'PostingLedger';

export const postingLedgerSchema = new Schema<PostingLedgerDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    channel: { type: String, required: true },
    channelOrderId: { type: String, required: true },
    documentKind: { type: String, required: true },
    sequence: { type: String },
    state: { type: String, required: true, enum: ['pending', 'posted', 'failed'] },
    requestId: { type: String, required: true },
    claimedAt: { type: Date, required: true },
    attempts: { type: Number, required: true },
    realmId: { type: String },
    documentId: { type: String },
    docNumber: { type: String },
    documentTotal: { type: Number },
    lastError: { type: String },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'posting_ledger', versionKey: false },
);

/**
 * The outcome of one attempt at posting a ledger entry, inserted once and never changed, so the
 * entry itself is written only when claimed or taken over. `_id` is `<ledger id>#<attempt>`.
 */
export interface PostingOutcomeDocument {
  _id: string;
  ledgerId: string;
  attempt: number;
  state: 'posted' | 'failed';
  realmId?: string;
  documentId?: string;
  docNumber?: string;
  documentTotal?: number;
  lastError?: string;
  recordedAt: Date;
}

export const POSTING_OUTCOME_MODEL = 'PostingOutcome';

export const postingOutcomeSchema = new Schema<PostingOutcomeDocument>(
  {
    _id: { type: String, required: true },
    ledgerId: { type: String, required: true },
    attempt: { type: Number, required: true },
    state: { type: String, required: true, enum: ['posted', 'failed'] },
    realmId: { type: String },
    documentId: { type: String },
    docNumber: { type: String },
    documentTotal: { type: Number },
    lastError: { type: String },
    recordedAt: { type: Date, required: true },
  },
  { collection: 'posting_outcomes', versionKey: false },
);
