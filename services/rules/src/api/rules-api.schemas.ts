import { z } from 'zod';

import { ruleInputSchema } from '../engine/rule.model';
import { MAPPING_TABLES } from '../transfer/rules-csv';

const accountId = z.string().trim().min(1, 'is missing').max(200);
const ruleId = z.string().trim().min(1, 'is missing').max(100);
/** Drafts are capped only by message size; NATS carries at most 1 MB by default. */
const draftRules = z.array(ruleInputSchema).max(100_000);

/**
 * Most rules one reply carries. Replies travel as one NATS message (1 MB by default), so longer
 * rule lists are read page by page with `offset`.
 */
export const MAX_RULES_PER_REPLY = 1_000;

const page = {
  /** Rules to skip, counted from the first. */
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().positive().max(MAX_RULES_PER_REPLY).default(MAX_RULES_PER_REPLY),
};

export const listRequestSchema = z.object({ accountId, ...page });

export const createRequestSchema = z.object({
  accountId,
  rule: ruleInputSchema,
  /** 1-based position to insert at; the end when absent. */
  position: z.number().int().positive().optional(),
});

/** Request to create a rule from a catalogue template; `rule` contains the fields that differ. */
export const createFromTemplateRequestSchema = z.object({
  accountId,
  fromTemplate: z.string().trim().min(1).max(100),
  rule: z.record(z.string(), z.unknown()).default({}),
  position: z.number().int().positive().optional(),
});

export const updateRequestSchema = z.object({ accountId, ruleId, rule: ruleInputSchema });

export const deleteRequestSchema = z.object({ accountId, ruleId });

export const reorderRequestSchema = z.object({
  accountId,
  ruleIds: z.array(ruleId).max(100_000),
});

export const versionsRequestSchema = z.object({
  accountId,
  /** One version with its rules; the list of versions when absent. */
  version: z.number().int().positive().optional(),
  /** Versions to list, or rules of the one version to return. */
  limit: z.number().int().positive().max(1_000).default(100),
  /** Rules of the one version to skip. */
  offset: z.number().int().min(0).default(0),
});

export const restoreRequestSchema = z.object({ accountId, version: z.number().int().positive() });

export const previewRequestSchema = z.object({
  accountId,
  /** Channel order id or order number of a recently received order; the newest when absent. */
  order: z.string().trim().min(1).max(200).optional(),
  connectionId: z.string().trim().min(1).max(200).optional(),
  /** Draft rules to run instead of the stored ones. */
  rules: draftRules.optional(),
  /** A stored version to run instead of the newest. */
  version: z.number().int().positive().optional(),
});

export const replayRequestSchema = z.object({
  accountId,
  rules: draftRules,
  connectionId: z.string().trim().min(1).max(200).optional(),
  days: z.number().int().positive().max(365).default(7),
  /** Orders to list in the report, of those that would change. */
  sampleSize: z.number().int().min(0).max(1_000).default(100),
});

export const importRequestSchema = z.discriminatedUnion('format', [
  z.object({
    accountId,
    format: z.literal('csv'),
    content: z.string().min(1, 'is empty').max(10_000_000),
    mode: z.enum(['merge', 'replace']).default('merge'),
    dryRun: z.boolean().default(false),
  }),
  z.object({
    accountId,
    format: z.literal('json'),
    content: z.unknown(),
    mode: z.enum(['merge', 'replace']).default('merge'),
    dryRun: z.boolean().default(false),
  }),
  z.object({
    accountId,
    format: z.literal('mapping_csv'),
    table: z.enum(Object.keys(MAPPING_TABLES) as [keyof typeof MAPPING_TABLES]),
    content: z.string().min(1, 'is empty').max(10_000_000),
    mode: z.literal('merge').default('merge'),
    dryRun: z.boolean().default(false),
  }),
]);

export type ImportRequest = z.infer<typeof importRequestSchema>;

export const exportRequestSchema = z.object({
  accountId,
  format: z.enum(['csv', 'json']),
  version: z.number().int().positive().optional(),
  ...page,
});

export const catalogueRequestSchema = z.object({}).passthrough();
