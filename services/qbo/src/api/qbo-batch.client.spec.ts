import { type TestingModule } from '@nestjs/testing';
import { withInfrastructure } from '@qbsync/testing';

import { type ConnectionKit, realmStats, startConnectionKit } from '../../test/qbo-connection-kit';
import { QboAccess } from '../connection/qbo-access';
import { QboApiClient } from './qbo-api.client';
import { QboFaultError } from './qbo-api.errors';
import { QboBatchClient } from './qbo-batch.client';

interface CreatedCustomer {
  Customer: { Id: string; DisplayName: string };
}

describe(QboBatchClient.name, () => {
  const infra = withInfrastructure();
  let kit: ConnectionKit;
  let replica: TestingModule;

  beforeAll(async () => {
    kit = await startConnectionKit(infra);
    replica = await kit.startReplica({ QBO_BATCH_LINGER_MS: 100 });
  });

  afterAll(async () => {
    await kit?.close();
  });

  afterEach(async () => {
    await kit.admin('DELETE', '/faults');
  });

  async function createCustomers(accountId: string, names: string[]) {
    const connection = await replica
      .get(QboAccess)
      .withConnection(accountId, async (fresh) => fresh);
    const batches = replica.get(QboBatchClient);

    return Promise.allSettled(
      names.map((name, index) =>
        batches.create<CreatedCustomer>({
          realmId: connection.realmId,
          accessToken: connection.accessToken,
          entity: 'Customer',
          body: { DisplayName: name },
          requestId: `customer-${connection.realmId}-${index}-${name}`,
        }),
      ),
    );
  }

  it('sends a lone create at once', async () => {
    const { accountId, realmId } = await kit.connectAccount(replica);
    const [result] = await createCustomers(accountId, ['Solo']);
    const stats = await realmStats(kit, realmId);

    expect(result.status).toBe('fulfilled');
    expect(stats.requests.Customer.POST).toBe(1);
    expect(stats.requests.batch).toBeUndefined();
  });

  it('coalesces creates that wait into one batch call', async () => {
    const { accountId, realmId } = await kit.connectAccount(replica);
    const results = await createCustomers(accountId, ['Ann', 'Bea', 'Cid', 'Dan', 'Eve']);
    const stats = await realmStats(kit, realmId);

    // The first create finds nothing in flight and goes out alone, and the others wait for it.
    expect(stats.requests.Customer.POST).toBe(1);
    expect(stats.requests.batch.POST).toBe(1);
    expect(stats.objects.Customer).toBe(5);
    expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
  });

  it('gives each caller its own entity', async () => {
    const { accountId } = await kit.connectAccount(replica);
    const results = await createCustomers(accountId, ['Fay', 'Gus']);
    const names = results.map((result) =>
      result.status === 'fulfilled' ? result.value.Customer.DisplayName : undefined,
    );

    expect(names).toEqual(['Fay', 'Gus']);
  });

  it('fails only the item QuickBooks rejected', async () => {
    const { accountId } = await kit.connectAccount(replica);
    const results = await createCustomers(accountId, ['Hal', 'Hal', 'Ivy']);
    const [first, duplicate, other] = results;

    expect(first.status).toBe('fulfilled');
    expect(other.status).toBe('fulfilled');
    expect(duplicate.status).toBe('rejected');
    expect((duplicate as PromiseRejectedResult).reason).toBeInstanceOf(QboFaultError);
    expect(((duplicate as PromiseRejectedResult).reason as QboFaultError).code).toBe('6240');
  });

  it('treats a SystemFault item as transient', async () => {
    const { accountId, realmId } = await kit.connectAccount(replica);

    await kit.admin('POST', '/faults', {
      realmId,
      match: { method: 'BATCH', entity: 'Customer' },
      status: 500,
      count: 1,
    });
    const [alone, failed, created] = await createCustomers(accountId, ['Jon', 'Kim', 'Lou']);

    expect(alone.status).toBe('fulfilled');
    expect(((failed as PromiseRejectedResult).reason as QboFaultError).isTransient).toBe(true);
    expect(created.status).toBe('fulfilled');
  });

  it('reports an item rejected with 2500 as a stale reference', async () => {
    const { accountId, realmId } = await kit.connectAccount(replica);
    const reported: string[] = [];

    replica.get(QboApiClient).onStaleReference((faultRealmId) => reported.push(faultRealmId));
    await kit.admin('POST', '/faults', {
      realmId,
      match: { method: 'BATCH', entity: 'Customer' },
      status: 400,
      code: '2500',
      count: 1,
    });
    await createCustomers(accountId, ['Nia', 'Ola', 'Pia']);

    expect(reported).toEqual([realmId]);
  });

  it('splits more than 30 waiting creates into several batches', async () => {
    const { accountId, realmId } = await kit.connectAccount(replica);
    const names = Array.from({ length: 64 }, (_, index) => `Customer ${index}`);
    const results = await createCustomers(accountId, names);
    const stats = await realmStats(kit, realmId);

    // The sandbox rejects a batch of more than 30 items, as QuickBooks does.
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(64);
    expect(stats.requests.batch.POST).toBeGreaterThanOrEqual(2);
    expect(stats.objects.Customer).toBe(64);
  });

  it('rejects every member when the batch call fails', async () => {
    const { accountId, realmId } = await kit.connectAccount(replica);

    await kit.admin('POST', '/faults', {
      realmId,
      match: { entity: 'batch' },
      status: 400,
      count: 1,
    });
    const results = await createCustomers(accountId, ['Kai', 'Lea', 'Max']);

    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
  });
});
