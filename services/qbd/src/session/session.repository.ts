import { Inject, Injectable } from '@nestjs/common';
import { isDuplicateKeyError, MONGOOSE_CONNECTION } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import {
  SESSION_LOCK_MODEL,
  SESSION_MODEL,
  type SessionDocument,
  type SessionLockDocument,
  sessionLockSchema,
  sessionSchema,
} from './session.schema';

@Injectable()
export class SessionRepository {
  private readonly sessions: Model<SessionDocument>;
  private readonly locks: Model<SessionLockDocument>;

  constructor(@Inject(MONGOOSE_CONNECTION) connection: Connection) {
    this.sessions = connection.model<SessionDocument>(SESSION_MODEL, sessionSchema);
    this.locks = connection.model<SessionLockDocument>(SESSION_LOCK_MODEL, sessionLockSchema);
  }

  async create(session: SessionDocument): Promise<void> {
    await this.sessions.create(session);
  }

  async find(ticket: string): Promise<SessionDocument | null> {
    return this.sessions.findOne({ _id: ticket }).lean<SessionDocument>().exec();
  }

  async update(ticket: string, fields: Partial<Omit<SessionDocument, '_id'>>): Promise<void> {
    await this.sessions.updateOne({ _id: ticket }, { $set: fields });
  }

  /** Recent sessions of the account that never closed, newest first. */
  async findUnclosed(accountId: string): Promise<SessionDocument[]> {
    return this.sessions
      .find({ accountId, closedAt: { $exists: false } })
      .sort({ createdAt: -1 })
      .limit(20)
      .lean<SessionDocument[]>()
      .exec();
  }

  async unsetListCursor(ticket: string): Promise<void> {
    await this.sessions.updateOne({ _id: ticket }, { $unset: { listCursor: 1 } });
  }

  /**
   * Takes the company file's session lock for `ticket`. A lock held by a session that is closed,
   * expired or idle longer than `idleMilliseconds` is taken over; a live one returns false.
   */
  async acquireLock(accountId: string, ticket: string, idleMilliseconds: number): Promise<boolean> {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        await this.locks.create({ _id: accountId, ticket, acquiredAt: new Date() });

        return true;
      } catch (error) {
        if (!isDuplicateKeyError(error)) {
          throw error;
        }
      }

      const lock = await this.locks.findOne({ _id: accountId }).lean<SessionLockDocument>().exec();

      if (!lock) {
        continue;
      }

      const holder = await this.find(lock.ticket);
      const now = Date.now();
      const alive =
        holder !== null &&
        holder.closedAt === undefined &&
        holder.expiresAt.getTime() > now &&
        now - holder.lastSeenAt.getTime() < idleMilliseconds;

      if (alive) {
        return false;
      }

      // Only the caller whose delete matched the stale ticket goes on to insert.
      await this.locks.deleteOne({ _id: accountId, ticket: lock.ticket });
    }

    return false;
  }

  async releaseLock(accountId: string, ticket: string): Promise<void> {
    await this.locks.deleteOne({ _id: accountId, ticket });
  }

  /** Deletes sessions created before `cutoff`; their tickets expired long ago. */
  async deleteOlderThan(cutoff: Date): Promise<number> {
    const result = await this.sessions.deleteMany({ createdAt: { $lt: cutoff } });

    return result.deletedCount;
  }
}
