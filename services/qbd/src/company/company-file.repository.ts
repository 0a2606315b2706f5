import { Inject, Injectable } from '@nestjs/common';
import { MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import {
  COMPANY_FILE_MODEL,
  type CompanyFileDocument,
  companyFileSchema,
} from './company-file.schema';

@Injectable()
export class CompanyFileRepository {
  private readonly model: Model<CompanyFileDocument>;

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection) {
    this.model = connection.model<CompanyFileDocument>(COMPANY_FILE_MODEL, companyFileSchema);
  }

  async findByAccountId(accountId: string): Promise<CompanyFileDocument | null> {
    return this.model.findOne({ _id: accountId }).lean<CompanyFileDocument>().exec();
  }

  async findByUserName(userName: string): Promise<CompanyFileDocument | null> {
    return this.model.findOne({ userName }).lean<CompanyFileDocument>().exec();
  }

  async create(document: CompanyFileDocument): Promise<void> {
    await this.model.create(document);
  }

  async update(
    accountId: string,
    fields: Partial<Omit<CompanyFileDocument, '_id' | 'createdAt'>>,
  ): Promise<void> {
    await this.model.updateOne({ _id: accountId }, { $set: { ...fields, updatedAt: new Date() } });
  }
}
