import { Inject, Injectable } from '@nestjs/common';
import { describeIssues } from '@qbsync/contracts';
import { APP_CONFIG, MONGOOSE_CONNECTION, SecretBox } from '@qbsync/platform';
import { type Connection, type Model } from 'mongoose';

import { type ConnectorsConfig } from '../connectors.config';
import {
  type ChannelAdapter,
  type ChannelConnection,
  type ConnectionSettings,
} from './channel-adapter';
import {
  CHANNEL_CONNECTION_MODEL,
  type ChannelConnectionDocument,
  channelConnectionSchema,
} from './channel-connection.schema';
import { CHANNEL_ADAPTER } from './channel.tokens';

const CACHE_MILLISECONDS = 30_000;
/** Compare-and-set attempts of `replaceSecret` before it reports contention. */
const MAX_SECRET_WRITE_ATTEMPTS = 5;

/** Credentials that fail the channel's credential schema; the message names each field. */
export class InvalidCredentialsError extends Error {
  override readonly name = 'InvalidCredentialsError';
}

export interface StoreConnectionInput {
  accountId: string;
  connectionId: string;
  credentials: Record<string, unknown>;
  settings: ConnectionSettings;
}

/**
 * Channel connections of this deployment's channel. Secret credential fields are sealed with
 * SecretBox before they reach the database and decrypted only in memory. Decrypted connections
 * are reused for 30 seconds, so a webhook burst costs one read.
 */
@Injectable()
export class ChannelConnectionRepository {
  private readonly model: Model<ChannelConnectionDocument>;
  private readonly secretBox: SecretBox;
  private readonly cache = new Map<
    string,
    { connection: ChannelConnection | null; expiresAt: number }
  >();

  constructor(
    @Inject(MONGOOSE_CONNECTION) database: Connection,
    @Inject(APP_CONFIG) config: ConnectorsConfig,
    @Inject(CHANNEL_ADAPTER) private readonly adapter: ChannelAdapter,
  ) {
    this.model =
      (database.models[CHANNEL_CONNECTION_MODEL] as Model<ChannelConnectionDocument> | undefined) ??
      database.model<ChannelConnectionDocument>(CHANNEL_CONNECTION_MODEL, channelConnectionSchema);
    this.secretBox = new SecretBox(config.ENCRYPTION_KEY);
  }

  /**
   * Validates the credentials with the channel's schema and stores the connection, replacing an
   * earlier one with the same id. Throws `InvalidCredentialsError` naming each invalid field.
   */
  async store(input: StoreConnectionInput): Promise<ChannelConnection> {
    const parsed = this.adapter.credentialSchema.safeParse(input.credentials);

    if (!parsed.success) {
      throw new InvalidCredentialsError(
        `${describeIssues(parsed.error.issues)} (${this.adapter.displayName} credentials)`,
      );
    }

    const credentials = parsed.data as Record<string, unknown>;
    const secretNames = new Set<string>(this.adapter.secretFields);
    const secrets: Record<string, unknown> = {};
    const publicCredentials: Record<string, unknown> = {};

    for (const [name, value] of Object.entries(credentials)) {
      if (value === undefined) {
        continue;
      }

      (secretNames.has(name) ? secrets : publicCredentials)[name] = value;
    }

    const now = new Date();
    const webhookLookup = this.webhookLookup(input.connectionId, credentials);

    // A store belongs to one connection: connecting it again (to this or another account) moves
    // it, as reinstalling a channel app does.
    await this.model.deleteMany({ webhookLookup, _id: { $ne: input.connectionId } });
    await this.model.replaceOne(
      { _id: input.connectionId },
      {
        _id: input.connectionId,
        accountId: input.accountId,
        channel: this.adapter.channel,
        webhookLookup,
        publicCredentials,
        sealedSecrets: this.secretBox.encrypt(JSON.stringify(secrets)),
        settings: input.settings,
        createdAt: now,
        updatedAt: now,
      },
      { upsert: true },
    );
    this.cache.clear();

    return {
      accountId: input.accountId,
      connectionId: input.connectionId,
      channel: this.adapter.channel,
      credentials,
      settings: input.settings,
    };
  }

  async findById(connectionId: string, fresh = false): Promise<ChannelConnection | null> {
    return this.findCached(`id:${connectionId}`, fresh, {
      _id: connectionId,
      channel: this.adapter.channel,
    });
  }

  /**
   * Finds the connection a webhook belongs to by the adapter's `webhookKey`. `fresh` skips the
   * cached copy, for a signature that did not match it (the secret may have been rotated).
   */
  async findByWebhookKey(webhookKey: string, fresh = false): Promise<ChannelConnection | null> {
    const lookup = `${this.adapter.channel}:${webhookKey}`;

    return this.findCached(`key:${lookup}`, fresh, { webhookLookup: lookup });
  }

