import { type TestingModule } from '@nestjs/testing';
import { withInfrastructure } from '@qbsync/testing';

import { type ConnectionKit, realmStats, startConnectionKit } from '../../test/qbo-connection-kit';
import { QboApiClient } from '../api/qbo-api.client';
import { QboAccess } from '../connection/qbo-access';
import { QboConnectionRepository } from '../connection/qbo-connection.repository';
import { QboChangeFeed, type QboEntityChange } from '../webhooks/qbo-change-feed';
import { CdcCursorRepository } from './cdc-cursor.repository';
import { QboCdcJob } from './qbo-cdc.job';

describe(QboCdcJob.name, () => {
  const infra = withInfrastructure();
  let kit: ConnectionKit;
  let replica: TestingModule;
  let published: QboEntityChange[];

  beforeAll(async () => {
    kit = await startConnectionKit(infra);
    replica = await kit.startReplica();
    replica.get(QboChangeFeed).subscribe((changes, source) => {
      if (source === 'cdc') {
        published.push(...changes);
      }
    });
  });

  beforeEach(() => {
    published = [];
  });

  afterAll(async () => {
    await kit?.close();
  });

  async function connection(accountId: string) {
    return (await replica.get(QboConnectionRepository).findByAccountId(accountId, true))!;
  }

  async function createCustomer(accountId: string, realmId: string, name: string): Promise<string> {
    const created = await replica.get(QboAccess).withConnection(accountId, (fresh) =>
      replica.get(QboApiClient).request<{ Customer: { Id: string } }>({
        realmId,
        accessToken: fresh.accessToken,
        method: 'POST',
        path: 'customer',
        body: { DisplayName: name },
      }),
    );

    return created.Customer.Id;
  }

  it('starts a new realm with a cursor and no call', async () => {
    const { accountId, realmId } = await kit.connectAccount(replica);
    const before = (await realmStats(kit, realmId)).totalRequests;

    await expect(replica.get(QboCdcJob).catchUp(await connection(accountId))).resolves.toBe(0);
    expect(await replica.get(CdcCursorRepository).find(realmId)).toBeInstanceOf(Date);
    expect((await realmStats(kit, realmId)).totalRequests).toBe(before);
  });

  it('publishes changes made since the cursor', async () => {
    const { accountId, realmId } = await kit.connectAccount(replica);

    await replica.get(QboCdcJob).catchUp(await connection(accountId));
    const customerId = await createCustomer(accountId, realmId, 'Captured Customer');

    await replica.get(QboCdcJob).catchUp(await connection(accountId));
    expect(published).toContainEqual(
      expect.objectContaining({ realmId, entity: 'Customer', id: customerId, operation: 'Update' }),
    );
    expect((await realmStats(kit, realmId)).requests.cdc.GET).toBe(1);
  });

  it('moves the cursor forward after a run', async () => {
    const { accountId, realmId } = await kit.connectAccount(replica);
    const cursors = replica.get(CdcCursorRepository);

    await cursors.save(realmId, new Date(Date.now() - 60 * 60_000));
    await replica.get(QboCdcJob).catchUp(await connection(accountId));

    expect((await cursors.find(realmId))!.getTime()).toBeGreaterThan(Date.now() - 10 * 60_000);
  });

  it('restarts a cursor older than 30 days within the window', async () => {
    const { accountId, realmId } = await kit.connectAccount(replica);

    await replica.get(CdcCursorRepository).save(realmId, new Date(Date.now() - 40 * 86_400_000));
    await expect(
      replica.get(QboCdcJob).catchUp(await connection(accountId)),
    ).resolves.toBeGreaterThanOrEqual(0);
  });

  it('visits each realm once per period across replicas', async () => {
    const { realmId } = await kit.connectAccount(replica);
    const other = await kit.startReplica();

    await replica.get(CdcCursorRepository).save(realmId, new Date(Date.now() - 60_000));
    await Promise.all([replica.get(QboCdcJob).runOnce(), other.get(QboCdcJob).runOnce()]);

    expect((await realmStats(kit, realmId)).requests.cdc.GET).toBe(1);
  });
});
