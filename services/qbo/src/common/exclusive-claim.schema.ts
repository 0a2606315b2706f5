import { Schema } from 'mongoose';

/**
 * A claim won by inserting a document with a chosen `_id`. Only one insert of an `_id` succeeds on
 * both MongoDB and FerretDB, whereas FerretDB 1.24 on SQLite applies a conditional update as a
 * read and a separate write, so several racing "compare and set" updates can all succeed.
 */
export interface ExclusiveClaimDocument {
  _id: string;
  purpose: string;
  createdAt: Date;
}

export const EXCLUSIVE_CLAIM_MODEL = 'ExclusiveClaim';

export const exclusiveClaimSchema = new Schema<ExclusiveClaimDocument>(
  {
    _id: { type: String, required: true },
    purpose: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'exclusive_claims', versionKey: false },
);