  /**
   * Lists every connection of this channel, for the poll scheduler. A connection whose secrets do
   * not decrypt (stored under another ENCRYPTION_KEY) is left out and passed to `onUnreadable`, so
   * one such connection does not stop polling for the others.
   */
  async listAll(
    onUnreadable: (document: { connectionId: string; accountId: string }, error: unknown) => void,
  ): Promise<ChannelConnection[]> {
    const documents = await this.model
      .find({ channel: this.adapter.channel })
      .lean<ChannelConnectionDocument[]>()
      .exec();
    const connections: ChannelConnection[] = [];

    for (const document of documents) {
      try {
        connections.push(this.decrypt(document));
      } catch (error) {
        onUnreadable({ connectionId: document._id, accountId: document.accountId }, error);
      }
    }

    return connections;
  }

  /**
   * Replaces one secret credential field by compare-and-set: the new value is written only while
   * the stored value is still `expected`, and the write itself matches the sealed secrets it read.
   * Returns false when the field contains another value (a newer refresh token stored by another
   * replica, or credentials the merchant entered again), which is then kept.
   */
  async replaceSecret(
    connectionId: string,
    field: string,
    expected: string,
    next: string,
  ): Promise<boolean> {
    for (let attempt = 0; attempt < MAX_SECRET_WRITE_ATTEMPTS; attempt += 1) {
      const document = await this.model
        .findOne({ _id: connectionId, channel: this.adapter.channel })
        .lean<ChannelConnectionDocument>()
        .exec();

      if (!document) {
        return false;
      }

      const secrets = JSON.parse(this.secretBox.decrypt(document.sealedSecrets)) as Record<
        string,
        unknown
      >;

      if (secrets[field] !== expected) {
        return false;
      }

      const result = await this.model
        .updateOne(
          { _id: connectionId, sealedSecrets: document.sealedSecrets },
          {
            $set: {
              sealedSecrets: this.secretBox.encrypt(JSON.stringify({ ...secrets, [field]: next })),
              updatedAt: new Date(),
            },
          },
        )
        .exec();

      if (result.matchedCount === 1) {
        this.cache.clear();

        return true;
      }
    }

    throw new Error(
      `The secrets of connection ${connectionId} changed ${MAX_SECRET_WRITE_ATTEMPTS} times while ` +
        `${field} was being replaced; retry the call`,
    );
  }

  /** Marks the connection `reconnect_needed`; storing it again with new credentials clears it. */
  async markReconnectNeeded(connectionId: string, reason: string): Promise<void> {
    await this.model
      .updateOne(
        { _id: connectionId, channel: this.adapter.channel },
        { $set: { status: 'reconnect_needed', statusReason: reason, updatedAt: new Date() } },
      )
      .exec();
    this.cache.clear();
  }

  private async findCached(
    cacheKey: string,
    fresh: boolean,
    filter: Record<string, string>,
  ): Promise<ChannelConnection | null> {
    const cached = this.cache.get(cacheKey);

    if (!fresh && cached && cached.expiresAt > Date.now()) {
      return cached.connection;
    }

    const document = await this.model.findOne(filter).lean<ChannelConnectionDocument>().exec();
    const connection = document ? this.decrypt(document) : null;

    this.cache.set(cacheKey, { connection, expiresAt: Date.now() + CACHE_MILLISECONDS });

    return connection;
  }

  private webhookLookup(connectionId: string, credentials: Record<string, unknown>): string {
    const key = this.adapter.webhookKey?.(credentials);

    return key ? `${this.adapter.channel}:${key}` : `${this.adapter.channel}:id:${connectionId}`;
  }

  private decrypt(document: ChannelConnectionDocument): ChannelConnection {
    const secrets = JSON.parse(this.secretBox.decrypt(document.sealedSecrets)) as Record<
      string,
      unknown
    >;
    const settings: ConnectionSettings = {
      statusFilter: document.settings.statusFilter ?? [],
      storeFilter: document.settings.storeFilter ?? [],
      pollIntervalMinutes: document.settings.pollIntervalMinutes,
    };

    if (document.settings.baseUrl) {
      settings.baseUrl = document.settings.baseUrl;
    }

    return {
      accountId: document.accountId,
      connectionId: document._id,
      channel: document.channel,
      credentials: { ...document.publicCredentials, ...secrets },
      settings,
      ...(document.status ? { status: document.status } : {}),
    };
  }
}
