import { Inject, Injectable } from '@nestjs/common';
import { isDuplicateKeyError, MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import { stableRequestId } from '../api/request-id';
import { ExclusiveClaimRepository } from '../common/exclusive-claim.repository';
import {
  POSTING_LEDGER_MODEL,
  POSTING_OUTCOME_MODEL,
  type PostingLedgerDocument,
  postingLedgerSchema,
  type PostingOutcomeDocument,
  postingOutcomeSchema,
} from './posting-ledger.schema';

/** Abandoned takeovers of one attempt tolerated before the entry needs a person to look at it. */
const MAX_CLAIM_SLOTS = 20;

export interface LedgerKey {
  accountId: string;
  channel: string;
  channelOrderId: string;
  documentKind: string;
  /**
   * Tells apart several documents of one kind for one order: a payment's transaction id, a
   * refund's channel refund id. Absent for the order's one sale document.
   */
  sequence?: string;
}

export type ClaimResult =
  /** This delivery may post. `mayHaveLanded`: an earlier attempt may have reached QuickBooks. */
  | { outcome: 'claimed'; entry: PostingLedgerDocument; mayHaveLanded: boolean }
  | { outcome: 'already_posted'; entry: PostingLedgerDocument }
  /** Another replica is posting it right now. */
  | { outcome: 'busy'; entry: PostingLedgerDocument };

@Injectable()
export class PostingLedgerRepository {
  private readonly model: Model<PostingLedgerDocument>;
  private readonly outcomes: Model<PostingOutcomeDocument>;

  constructor(
    @Inject(MONGOOSE_CONNECTION) connection: Connection,
    private readonly claims: ExclusiveClaimRepository,
  ) {
    this.model = connection.model<PostingLedgerDocument>(POSTING_LEDGER_MODEL, postingLedgerSchema);
    this.outcomes = connection.model<PostingOutcomeDocument>(
      POSTING_OUTCOME_MODEL,
      postingOutcomeSchema,
    );
  }

  /**
   * Claims the right to post `key`. The first claim inserts the entry; the unique index turns every
   * concurrent or later claim into a read of that entry. A pending claim older than
   * `staleAfterMilliseconds` belongs to a replica that stopped, and is taken over.
   */
  async claim(
    key: LedgerKey,
    requestId: string,
    staleAfterMilliseconds: number,
  ): Promise<ClaimResult> {
    const now = new Date();

    const entry: PostingLedgerDocument = {
      _id: ledgerId(key),
      ...key,
      state: 'pending',
      requestId,
      claimedAt: now,
      attempts: 1,
      updatedAt: now,
    };

    try {
      // The driver's collection, past mongoose's document layer: this runs once per order, and
      // the entry is built complete and typed here.
      await this.model.collection.insertOne(entry as never);

      return { outcome: 'claimed', entry, mayHaveLanded: false };
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    }

    const existing = await this.findByKey(key);

    if (!existing) {
      throw new Error(
        `Posting ledger entry for order ${key.channelOrderId} vanished while being claimed`,
      );
    }

    if (existing.state === 'posted') {
      return { outcome: 'already_posted', entry: existing };
    }

    const isStale = now.getTime() - new Date(existing.claimedAt).getTime() > staleAfterMilliseconds;

    if (existing.state === 'pending' && !isStale) {
      return { outcome: 'busy', entry: existing };
    }

    return this.takeOver(key, existing, now, staleAfterMilliseconds);
  }

  private async claimAttempt(
    key: LedgerKey,
    attempt: number,
    now: Date,
    staleAfterMilliseconds: number,
  ): Promise<boolean> {
    return claimAttemptSlot(
      this.claims,
      `${ledgerId(key)}#${attempt}`,
      now,
      staleAfterMilliseconds,
    );
  }

  /**
   * Records that `attempt` posted (the claim's attempt number; read from the entry when omitted).
   * Outcomes are inserted, never updated: an insert costs FerretDB a fraction of an update.
   */
  async markPosted(
    key: LedgerKey,
    result: { realmId: string; documentId: string; docNumber?: string; documentTotal: number },
    attempt?: number,
  ): Promise<void> {
    await this.insertOutcome(key, attempt, { state: 'posted', ...result });
  }

  async markFailed(key: LedgerKey, reason: string, attempt?: number): Promise<void> {
    await this.insertOutcome(key, attempt, { state: 'failed', lastError: reason.slice(0, 2000) });
  }

  /** Leaves the entry pending but lets the next delivery take it over at once, checking for a landed write. */
  async release(key: LedgerKey, reason: string): Promise<void> {
    await this.model.updateOne(
      { _id: ledgerId(key) },
      {
        $set: { claimedAt: new Date(0), lastError: reason.slice(0, 2000), updatedAt: new Date() },
      },
    );
  }

  /** Returns the entry with the outcome of its latest attempt, or null when it was never claimed. */
  async findByKey(key: LedgerKey): Promise<PostingLedgerDocument | null> {
    const entry = await this.model
      .findOne({ _id: ledgerId(key) })
      .lean<PostingLedgerDocument>()
      .exec();

    if (!entry) {
      return null;
    }

    const outcome = await this.outcomes
      .findOne({ _id: outcomeId(entry._id, entry.attempts) })
      .lean<PostingOutcomeDocument>()
      .exec();

    if (!outcome) {
      return entry;
    }

    const {
      _id: _outcomeId,
      ledgerId: _ledgerId,
      attempt: _attempt,
      recordedAt,
      ...result
    } = outcome;
    const merged: PostingLedgerDocument = { ...entry, ...result, updatedAt: recordedAt };

    if (outcome.state === 'posted') {
      delete merged.lastError;
    }

    return merged;
  }

  private async insertOutcome(
    key: LedgerKey,
    attempt: number | undefined,
    outcome: Omit<PostingOutcomeDocument, '_id' | 'ledgerId' | 'attempt' | 'recordedAt'>,
  ): Promise<void> {
    const id = ledgerId(key);
    const attemptNumber =
      attempt ??
      (await this.model.findOne({ _id: id }).lean<PostingLedgerDocument>().exec())?.attempts ??
      1;
    const document: PostingOutcomeDocument = {
      _id: outcomeId(id, attemptNumber),
      ledgerId: id,
      attempt: attemptNumber,
      recordedAt: new Date(),
      ...outcome,
    };

    try {
      await this.outcomes.collection.insertOne(document as never);
    } catch (error) {
      // One outcome per attempt: a repeat of the same attempt's outcome changes nothing.
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
    }
  }

  /**
   * Takes over an entry whose claim is stale or failed. The caller that inserts the claim for
   * the next attempt number wins, because a conditional update cannot decide it on FerretDB (see
   * ExclusiveClaimRepository).
   */
  private async takeOver(
    key: LedgerKey,
    existing: PostingLedgerDocument,
    now: Date,
    staleAfterMilliseconds: number,
  ): Promise<ClaimResult> {
    const attempt = existing.attempts + 1;
    const won = await this.claimAttempt(key, attempt, now, staleAfterMilliseconds);

    if (!won) {
      const current = (await this.findByKey(key)) ?? existing;

      return current.state === 'posted'
        ? { outcome: 'already_posted', entry: current }
        : { outcome: 'busy', entry: current };
    }

    // QuickBooks returns the first result for a repeated requestid, so after a rejection the same
    // id would return the same fault even once the user fixed the cause. A failed attempt's
    // successor writes under an id of its own; an interrupted one keeps the id it may have used.
    const requestId =
      existing.state === 'failed'
        ? stableRequestId(existing.requestId, 'attempt', String(attempt))
        : existing.requestId;

    await this.model.updateOne(
      { _id: ledgerId(key) },
      { $set: { state: 'pending', claimedAt: now, updatedAt: now, attempts: attempt, requestId } },
    );
    const entry = {
      ...existing,
      state: 'pending' as const,
      claimedAt: now,
      attempts: attempt,
      requestId,
    };

    // A pending entry's write may have landed before its replica stopped, and a failed one may have
    // failed on a timeout after QuickBooks committed, so every takeover checks before posting.
    return { outcome: 'claimed', entry, mayHaveLanded: true };
  }
}

/**
 * Inserts the claim for `attempt`. A replica that stopped between inserting its claim and updating
 * the entry leaves a claim that no replica completes, so a claim older than the stale period passes the
 * attempt to the next slot name (`#2~2`, `#2~3`, ...), which again only one caller can insert.
 */
async function claimAttemptSlot(
  claims: ExclusiveClaimRepository,
  baseId: string,
  now: Date,
  staleAfterMilliseconds: number,
): Promise<boolean> {
  for (let slot = 1; slot <= MAX_CLAIM_SLOTS; slot++) {
    const claimId = slot === 1 ? baseId : `${baseId}~${slot}`;

    if (await claims.tryClaim(claimId, 'posting')) {
      return true;
    }

    const holder = await claims.find(claimId);

    if (holder && now.getTime() - new Date(holder.createdAt).getTime() < staleAfterMilliseconds) {
      return false;
    }
  }

  return false;
}

function outcomeId(entryId: string, attempt: number): string {
  return `${entryId}#${attempt}`;
}

export function ledgerId(key: LedgerKey): string {
  const parts = [key.accountId, key.channel, key.channelOrderId, key.documentKind];

  // Entries without a sequence keep the four-part id they had before sequences existed.
  return (key.sequence === undefined ? parts : [...parts, key.sequence]).join('|');
}
