import { Inject, Injectable } from '@nestjs/common';
import { MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import { RULE_SET_MODEL, type RuleSetDocument, ruleSetSchema } from './rule-set.schema';

@Injectable()
export class RuleSetRepository {
  private readonly model: Model<RuleSetDocument>;

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection) {
    this.model = connection.model<RuleSetDocument>(RULE_SET_MODEL, ruleSetSchema);
  }

  async findByAccountId(accountId: string): Promise<RuleSetDocument | null> {
    return this.model.findOne({ accountId }, { _id: 0 }).lean<RuleSetDocument>().exec();
  }

  /**
   * Stores the target and bumps the version in one update.
   * FerretDB 1.24 rejects a projection on findAndModify, so `_id` is dropped here instead.
   * NOTE: FerretDB 1.24 on SQLite does not isolate this read-modify-write, so concurrent changes of
   * one account's rule set can repeat a version there (MongoDB applies it atomically).
   */
  async putTarget(accountId: string, target: RuleSetDocument['target']): Promise<RuleSetDocument> {
    const updated = await this.model
      .findOneAndUpdate(
        { accountId },
        { $set: { target, updatedAt: new Date() }, $inc: { version: 1 } },
        { upsert: true, new: true },
      )
      .lean<RuleSetDocument & { _id?: unknown }>()
      .exec();
    const ruleSet = updated!;

    delete ruleSet._id;

    return ruleSet;
  }
}
