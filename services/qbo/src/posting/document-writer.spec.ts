import { withInfrastructure } from '@qbsync/testing';

import { type PostingHarness, startPostingHarness } from '../../test/posting-harness';
import { QboFaultError } from '../api/qbo-api.errors';
import { CompanyListsService } from '../lists/company-lists.service';
import { EntityReferenceRepository } from '../matching/entity-reference.repository';
import { DocumentWriter } from './document-writer';

interface QboCustomer {
  Id: string;
  SyncToken: string;
  DisplayName: string;
  Notes?: string;
}

describe(DocumentWriter.name, () => {
  const infra = withInfrastructure();
  let harness: PostingHarness;
  let writer: DocumentWriter;

  beforeAll(async () => {
    harness = await startPostingHarness(infra);
    writer = harness.app.get(DocumentWriter);
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  async function createCustomer(name: string): Promise<QboCustomer> {
    const session = await harness.openSession();
    const created = await session.create<{ Customer: QboCustomer }>(
      'customer',
      { DisplayName: name },
      `create-${name}`,
    );

    return created.Customer;
  }

  describe('update', () => {
    it('applies a sparse change', async () => {
      const customer = await createCustomer('Sparse Customer');
      const updated = await writer.update<QboCustomer>(
        await harness.openSession(),
        'Customer',
        customer.Id,
        { Notes: 'first note' },
      );

      expect(updated.Notes).toBe('first note');
      expect(updated.DisplayName).toBe('Sparse Customer');
    });

    it('re-reads and applies again after a stale object fault', async () => {
      const customer = await createCustomer('Stale Customer');

      await harness.injectFault({
        match: { method: 'POST', entity: 'customer' },
        status: 400,
        code: '5010',
        message: 'Stale Object Error',
      });
      const updated = await writer.update<QboCustomer>(
        await harness.openSession(),
        'Customer',
        customer.Id,
        { Notes: 'after 5010' },
      );

      expect(updated.Notes).toBe('after 5010');
    });

    it('gives up after a second stale object fault', async () => {
      const customer = await createCustomer('Twice Stale Customer');

      await harness.injectFault({
        match: { method: 'POST', entity: 'customer' },
        status: 400,
        code: '5010',
        message: 'Stale Object Error',
        count: 2,
      });
      const failure = writer.update(await harness.openSession(), 'Customer', customer.Id, {
        Notes: 'never',
      });

      await expect(failure).rejects.toBeInstanceOf(QboFaultError);
    });
  });

  describe('create', () => {
    it('rebuilds the body after an invalid reference', async () => {
      const references = harness.app.get(EntityReferenceRepository);

      await references.save(harness.realmId, 'customer', 'Remembered', '999');
      await harness.injectFault({
        match: { method: 'POST', entity: 'customer' },
        status: 400,
        code: '2500',
        message: 'Invalid Reference Id',
      });
      let builds = 0;
      const created = await writer.create(
        await harness.openSession(),
        'Customer',
        async () => {
          builds++;

          return { DisplayName: `Rebuilt ${builds}` };
        },
        'writer-spec-create',
        { mayHaveLanded: false, note: 'unused', txnDate: '2025-07-02' },
      );

      expect(builds).toBe(2);
      expect((created as unknown as QboCustomer).DisplayName).toBe('Rebuilt 2');
      expect(await references.find(harness.realmId, 'customer', 'Remembered')).toBeUndefined();
    });

    it('reloads the company lists after an invalid reference', async () => {
      const lists = harness.app.get(CompanyListsService);
      const loaded = await lists.get(harness.accountId);

      await harness.injectFault({
        match: { method: 'POST', entity: 'customer' },
        status: 400,
        code: '2500',
        message: 'Invalid Reference Id',
      });
      // Snapshots stored within the same millisecond would look unchanged.
      await new Promise((resolve) => setTimeout(resolve, 5));
      await writer.create(
        await harness.openSession(),
        'Customer',
        async () => ({ DisplayName: 'After List Reload' }),
        'writer-spec-list-reload',
        { mayHaveLanded: false, note: 'unused', txnDate: '2025-07-02' },
      );
      const reloaded = await lists.get(harness.accountId);

      expect(new Date(reloaded.refreshedAt).getTime()).toBeGreaterThan(
        new Date(loaded.refreshedAt).getTime(),
      );
    });

    it('returns a document an earlier attempt created', async () => {
      const session = await harness.openSession();
      const customer = await createCustomer('Landed Customer');
      const first = await session.create<{ Invoice: { Id: string } }>(
        'invoice',
        {
          DocNumber: 'LAND-1',
          CustomerRef: { value: customer.Id },
          PrivateNote: 'shopify order 555 (#LAND-1)',
          Line: [
            {
              DetailType: 'SalesItemLineDetail',
              Amount: 5,
              SalesItemLineDetail: { ItemRef: { value: await anyItem() }, Qty: 1, UnitPrice: 5 },
            },
          ],
        },
        'landed-first',
      );
      const found = await writer.create(
        session,
        'Invoice',
        () => Promise.reject(new Error('must not build')),
        'landed-second',
        {
          mayHaveLanded: true,
          note: 'shopify order 555',
          docNumber: 'LAND-1',
          txnDate: '2025-07-02',
        },
      );

      expect(found.Id).toBe(first.Invoice.Id);
    });
  });

  async function anyItem(): Promise<string> {
    const session = await harness.openSession();
    const [account] = await harness.query<{ Id: string }>(
      'Account',
      "select * from Account where Name = 'Sales of Product Income'",
    );
    const created = await session.create<{ Item: { Id: string } }>(
      'item',
      { Name: 'Writer Spec Item', Type: 'NonInventory', IncomeAccountRef: { value: account!.Id } },
      'writer-spec-item',
    );

    return created.Item.Id;
  }
});
