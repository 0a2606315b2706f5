import { type SyncEvent } from '@qbsync/contracts';
import { Schema } from 'mongoose';

/** A sync event as stored for the activity log; `occurredAt` is a Date so the purge job can compare it. */
export type SyncEventDocument = Omit<SyncEvent, 'occurredAt'> & {
  /** The event id, so a republished event hits the unique `_id` index. */
  _id: string;
  occurredAt: Date;
  recordedAt: Date;
};

export const syncEventSchema = new Schema<SyncEventDocument>(
  {
    _id: { type: String, required: true },
    eventId: { type: String, required: true },
    accountId: { type: String, required: true },
    connectionId: String,
    channel: { type: String, required: true },
    channelOrderId: String,
    orderNumber: String,
    entity: String,
    entityId: String,
    stage: { type: String, required: true },
    status: { type: String, required: true },
    message: { type: String, required: true },
    fix: String,
    documentKind: String,
    documentId: String,
    documentNumber: String,
    currency: String,
    channelTotal: Number,
    documentTotal: Number,
    ruleSetVersion: Number,
    appliedRules: { type: [String], default: undefined },
    realmId: String,
    occurredAt: { type: Date, required: true },
    recordedAt: { type: Date, required: true },
  },
  { collection: 'sync_events', versionKey: false },
);
syncEventSchema.index({ accountId: 1, occurredAt: -1 });
syncEventSchema.index({ occurredAt: 1 });
