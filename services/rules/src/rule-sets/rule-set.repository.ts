import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';

import { Inject, Injectable } from '@nestjs/common';
import { MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import { type Rule } from '../engine/rule.model';
import {
  RULE_SET_CHUNK_MODEL,
  RULE_SET_HEAD_MODEL,
  type RuleSetChunkDocument,
  ruleSetChunkId,
  ruleSetChunkSchema,
  RULE_SET_VERSION_MODEL,
  type RuleSetDocument,
  type RuleSetHeadDocument,
  ruleSetHeadSchema,
  type RuleSetTarget,
  type RuleSetVersionDocument,
  ruleSetVersionId,
  ruleSetVersionSchema,
} from './rule-set.schema';

/** The content a change works on: the current target and rules. */
export interface RuleSetContent {
  target: RuleSetTarget;
  rules: Rule[];
}

/** A rule-set version without the database `_id`. */
export type RuleSetVersion = Omit<RuleSetVersionDocument, '_id' | 'chunks'>;

export interface VersionSummary {
  version: number;
  target: RuleSetTarget;
  updatedAt: Date;
  change: string;
  ruleCount: number;
  restoredFrom?: number;
}

/** Thrown by a change function to reject the change; nothing is stored. */
export class RuleSetChangeRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuleSetChangeRejected';
  }
}

const DUPLICATE_KEY = 11000;
/**
 * How often a change is retried after a concurrent change took its version number. Each retry
 * reads the newer version, so only a burst of more concurrent writers than this on one account
 * can exhaust it.
 */
const MAX_ATTEMPTS = 50;

const EMPTY: RuleSetContent = { target: 'qbo', rules: [] };

/**
 * Rules stored in one document; a larger version is split into chunks of this many. At a few
 * hundred bytes per rule a chunk stays near 1 MB, far below the 16 MB document limit.
 */
export const RULES_PER_CHUNK = 2_000;

function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number }).code === DUPLICATE_KEY;
}

