import { type TestingModule } from '@nestjs/testing';
import { Streams, Subjects, type SyncEvent } from '@qbsync/contracts';
import { AppLogger, createRootLogger, NATS_CONNECTION } from '@qbsync/platform';
import { withInfrastructure } from '@qbsync/testing';
import { JSONCodec, type NatsConnection } from 'nats';

import { type ConnectionKit, startConnectionKit } from '../../test/qbo-connection-kit';
import { QboApiClient } from '../api/qbo-api.client';
import { QboFaultError } from '../api/qbo-api.errors';
import { QboConnectionRepository } from './qbo-connection.repository';
import { QboTokenRefreshJob } from './qbo-token-refresh.job';
import { QboReconnectNeededError, QboTokenService } from './qbo-token.service';

const codec = JSONCodec<SyncEvent>();

describe('QuickBooks Online connection lifecycle', () => {
  const infra = withInfrastructure();
  let kit: ConnectionKit;
  let replica: TestingModule;

  beforeAll(async () => {
    kit = await startConnectionKit(infra);
    replica = await kit.startReplica();
  });

  afterAll(async () => {
    await kit?.close();
  });

  /** Every sync event recorded for the account so far. */
  async function syncEventsOf(accountId: string): Promise<SyncEvent[]> {
    const nats = replica.get<NatsConnection>(NATS_CONNECTION);
    const consumer = await nats.jetstream().consumers.get(Streams.Sync.name, {
      filterSubjects: [Subjects.SyncEventRecorded],
    });
    const events: SyncEvent[] = [];
    const pending = (await consumer.info()).num_pending;

    if (pending === 0) {
      return events;
    }

    const messages = await consumer.fetch({ max_messages: pending, expires: 2000 });

    for await (const message of messages) {
      const event = codec.decode(message.data);

      if (event.accountId === accountId) {
        events.push(event);
      }

      if (message.info.pending === 0) {
        break;
      }
    }

    return events;
  }

  async function storedDocument(accountId: string) {
    return kit.database.collection('qbo_connections').findOne({ accountId });
  }

  describe('invalid_grant', () => {
    it('marks the connection reconnect needed', async () => {
      const { accountId, realmId } = await kit.connectAccount(replica);

      await kit.admin('POST', `/realms/${realmId}/revoke`);
      await expect(replica.get(QboTokenService).refresh(accountId)).rejects.toBeInstanceOf(
        QboReconnectNeededError,
      );
      expect((await storedDocument(accountId))?.status).toBe('reconnect_needed');
    });

    it('records one sync-log entry however often it is hit', async () => {
      const { accountId, realmId } = await kit.connectAccount(replica);
      const other = await kit.startReplica();

      await kit.admin('POST', `/realms/${realmId}/revoke`);
      await Promise.allSettled([
        replica.get(QboTokenService).refresh(accountId),
        other.get(QboTokenService).refresh(accountId),
      ]);
      await Promise.allSettled([replica.get(QboTokenService).refresh(accountId)]);
      const events = await syncEventsOf(accountId);

      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        entity: 'connection',
        stage: 'qbo',
        status: 'failed',
        realmId,
      });
      expect(events[0].message).toContain('invalid_grant');
      expect(events[0].fix).toContain('Reconnect');
    });
  });

  describe('disconnect', () => {
    it('revokes the grant at Intuit', async () => {
      const { accountId, realmId } = await kit.connectAccount(replica);
      const before = await replica.get(QboConnectionRepository).findByAccountId(accountId, true);

      await replica.get(QboTokenService).disconnect(accountId);
      const failure = await replica
        .get(QboApiClient)
        .request({ realmId, accessToken: before!.accessToken, method: 'GET', path: 'preferences' })
        .catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(QboFaultError);
      expect((failure as QboFaultError).httpStatus).toBe(401);
    });

    it('erases the stored tokens and keeps the settings', async () => {
      const { accountId } = await kit.connectAccount(replica);

      await replica.get(QboTokenService).disconnect(accountId);
      const stored = await storedDocument(accountId);

      expect(stored).toMatchObject({
        status: 'disconnected',
        encryptedAccessToken: '',
        encryptedRefreshToken: '',
        missingItemAction: 'create',
      });
    });

    it('stops later refreshes without a token request', async () => {
      const { accountId } = await kit.connectAccount(replica);

      await replica.get(QboTokenService).disconnect(accountId);
      const before = kit.sandbox.tokenRequests();

      await expect(replica.get(QboTokenService).refresh(accountId)).rejects.toBeInstanceOf(
        QboReconnectNeededError,
      );
      expect(kit.sandbox.tokenRequests()).toBe(before);
    });

    it('returns null for an unknown account', async () => {
      await expect(replica.get(QboTokenService).disconnect('account-unknown')).resolves.toBeNull();
    });
  });

  describe('connections stored under another key', () => {
    it('are skipped when listing connections', async () => {
      const { accountId, realmId } = await kit.connectAccount(replica);
      const other = await kit.startReplica({
        ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      });
      const listed = await other.get(QboConnectionRepository).findByRealmId(realmId);

      expect(listed).toEqual([]);
      expect(
        (await replica.get(QboConnectionRepository).findByRealmId(realmId)).map(
          (connection) => connection.accountId,
        ),
      ).toEqual([accountId]);
    });
  });

  describe(QboTokenRefreshJob.name, () => {
    const logger = new AppLogger(createRootLogger('token-job-spec', 'silent'));

    it('refreshes an access token close to expiry', async () => {
      const { accountId } = await kit.connectAccount(replica);
      const connections = replica.get(QboConnectionRepository);
      const before = await connections.findByAccountId(accountId, true);

      await kit.database
        .collection('qbo_connections')
        .updateOne(
          { accountId },
          { $set: { accessTokenExpiresAt: new Date(Date.now() + 60_000) } },
        );
      const job = new QboTokenRefreshJob(
        connections,
        replica.get(QboTokenService),
        { addInterval: () => undefined } as never,
        logger,
      );

      await job.runOnce();
      const after = await connections.findByAccountId(accountId, true);

      expect(after!.accessToken).not.toBe(before!.accessToken);
      expect(after!.refreshToken).not.toBe(before!.refreshToken);
      expect(after!.accessTokenExpiresAt.getTime()).toBeGreaterThan(Date.now() + 50 * 60_000);
    });

    it('leaves a token far from expiry alone', async () => {
      const { accountId } = await kit.connectAccount(replica);
      const connections = replica.get(QboConnectionRepository);
      const before = await connections.findByAccountId(accountId, true);
      const job = new QboTokenRefreshJob(
        connections,
        replica.get(QboTokenService),
        { addInterval: () => undefined } as never,
        logger,
      );

      await job.runOnce();
      expect((await connections.findByAccountId(accountId, true))!.accessToken).toBe(
        before!.accessToken,
      );
    });
  });
});
