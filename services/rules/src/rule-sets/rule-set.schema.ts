import { Schema } from 'mongoose';

/** An account's rule set: where its orders go, and (as rules are added) how they are rewritten. */
export interface RuleSetDocument {
  accountId: string;
  target: 'qbo' | 'qbd';
  /** Incremented on every change; a sync event records the version that rewrote an order. */
  version: number;
  updatedAt: Date;
}

export const RULE_SET_MODEL = 'RuleSet';

export const ruleSetSchema = new Schema<RuleSetDocument>(
  {
    accountId: { type: String, required: true },
    target: { type: String, required: true, enum: ['qbo', 'qbd'] },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'rule_sets', versionKey: false },
);
ruleSetSchema.index({ accountId: 1 }, { unique: true });
