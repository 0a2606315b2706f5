import { type TestingModule } from '@nestjs/testing';
import { AppLogger, createRootLogger } from '@qbsync/platform';
import { waitFor, withInfrastructure } from '@qbsync/testing';

import { type ConnectionKit, realmStats, startConnectionKit } from '../../test/qbo-connection-kit';
import { QboApiClient } from '../api/qbo-api.client';
import { QboAccess } from '../connection/qbo-access';
import { QboChangeFeed } from '../webhooks/qbo-change-feed';
import { CompanyListsHandler } from './company-lists.handler';
import { CompanyListsRepository } from './company-lists.repository';
import { CompanyListsService } from './company-lists.service';

describe(CompanyListsService.name, () => {
  const infra = withInfrastructure();
  let kit: ConnectionKit;
  let replica: TestingModule;
  let lists: CompanyListsService;

  beforeAll(async () => {
    kit = await startConnectionKit(infra);
    replica = await kit.startReplica();
    lists = replica.get(CompanyListsService);
  });

  afterAll(async () => {
    await kit?.close();
  });

  afterEach(async () => {
    await kit.admin('DELETE', '/faults');
  });

  async function createAccount(accountId: string, realmId: string, name: string): Promise<void> {
    await replica.get(QboAccess).withConnection(accountId, (connection) =>
      replica.get(QboApiClient).request({
        realmId,
        accessToken: connection.accessToken,
        method: 'POST',
        path: 'account',
        body: { Name: name, AccountType: 'Income', AccountSubType: 'SalesOfProductIncome' },
      }),
    );
  }

  describe('get', () => {
    it('reads every list in one batch call', async () => {
      const { accountId, realmId } = await kit.connectAccount(replica);

      await lists.get(accountId);
      const stats = await realmStats(kit, realmId);

      expect(stats.totalRequests).toBe(1);
      expect(stats.requests.batch.POST).toBe(1);
    });

    it('returns accounts, tax codes and name lists', async () => {
      const { accountId, realmId } = await kit.connectAccount(replica);
      const snapshot = await lists.get(accountId);

      expect(snapshot.realmId).toBe(realmId);
      expect(snapshot.accounts.map((account) => account.name)).toContain('Sales of Product Income');
      expect(snapshot.taxCodes.map((code) => code.name)).toEqual(
        expect.arrayContaining(['TAX', 'NON', 'State Tax']),
      );
      expect(snapshot.taxRates).toEqual([
        expect.objectContaining({ name: 'State Tax', rateValue: 6 }),
      ]);
      expect(snapshot.terms.map((term) => term.name)).toContain('Net 30');
      expect(snapshot.paymentMethods.map((method) => method.name)).toContain('Visa');
      expect(snapshot.classes.map((entry) => entry.name)).toEqual(['Online']);
      expect(snapshot.locations.map((entry) => entry.name)).toEqual(['Warehouse']);
    });

    it('reads the preferences', async () => {
      const { accountId } = await kit.connectAccount(replica);
      const snapshot = await lists.get(accountId);

      expect(snapshot.preferences).toMatchObject({
        homeCurrency: 'USD',
        multiCurrencyEnabled: false,
        customTxnNumbers: true,
        usingSalesTax: true,
      });
      expect(snapshot.currencies).toEqual(['USD']);
    });

    it('spends no API call once loaded', async () => {
      const { accountId, realmId } = await kit.connectAccount(replica);

      await lists.get(accountId);
      const before = (await realmStats(kit, realmId)).totalRequests;

      await lists.get(accountId);
      await lists.get(accountId);
      expect((await realmStats(kit, realmId)).totalRequests).toBe(before);
    });

    it('serves another replica from the database', async () => {
      const { accountId, realmId } = await kit.connectAccount(replica);

      await lists.get(accountId);
      const other = await kit.startReplica();
      const before = (await realmStats(kit, realmId)).totalRequests;
      const snapshot = await other.get(CompanyListsService).get(accountId);

      expect(snapshot.terms.length).toBeGreaterThan(0);
      expect((await realmStats(kit, realmId)).totalRequests).toBe(before);
    });

    it('reads QuickBooks again on refresh', async () => {
      const { accountId, realmId } = await kit.connectAccount(replica);

      await lists.get(accountId);
      await createAccount(accountId, realmId, 'Marketplace Sales');
      const snapshot = await lists.get(accountId, { refresh: true });

      expect(snapshot.accounts.map((account) => account.name)).toContain('Marketplace Sales');
    });

    it('stores the snapshot for the account', async () => {
      const { accountId } = await kit.connectAccount(replica);

      await lists.get(accountId);
      const stored = await replica.get(CompanyListsRepository).find(accountId);

      expect(stored?.accounts.length).toBeGreaterThan(0);
    });
  });

  describe('reload triggers', () => {
    it('reloads after QuickBooks rejects a reference with 2500', async () => {
      const { accountId, realmId } = await kit.connectAccount(replica);
      const first = await lists.get(accountId);

      await createAccount(accountId, realmId, 'Wholesale Sales');
      await kit.admin('POST', '/faults', {
        realmId,
        match: { entity: 'SalesReceipt' },
        status: 400,
        code: '2500',
        message: 'Invalid Reference Id',
        count: 1,
      });
      await replica
        .get(QboAccess)
        .withConnection(accountId, (connection) =>
          replica.get(QboApiClient).request({
            realmId,
            accessToken: connection.accessToken,
            method: 'POST',
            path: 'salesreceipt',
            body: {},
          }),
        )
        .catch(() => undefined);

      const reloaded = await waitFor(
        async () => {
          const snapshot = await replica.get(CompanyListsRepository).find(accountId);

          return snapshot && snapshot.refreshedAt > first.refreshedAt ? snapshot : undefined;
        },
        { description: 'lists reloaded after fault 2500' },
      );

      expect(reloaded.accounts.map((account) => account.name)).toContain('Wholesale Sales');
    });

    it('reloads when a webhook reports a list change', async () => {
      const { accountId, realmId } = await kit.connectAccount(replica);
      const first = await lists.get(accountId);

      replica
        .get(QboChangeFeed)
        .publish([{ realmId, entity: 'Term', id: '1', operation: 'Update' }], 'webhook');
      const reloaded = await waitFor(
        async () => {
          const snapshot = await replica.get(CompanyListsRepository).find(accountId);

          return snapshot && snapshot.refreshedAt > first.refreshedAt;
        },
        { description: 'lists reloaded after a webhook' },
      );

      expect(reloaded).toBe(true);
    });

    it('ignores changes of other entities', async () => {
      const { accountId, realmId } = await kit.connectAccount(replica);

      await lists.get(accountId);
      const before = (await realmStats(kit, realmId)).totalRequests;

      replica
        .get(QboChangeFeed)
        .publish([{ realmId, entity: 'SalesReceipt', id: '9', operation: 'Create' }], 'webhook');
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect((await realmStats(kit, realmId)).totalRequests).toBe(before);
    });
  });

  describe(CompanyListsHandler.name, () => {
    const logger = new AppLogger(createRootLogger('lists-handler-spec', 'silent'));

    it('answers with the contract shape', async () => {
      const { accountId } = await kit.connectAccount(replica);
      const handler = new CompanyListsHandler(lists, logger);
      const reply = await handler.get({ accountId });

      expect(reply).toMatchObject({
        accountId,
        target: 'qbo',
        homeCurrency: 'USD',
        priceLevels: [],
      });
      expect(reply.accounts[0]).toEqual({
        id: expect.any(String),
        name: expect.any(String),
        active: true,
        accountType: expect.any(String),
      });
    });

    it('rejects a request without accountId', async () => {
      const handler = new CompanyListsHandler(lists, logger);

      await expect(handler.get({})).rejects.toMatchObject({
        error: expect.objectContaining({ code: 'invalid_request' }),
      });
    });

    it('names an account that is not connected', async () => {
      const handler = new CompanyListsHandler(lists, logger);

      await expect(handler.get({ accountId: 'account-never-connected' })).rejects.toMatchObject({
        error: expect.objectContaining({ code: 'not_connected' }),
      });
    });
  });
});
