import { withInfrastructure } from '@qbsync/testing';
import { type TestingModule } from '@nestjs/testing';

import { type ConnectionKit, realmStats, startConnectionKit } from '../../test/qbo-connection-kit';
import { QboApiClient } from '../api/qbo-api.client';
import { QboFaultError } from '../api/qbo-api.errors';
import { QboAccess } from '../connection/qbo-access';
import { QboRateGovernor } from './qbo-rate-governor';

describe(QboRateGovernor.name, () => {
  const infra = withInfrastructure();
  let kit: ConnectionKit;

  beforeAll(async () => {
    kit = await startConnectionKit(infra);
  });

  afterAll(async () => {
    await kit?.close();
  });

  afterEach(async () => {
    await kit.admin('PUT', '/limits', { preset: 'none' });
    await kit.admin('DELETE', '/faults');
  });

  /** Reads Preferences `count` times, spread over the replicas, all at once. */
  async function readPreferences(replicas: TestingModule[], accountId: string, count: number) {
    return Promise.allSettled(
      Array.from({ length: count }, (_, index) => {
        const replica = replicas[index % replicas.length];

        return replica.get(QboAccess).withConnection(accountId, (connection) =>
          replica.get(QboApiClient).request({
            realmId: connection.realmId,
            accessToken: connection.accessToken,
            method: 'GET',
            path: 'preferences',
          }),
        );
      }),
    );
  }

  describe('two replicas', () => {
    let replicas: TestingModule[];

    beforeAll(async () => {
      // No retries: a 429 fails the call, so the test counts every throttled request.
      replicas = [
        await kit.startReplica({ QBO_THROTTLE_RETRIES: 0 }),
        await kit.startReplica({ QBO_THROTTLE_RETRIES: 0 }),
      ];
    });

    it('stay within the per-second limit together', async () => {
      await kit.admin('PUT', '/limits', { preset: 'intuit' });
      const { accountId, realmId } = await kit.connectAccount(replicas[0]);
      const results = await readPreferences(replicas, accountId, 30);

      expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
      expect((await realmStats(kit, realmId)).throttledRequests).toBe(0);
    });

    it('are throttled without the governor', async () => {
      // The same burst without spacing, to show the sandbox limit is real.
      await kit.admin('PUT', '/limits', { preset: 'intuit' });
      const { accountId, realmId } = await kit.connectAccount(replicas[0]);
      const connection = await replicas[0]
        .get(QboAccess)
        .withConnection(accountId, async (fresh) => fresh);
      const statuses = await Promise.all(
        Array.from({ length: 30 }, () =>
          fetch(`${kit.sandbox.url}/v3/company/${realmId}/preferences`, {
            headers: { Authorization: `Bearer ${connection.accessToken}` },
          }).then((response) => response.status),
        ),
      );

      expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
      expect((await realmStats(kit, realmId)).throttledRequests).toBeGreaterThan(0);
    });

    it('hold at most the in-flight limit at once', async () => {
      const limited = [
        await kit.startReplica({
          QBO_MAX_IN_FLIGHT: 3,
          QBO_REQUESTS_PER_SECOND: 1000,
          QBO_REQUESTS_PER_MINUTE: 60_000,
        }),
        await kit.startReplica({
          QBO_MAX_IN_FLIGHT: 3,
          QBO_REQUESTS_PER_SECOND: 1000,
          QBO_REQUESTS_PER_MINUTE: 60_000,
        }),
      ];
      let inFlight = 0;
      let highest = 0;
      const realmId = `in-flight-${Date.now()}`;

      await Promise.all(
        Array.from({ length: 24 }, (_, index) =>
          limited[index % 2].get(QboRateGovernor).run(realmId, 'request', async () => {
            inFlight += 1;
            highest = Math.max(highest, inFlight);
            await new Promise((resolve) => setTimeout(resolve, 30));
            inFlight -= 1;
          }),
        ),
      );

      expect(highest).toBeLessThanOrEqual(3);
      expect(highest).toBeGreaterThan(1);
    });

    it('share a pause after 429', async () => {
      const realmId = `pause-${Date.now()}`;
      const [first, second] = replicas;

      await first.get(QboRateGovernor).pause(realmId, 1500, 'throttled');
      const started = Date.now();

      await second.get(QboRateGovernor).run(realmId, 'request', async () => undefined);

      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    });
  });

  describe('429 answers', () => {
    it('are paused for and repeated with the same requestid', async () => {
      const replica = await kit.startReplica({ QBO_THROTTLE_PAUSE_SECONDS: 1 });
      const { accountId, realmId } = await kit.connectAccount(replica);

      await kit.admin('POST', '/faults', {
        realmId,
        match: { method: 'POST', entity: 'Customer' },
        status: 429,
        count: 2,
      });
      const created = await replica.get(QboAccess).withConnection(accountId, (connection) =>
        replica.get(QboApiClient).request<{ Customer: { DisplayName: string } }>({
          realmId,
          accessToken: connection.accessToken,
          method: 'POST',
          path: 'customer',
          body: { DisplayName: 'Throttled Customer' },
          requestId: 'throttled-customer-1',
        }),
      );
      const stats = await realmStats(kit, realmId);

      expect(created.Customer.DisplayName).toBe('Throttled Customer');
      expect(stats.objects.Customer).toBe(1);
      expect(stats.requests.Customer.POST).toBe(3);
    });

    it('fail once the retries are spent', async () => {
      const replica = await kit.startReplica({
        QBO_THROTTLE_PAUSE_SECONDS: 0,
        QBO_THROTTLE_RETRIES: 1,
      });
      const { accountId, realmId } = await kit.connectAccount(replica);

      await kit.admin('POST', '/faults', {
        realmId,
        match: { entity: 'query' },
        status: 429,
        count: 5,
      });
      const failure = await replica
        .get(QboAccess)
        .withConnection(accountId, (connection) =>
          replica
            .get(QboApiClient)
            .query(realmId, connection.accessToken, 'Customer', 'select * from Customer'),
        )
        .catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(QboFaultError);
      expect((failure as QboFaultError).code).toBe('3001');
    });
  });
});
