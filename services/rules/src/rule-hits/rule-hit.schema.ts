import { Schema } from 'mongoose';

/** Times one rule applied in one replica during one hour. */
export interface RuleHitCount {
  ruleId: string;
  count: number;
  lastHitAt: Date;
}

/**
 * One replica's rule hits for one account in one hour. Its `_id` is
 * `<accountId>|<replicaId>|<hour>`, so each document has a single writer (the replica replaces it
 * as the hour goes on) and no two replicas update the same document.
 */
export interface RuleHitDocument {
  _id: string;
  accountId: string;
  /** Start of the hour the hits fall in. */
  hour: Date;
  hits: RuleHitCount[];
}

export const RULE_HIT_MODEL = 'RuleHit';

export const ruleHitSchema = new Schema<RuleHitDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    hour: { type: Date, required: true },
    hits: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'rule_hits', versionKey: false },
);
ruleHitSchema.index({ accountId: 1, hour: -1 });
ruleHitSchema.index({ hour: 1 });
