import { Schema } from 'mongoose';

import { type ListCursor } from '../lists/list-refresh';

/** The reason a request of the message the Web Connector has was sent. */
export type InFlightPurpose = 'post' | 'lookup' | 'list' | 'refresh';

/** One request of the message the Web Connector is processing, by its `requestID`. */
export interface InFlightRequest {
  requestId: string;
  purpose: InFlightPurpose;
  /** The queue entry posted, looked up or refreshed. */
  entryId?: string;
  /** The list read, for `list` requests. */
  listType?: string;
}

/** One Web Connector session, identified by the ticket `authenticate` returned. */
export interface SessionDocument {
  /** The ticket. */
  _id: string;
  accountId: string;
  createdAt: Date;
  /** The ticket stops working after this moment, or after `idleSeconds` without a call. */
  expiresAt: Date;
  lastSeenAt: Date;
  closedAt?: Date;
  companyFile?: string;
  qbxmlVersion?: string;
  /** Requests of the message last handed out by sendRequestXML, until its response arrives. */
  inFlight: InFlightRequest[];
  messageSentAt?: Date;
  /** Requests per message for the next sendRequestXML. */
  batchSize: number;
  /** Lists still to read in this session, and their open iterators. */
  listCursor?: ListCursor;
  lastError?: string;
  stats: { messages: number; posted: number; failed: number; lookedUp: number };
  /** Queued and unknown entries when the session started, the base of its percentage done. */
  workAtStart: number;
  /** False once a selection found no unknown entries and no response left one unknown since. */
  unknownPossible: boolean;
}

export const SESSION_MODEL = 'QbdSession';

export const sessionSchema = new Schema<SessionDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    closedAt: { type: Date },
    companyFile: { type: String },
    qbxmlVersion: { type: String },
    inFlight: { type: Schema.Types.Mixed, default: [] },
    messageSentAt: { type: Date },
    batchSize: { type: Number, required: true },
    listCursor: { type: Schema.Types.Mixed },
    lastError: { type: String },
    stats: { type: Schema.Types.Mixed, required: true },
    workAtStart: { type: Number, required: true, default: 0 },
    unknownPossible: { type: Boolean, required: true, default: true },
  },
  { collection: 'qbd_sessions', versionKey: false, minimize: false },
);
sessionSchema.index({ accountId: 1, createdAt: -1 });

/**
 * The lock that keeps one session per company file: a document whose `_id` is the account id,
 * inserted by the session that wins it, because only a unique insert is exclusive on FerretDB.
 */
export interface SessionLockDocument {
  _id: string;
  ticket: string;
  acquiredAt: Date;
}

export const SESSION_LOCK_MODEL = 'QbdSessionLock';

export const sessionLockSchema = new Schema<SessionLockDocument>(
  {
    _id: { type: String, required: true },
    ticket: { type: String, required: true },
    acquiredAt: { type: Date, required: true },
  },
  { collection: 'qbd_session_locks', versionKey: false },
);
