import { Inject, Injectable } from '@nestjs/common';
import { isDuplicateKeyError, MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import {
  EXCLUSIVE_CLAIM_MODEL,
  type ExclusiveClaimDocument,
  exclusiveClaimSchema,
} from './exclusive-claim.schema';

/** Grants a claim name to exactly one caller, across every replica, by a unique insert. */
@Injectable()
export class ExclusiveClaimRepository {
  private readonly model: Model<ExclusiveClaimDocument>;

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection) {
    this.model = connection.model<ExclusiveClaimDocument>(
      EXCLUSIVE_CLAIM_MODEL,
      exclusiveClaimSchema,
    );
  }

  /** Returns true for the one caller whose insert of `claimId` succeeded. */
  async tryClaim(claimId: string, purpose: string): Promise<boolean> {
    try {
      await this.model.create({ _id: claimId, purpose, createdAt: new Date() });

      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        return false;
      }

      throw error;
    }
  }

  async find(claimId: string): Promise<ExclusiveClaimDocument | null> {
    return this.model.findOne({ _id: claimId }).lean<ExclusiveClaimDocument>().exec();
  }

  async release(claimId: string): Promise<void> {
    await this.model.deleteOne({ _id: claimId });
  }

  /** Deletes claims older than `cutoff`, which no caller can still be waiting on. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    const result = await this.model.deleteMany({ createdAt: { $lt: cutoff } });

    return result.deletedCount;
  }
}
