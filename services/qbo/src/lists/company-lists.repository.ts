import { Inject, Injectable } from '@nestjs/common';
import { MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import {
  COMPANY_LISTS_MODEL,
  type CompanyListsDocument,
  companyListsSchema,
} from './company-lists.schema';
import { type CompanyListsSnapshot } from './company-lists.types';

/** Stores the latest lists snapshot of each account, shared by every replica. */
@Injectable()
export class CompanyListsRepository {
  private readonly model: Model<CompanyListsDocument>;

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection) {
    this.model = connection.model<CompanyListsDocument>(COMPANY_LISTS_MODEL, companyListsSchema);
  }

  async find(accountId: string): Promise<CompanyListsSnapshot | null> {
    const document = await this.model
      .findOne({ _id: accountId })
      .lean<CompanyListsDocument>()
      .exec();

    if (!document) {
      return null;
    }

    const { _id, ...lists } = document;

    return { ...lists, accountId: _id, refreshedAt: new Date(lists.refreshedAt) };
  }

  /** Replaces the snapshot in one single-document write. */
  async save(snapshot: CompanyListsSnapshot): Promise<void> {
    const { accountId, ...lists } = snapshot;

    await this.model.replaceOne({ _id: accountId }, { _id: accountId, ...lists }, { upsert: true });
  }
}
