import { Inject, Injectable } from '@nestjs/common';
import { MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import {
  type AccountDocument,
  accountSchema,
  type ConnectionDocument,
  connectionSchema,
  type OAuthStateDocument,
  oauthStateSchema,
} from './account.schema';

@Injectable()
export class AccountRepository {
  private readonly accounts: Model<AccountDocument>;
  private readonly connections: Model<ConnectionDocument>;
  private readonly oauthStates: Model<OAuthStateDocument>;

  constructor(@Inject(MONGOOSE_CONNECTION) database: Connection) {
    this.accounts = database.model<AccountDocument>('Account', accountSchema);
    this.connections = database.model<ConnectionDocument>('Connection', connectionSchema);
    this.oauthStates = database.model<OAuthStateDocument>('OAuthState', oauthStateSchema);
  }

  async createAccount(account: AccountDocument): Promise<void> {
    await this.accounts.create(account);
  }

  async findAccount(accountId: string): Promise<AccountDocument | null> {
    return this.accounts.findOne({ accountId }, { _id: 0 }).lean<AccountDocument>().exec();
  }

  async upsertConnection(connection: ConnectionDocument): Promise<void> {
    await this.connections.updateOne(
      { connectionId: connection.connectionId },
      { $set: connection },
      { upsert: true },
    );
  }

  /** Sets the status of a listed connection. An unknown connection id changes nothing. */
  async setConnectionStatus(
    connectionId: string,
    status: ConnectionDocument['status'],
  ): Promise<void> {
    await this.connections.updateOne({ connectionId }, { $set: { status, updatedAt: new Date() } });
  }

  async listConnections(accountId: string): Promise<ConnectionDocument[]> {
    return this.connections
      .find({ accountId }, { _id: 0 })
      .sort({ updatedAt: 1 })
      .lean<ConnectionDocument[]>()
      .exec();
  }

  async saveOAuthState(state: OAuthStateDocument): Promise<void> {
    await this.oauthStates.create(state);
  }

  /** Reads and deletes a state in one step, so a state value works once. */
  async takeOAuthState(state: string): Promise<OAuthStateDocument | null> {
    return this.oauthStates.findOneAndDelete({ state }).lean<OAuthStateDocument>().exec();
  }

  async purgeExpiredOAuthStates(now: Date): Promise<number> {
    const result = await this.oauthStates.deleteMany({ expiresAt: { $lt: now } });

    return result.deletedCount;
  }
}
