import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppLogger, MONGOOSE_CONNECTION, SecretBox } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import { type QboConfig } from '../qbo.config';
import {
  type MissingItemAction,
  QBO_CONNECTION_MODEL,
  type QboConnectionDocument,
  qboConnectionSchema,
} from './qbo-connection.schema';

export interface QboTokens {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: Date;
  refreshTokenExpiresAt: Date;
}

/** A connection with decrypted tokens, kept in memory only. */
export interface QboConnection extends QboTokens {
  accountId: string;
  connectionId: string;
  realmId: string;
  status: QboConnectionDocument['status'];
  missingItemAction: MissingItemAction;
}

const CACHE_MILLISECONDS = 5_000;

@Injectable()
export class QboConnectionRepository {
  private readonly model: Model<QboConnectionDocument>;
  private readonly secretBox: SecretBox;
  private readonly cache = new Map<string, { connection: QboConnection; expiresAt: number }>();

  private readonly logger: AppLogger;

  constructor(
    @Inject(MONGOOSE_CONNECTION) database: Connection,
    @Inject(APP_CONFIG) config: QboConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child(QboConnectionRepository.name);
    this.model = database.model<QboConnectionDocument>(QBO_CONNECTION_MODEL, qboConnectionSchema);
    this.secretBox = new SecretBox(config.ENCRYPTION_KEY);
  }

  /**
   * Reads an account's connection, reusing a decrypted copy for a few seconds so that a burst of
   * orders costs one read. A token another replica refreshed meanwhile is still valid until its
   * own expiry, so a slightly old copy is safe for API calls; refreshing needs `fresh`.
   */
  async findByAccountId(accountId: string, fresh = false): Promise<QboConnection | null> {
    const cached = this.cache.get(accountId);

    if (!fresh && cached && cached.expiresAt > Date.now()) {
      return cached.connection;
    }

    const document = await this.model.findOne({ accountId }).lean<QboConnectionDocument>().exec();
    const connection = document ? this.decrypt(document) : null;

    if (connection) {
      this.cache.set(accountId, { connection, expiresAt: Date.now() + CACHE_MILLISECONDS });
    }

    return connection;
  }

  /** Connections of a realm (one company may be connected to several accounts). */
  async findByRealmId(realmId: string): Promise<QboConnection[]> {
    const documents = await this.model
      .find({ realmId, status: 'connected' })
      .lean<QboConnectionDocument[]>()
      .exec();

    return this.decryptReadable(documents);
  }

  /** Lists every connection whose tokens work, for scheduled jobs that visit each company. */
  async listConnected(): Promise<QboConnection[]> {
    const documents = await this.model
      .find({ status: 'connected' })
      .lean<QboConnectionDocument[]>()
      .exec();

    return this.decryptReadable(documents);
  }

  /** Erases the tokens and marks the connection disconnected; settings stay for a reconnect. */
  async markDisconnected(accountId: string): Promise<void> {
    this.cache.delete(accountId);
    await this.model.updateOne(
      { accountId },
      {
        $set: {
          status: 'disconnected',
          encryptedAccessToken: '',
          encryptedRefreshToken: '',
          accessTokenExpiresAt: new Date(0),
          updatedAt: new Date(),
        },
      },
    );
  }

  async upsert(connection: Omit<QboConnection, 'status'>): Promise<void> {
    this.cache.delete(connection.accountId);
    await this.model.updateOne(
      { accountId: connection.accountId },
      {
        $set: {
          connectionId: connection.connectionId,
          realmId: connection.realmId,
          status: 'connected',
          missingItemAction: connection.missingItemAction,
          ...this.encryptTokens(connection),
          updatedAt: new Date(),
        },
      },
      { upsert: true },
    );
  }

  /** Stores rotated tokens in one single-document update, so the newest refresh token is never lost. */
  async saveRefreshedTokens(accountId: string, tokens: QboTokens): Promise<void> {
    this.cache.delete(accountId);
    await this.model.updateOne(
      { accountId },
      {
        $set: { ...this.encryptTokens(tokens), status: 'connected', updatedAt: new Date() },
      },
    );
  }

  async markReconnectNeeded(accountId: string): Promise<void> {
    this.cache.delete(accountId);
    await this.model.updateOne(
      { accountId },
      {
        $set: { status: 'reconnect_needed', updatedAt: new Date() },
      },
    );
  }

  private encryptTokens(tokens: QboTokens): Partial<QboConnectionDocument> {
    return {
      encryptedAccessToken: this.secretBox.encrypt(tokens.accessToken),
      encryptedRefreshToken: this.secretBox.encrypt(tokens.refreshToken),
      accessTokenExpiresAt: tokens.accessTokenExpiresAt,
      refreshTokenExpiresAt: tokens.refreshTokenExpiresAt,
    };
  }

  /**
   * Decrypts each document and leaves out those whose tokens do not decrypt with ENCRYPTION_KEY
   * (stored under another key), so one unusable connection does not stop a job for every company.
   */
  private decryptReadable(documents: QboConnectionDocument[]): QboConnection[] {
    const connections: QboConnection[] = [];

    for (const document of documents) {
      try {
        connections.push(this.decrypt(document));
      } catch (error) {
        this.logger.warn('Skipped a QuickBooks connection whose tokens do not decrypt', {
          accountId: document.accountId,
          realmId: document.realmId,
          reason: (error as Error).message,
        });
      }
    }

    return connections;
  }

  private decrypt(document: QboConnectionDocument): QboConnection {
    return {
      accountId: document.accountId,
      connectionId: document.connectionId,
      realmId: document.realmId,
      status: document.status,
      missingItemAction: document.missingItemAction ?? 'create',
      accessToken: decryptOptional(this.secretBox, document.encryptedAccessToken),
      refreshToken: decryptOptional(this.secretBox, document.encryptedRefreshToken),
      accessTokenExpiresAt: new Date(document.accessTokenExpiresAt),
      refreshTokenExpiresAt: new Date(document.refreshTokenExpiresAt),
    };
  }
}

function decryptOptional(secretBox: SecretBox, encrypted: string | undefined): string {
  return encrypted ? secretBox.decrypt(encrypted) : '';
}