@Injectable()
export class RuleSetRepository {
  private readonly versions: Model<RuleSetVersionDocument>;
  private readonly heads: Model<RuleSetHeadDocument>;
  private readonly chunks: Model<RuleSetChunkDocument>;

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection) {
    this.versions = connection.model<RuleSetVersionDocument>(
      RULE_SET_VERSION_MODEL,
      ruleSetVersionSchema,
    );
    this.heads = connection.model<RuleSetHeadDocument>(RULE_SET_HEAD_MODEL, ruleSetHeadSchema);
    this.chunks = connection.model<RuleSetChunkDocument>(RULE_SET_CHUNK_MODEL, ruleSetChunkSchema);
  }

  /** Returns the account's newest version with its rules, or null before the first change. */
  async latest(accountId: string): Promise<RuleSetVersion | null> {
    const header = await this.latestHeader(accountId);

    return header ? this.findVersion(accountId, header.version) : null;
  }

  /** Returns the newest version number and target without reading the rules. */
  async latestHeader(accountId: string): Promise<RuleSetDocument | null> {
    return this.heads
      .findOne({ accountId }, { _id: 0, accountId: 1, target: 1, version: 1, updatedAt: 1 })
      .sort({ version: -1 })
      .lean<RuleSetDocument>()
      .exec();
  }

  async findVersion(accountId: string, version: number): Promise<RuleSetVersion | null> {
    const found = await this.versions
      .findOne({ _id: ruleSetVersionId(accountId, version) }, { _id: 0 })
      .lean<Omit<RuleSetVersionDocument, '_id'>>()
      .exec();

    if (!found?.chunks) {
      return found;
    }

    const { chunks, ...stored } = found;

    return { ...stored, rules: await this.readChunks(accountId, version, chunks) };
  }

  /** Lists versions newest first, without their rules. */
  async listVersions(accountId: string, limit: number): Promise<VersionSummary[]> {
    const heads = await this.heads
      .find({ accountId }, { _id: 0 })
      .sort({ version: -1 })
      .limit(limit)
      .lean<RuleSetHeadDocument[]>()
      .exec();

    return heads.map((head) => ({
      version: head.version,
      target: head.target,
      updatedAt: head.updatedAt,
      change: head.change,
      ruleCount: head.ruleCount,
      ...(head.restoredFrom !== undefined ? { restoredFrom: head.restoredFrom } : {}),
    }));
  }

  /** Kept for the account-creation request: the newest version's header, or null. */
  async findByAccountId(accountId: string): Promise<RuleSetDocument | null> {
    return this.latestHeader(accountId);
  }

  /** Stores a new version with `target` and the current rules. */
  async putTarget(accountId: string, target: RuleSetTarget): Promise<RuleSetDocument> {
    const version = await this.change(
      accountId,
      (current) => ({ target, rules: current.rules }),
      `set target ${target}`,
    );

    return header(version);
  }

  /**
   * Applies `mutate` to the newest version and stores the result as the next version. When a
   * concurrent change stored that number first, the unique `_id` rejects this insert, and the
   * change is applied again to the newer version, so no change is lost and no number repeats.
   * `mutate` may throw RuleSetChangeRejected to store nothing.
   */
  async change(
    accountId: string,
    mutate: (current: RuleSetContent, version: number) => RuleSetContent,
    description: string,
    restoredFrom?: number,
  ): Promise<RuleSetVersion> {
    for (let attempt = 1; ; attempt += 1) {
      const current = await this.latest(accountId);
      const next = mutate(current ?? EMPTY, current?.version ?? 0);
      const version = (current?.version ?? 0) + 1;
      const stored: RuleSetVersion = {
        accountId,
        target: next.target,
        version,
        updatedAt: new Date(),
        rules: next.rules,
        change: description,
        ...(restoredFrom !== undefined ? { restoredFrom } : {}),
      };

      const chunks = await this.writeChunks(stored);

      try {
        // Inserted with the driver so the insert stays one plain command; mongoose would copy it.
        await this.versions.collection.insertOne({
          _id: ruleSetVersionId(accountId, version),
          ...stored,
          ...(chunks ? { rules: [], chunks } : {}),
        } as never);
      } catch (error) {
        if (chunks) {
          await this.deleteChunks(accountId, version, chunks);
        }

        if (!isDuplicateKey(error) || attempt >= MAX_ATTEMPTS) {
          throw error;
        }

        // The winner may have stopped before inserting its head, which would hide its version
        // from every reader and make each retry collide again.
        await this.insertMissingHead(accountId, version);
        // Spread the retries of concurrent writers so they do not collide again at once.
        await delay(Math.floor(Math.random() * 5 * attempt));
        continue;
      }

      await this.insertHead(stored);

      return stored;
    }
  }

  /** Inserts a large version's rules in chunks; returns undefined when they fit in the version. */
  private async writeChunks(
    version: RuleSetVersion,
  ): Promise<{ writeId: string; count: number } | undefined> {
    if (version.rules.length <= RULES_PER_CHUNK) {
      return undefined;
    }

    const writeId = randomUUID();
    const count = Math.ceil(version.rules.length / RULES_PER_CHUNK);

    for (let index = 0; index < count; index += 1) {
      await this.chunks.collection.insertOne({
        _id: ruleSetChunkId(version.accountId, version.version, writeId, index),
        accountId: version.accountId,
        rules: version.rules.slice(index * RULES_PER_CHUNK, (index + 1) * RULES_PER_CHUNK),
      } as never);
    }

    return { writeId, count };
  }

  private async readChunks(
    accountId: string,
    version: number,
    chunks: { writeId: string; count: number },
  ): Promise<Rule[]> {
    const ids = chunkIds(accountId, version, chunks);
    const found = await this.chunks
      .find({ _id: { $in: ids } })
      .lean<RuleSetChunkDocument[]>()
      .exec();
    const byId = new Map(found.map((chunk) => [chunk._id, chunk.rules]));

    return ids.flatMap((id) => {
      const rules = byId.get(id);

      if (!rules) {
        throw new Error(`Rule-set chunk ${id} is missing; restore an earlier version`);
      }

      return rules;
    });
  }

  /** Deletes the chunks of a version insert that lost the race or failed. */
  private async deleteChunks(
    accountId: string,
    version: number,
    chunks: { writeId: string; count: number },
  ): Promise<void> {
    await this.chunks.deleteMany({ _id: { $in: chunkIds(accountId, version, chunks) } }).exec();
  }

  private async insertHead(version: RuleSetVersion): Promise<void> {
    try {
      await this.heads.collection.insertOne({
        _id: ruleSetVersionId(version.accountId, version.version),
        accountId: version.accountId,
        target: version.target,
        version: version.version,
        updatedAt: version.updatedAt,
        change: version.change,
        ruleCount: version.rules.length,
        ...(version.restoredFrom !== undefined ? { restoredFrom: version.restoredFrom } : {}),
      } as never);
    } catch (error) {
      if (!isDuplicateKey(error)) {
        throw error;
      }
    }
  }

  private async insertMissingHead(accountId: string, version: number): Promise<void> {
    const exists = await this.heads.exists({ _id: ruleSetVersionId(accountId, version) }).exec();

    if (exists) {
      return;
    }

    const stored = await this.findVersion(accountId, version);

    if (stored) {
      await this.insertHead(stored);
    }
  }
}

function chunkIds(
  accountId: string,
  version: number,
  chunks: { writeId: string; count: number },
): string[] {
  return Array.from({ length: chunks.count }, (_, index) =>
    ruleSetChunkId(accountId, version, chunks.writeId, index),
  );
}

function header(version: RuleSetVersion): RuleSetDocument {
  return {
    accountId: version.accountId,
    target: version.target,
    version: version.version,
    updatedAt: version.updatedAt,
  };
}
