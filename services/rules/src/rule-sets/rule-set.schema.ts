import { Schema } from 'mongoose';

import { type Rule } from '../engine/rule.model';

export type RuleSetTarget = 'qbo' | 'qbd';

/** An account's rule set as the API returns it: where orders go, its version and its rules. */
export interface RuleSetDocument {
  accountId: string;
  target: RuleSetTarget;
  /** 1 for the first change; a sync event records the version that rewrote an order. */
  version: number;
  updatedAt: Date;
}

/**
 * One version of an account's rule set, never updated after it is inserted. Its `_id` is
 * `<accountId>|<version>`, so two concurrent changes that both read version n cannot both store
 * n + 1: the unique `_id` lets exactly one insert win, and the other retries on top of it.
 */
export interface RuleSetVersionDocument extends RuleSetDocument {
  _id: string;
  /** The rules, unless `chunks` names the documents that hold them. */
  rules: Rule[];
  /**
   * Set when the rules are too many for one document (FerretDB and MongoDB cap a document at
   * 16 MB): they are in `rule_set_chunks`, in `count` documents written by the insert `writeId`.
   */
  chunks?: { writeId: string; count: number };
  /** Description of the change, for the version history ("created rule Skip digital SKUs"). */
  change: string;
  /** The version this one copies, when it was made by restoring. */
  restoredFrom?: number;
}

export const RULE_SET_VERSION_MODEL = 'RuleSetVersion';

export const ruleSetVersionSchema = new Schema<RuleSetVersionDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    target: { type: String, required: true, enum: ['qbo', 'qbd'] },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
    // Rules are validated by the engine's zod schemas before they are stored.
    rules: { type: Schema.Types.Mixed, required: true },
    change: { type: String, required: true },
    restoredFrom: { type: Number },
    chunks: { type: Schema.Types.Mixed },
  },
  { collection: 'rule_set_versions', versionKey: false, minimize: false },
);
ruleSetVersionSchema.index({ accountId: 1, version: -1 });

/**
 * The small part of a version (no rules), in a collection of its own so that finding an account's
 * newest version reads a few hundred bytes. FerretDB reads a whole document before it projects,
 * so reading the header from the version itself would load every rule. Inserted right after its
 * version, with the same `_id`; a change that finds a version without a head inserts the head.
 */
export interface RuleSetHeadDocument extends RuleSetDocument {
  _id: string;
  change: string;
  ruleCount: number;
  restoredFrom?: number;
}

export const RULE_SET_HEAD_MODEL = 'RuleSetHead';

export const ruleSetHeadSchema = new Schema<RuleSetHeadDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    target: { type: String, required: true, enum: ['qbo', 'qbd'] },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
    change: { type: String, required: true },
    ruleCount: { type: Number, required: true },
    restoredFrom: { type: Number },
  },
  { collection: 'rule_set_heads', versionKey: false },
);
ruleSetHeadSchema.index({ accountId: 1, version: -1 });

/**
 * A slice of a large version's rules. Its `_id` is `<accountId>|<version>|<writeId>|<index>`: the
 * chunks are inserted before their version, and `writeId` keeps the chunks of a writer that then
 * loses the race for the version number apart from the winner's.
 */
export interface RuleSetChunkDocument {
  _id: string;
  accountId: string;
  rules: Rule[];
}

export const RULE_SET_CHUNK_MODEL = 'RuleSetChunk';

export const ruleSetChunkSchema = new Schema<RuleSetChunkDocument>(
  {
    _id: { type: String, required: true },
    accountId: { type: String, required: true },
    rules: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'rule_set_chunks', versionKey: false, minimize: false },
);

export function ruleSetChunkId(
  accountId: string,
  version: number,
  writeId: string,
  index: number,
): string {
  return `${accountId}|${version}|${writeId}|${index}`;
}

export function ruleSetVersionId(accountId: string, version: number): string {
  return `${accountId}|${version}`;
}

/**
 * The collection release 0.1 kept one document per account in (target and version only). The
 * migration that creates `rule_set_versions` copies each of these into a version with the same
 * number and no rules.
 */
export const LEGACY_RULE_SET_MODEL = 'RuleSet';

export const legacyRuleSetSchema = new Schema<RuleSetDocument>(
  {
    accountId: { type: String, required: true },
    target: { type: String, required: true, enum: ['qbo', 'qbd'] },
    version: { type: Number, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'rule_sets', versionKey: false },
);
legacyRuleSetSchema.index({ accountId: 1 }, { unique: true });
