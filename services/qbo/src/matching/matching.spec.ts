import { qboPostingSettingsSchema } from '@qbsync/contracts';
import { withInfrastructure } from '@qbsync/testing';
import { buildOrder } from '@qbsync/testing/dist/orders';

import { type PostingHarness, startPostingHarness } from '../../test/posting-harness';
import { PostingError, PostingErrorCode } from '../posting/posting.errors';
import { CustomerMatcherService } from './customer-matcher.service';
import { EntityReferenceRepository } from './entity-reference.repository';
import { type ItemMatchingSettings, ItemMatcherService } from './item-matcher.service';

interface QboItem {
  Id: string;
  Name: string;
  Type: string;
  Sku?: string;
  QtyOnHand?: number;
  InvStartDate?: string;
}

const defaults = qboPostingSettingsSchema.parse({});

function itemSettings(overrides: Partial<ItemMatchingSettings>): ItemMatchingSettings {
  return { ...defaults.itemMatching, ...overrides };
}

function line(sku: string, title = 'Blue Widget') {
  return { sku, title, lineNumber: 1, txnDate: '2025-07-02' };
}

describe('matching against QuickBooks', () => {
  const infra = withInfrastructure();
  let harness: PostingHarness;
  let items: ItemMatcherService;
  let customers: CustomerMatcherService;

  beforeAll(async () => {
    harness = await startPostingHarness(infra);
    items = harness.app.get(ItemMatcherService);
    customers = harness.app.get(CustomerMatcherService);
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  async function item(id: string): Promise<QboItem | undefined> {
    return (await harness.query<QboItem>('Item', `select * from Item where Id = '${id}'`))[0];
  }

  describe(ItemMatcherService.name, () => {
    it('creates a non-inventory item named after the SKU', async () => {
      const session = await harness.openSession();
      const resolved = await items.resolveLine(session, line('WID-BLUE'), itemSettings({}));

      expect(await item(resolved.id)).toMatchObject({ Name: 'WID-BLUE', Type: 'NonInventory' });
    });

    it('matches the same SKU case and spacing aside', async () => {
      const session = await harness.openSession();
      const first = await items.resolveLine(session, line('WID-RED'), itemSettings({}));
      const second = await items.resolveLine(session, line('  wid-red '), itemSettings({}));

      expect(second.id).toBe(first.id);
    });

    it('creates an inventory item starting on the order date', async () => {
      const session = await harness.openSession();
      const resolved = await items.resolveLine(
        session,
        line('WID-STOCK'),
        itemSettings({ missingProductAction: 'create_inventory' }),
      );

      expect(await item(resolved.id)).toMatchObject({
        Type: 'Inventory',
        QtyOnHand: 0,
        InvStartDate: '2025-07-02',
      });
    });

    it('names a created item after the title on SKU matching', async () => {
      const session = await harness.openSession();
      const resolved = await items.resolveLine(
        session,
        line('SKU-GREEN', 'Green Widget'),
        itemSettings({ field: 'sku' }),
      );

      expect(await item(resolved.id)).toMatchObject({ Name: 'Green Widget', Sku: 'SKU-GREEN' });
    });

    it('matches by the SKU field', async () => {
      const session = await harness.openSession();
      const created = await items.resolveLine(
        session,
        line('SKU-YELLOW', 'Yellow Widget'),
        itemSettings({ field: 'sku' }),
      );

      // Forgetting the remembered ids makes the match come from QuickBooks' Sku field.
      await harness.app.get(EntityReferenceRepository).forgetRealm(harness.realmId);
      const again = await items.resolveLine(
        session,
        line('sku-yellow', 'Renamed'),
        itemSettings({ field: 'sku' }),
      );

      expect(again.id).toBe(created.id);
    });

    it('fails the order when the action says so', async () => {
      const session = await harness.openSession();
      const failure = items.resolveLine(
        session,
        line('NOT-THERE'),
        itemSettings({ missingProductAction: 'fail' }),
      );

      await expect(failure).rejects.toMatchObject({
        code: PostingErrorCode.ItemNotFound,
        message: expect.stringContaining('"NOT-THERE"'),
      });
    });

    it('maps a missing product to the fallback item', async () => {
      const session = await harness.openSession();
      const fallback = await items.resolveSystemItem(session, 'Fallback Sales', 'Fallback');
      const resolved = await items.resolveLine(
        session,
        line('UNMAPPED'),
        itemSettings({
          missingProductAction: 'map_to_fallback',
          fallbackItemName: 'Fallback Sales',
        }),
      );

      expect(resolved.id).toBe(fallback);
      expect(resolved.warning).toContain('UNMAPPED');
    });

    it('posts a blank SKU to the unknown item with a warning', async () => {
      const session = await harness.openSession();
      const resolved = await items.resolveLine(session, line('  '), itemSettings({}));

      expect(resolved.name).toBe('unknown_do_not_delete');
      expect(resolved.warning).toContain('has no SKU');
    });

    it('uses a rule item without creating it', async () => {
      const session = await harness.openSession();
      const failure = items.resolveLine(
        session,
        { ...line('WID-BLUE'), overrideItemName: 'Rule Item' },
        itemSettings({}),
      );

      await expect(failure).rejects.toBeInstanceOf(PostingError);
    });
  });

  describe(CustomerMatcherService.name, () => {
    const order = buildOrder({
      customer: { firstName: 'Ann', lastName: 'Lee', email: 'ann@example.com' },
      billingAddress: { name: 'Ann Lee', company: 'Lee Trading' },
    });
    const planCustomer = { displayName: 'Ann Lee', email: 'ann@example.com' };

    function request(overrides: Partial<typeof defaults.customerMatching>) {
      return {
        order,
        customer: planCustomer,
        currency: 'USD',
        homeCurrency: 'USD',
        settings: { ...defaults.customerMatching, ...overrides },
      };
    }

    async function displayName(id: string): Promise<string | undefined> {
      const [customer] = await harness.query<{ DisplayName: string }>(
        'Customer',
        `select * from Customer where Id = '${id}'`,
      );

      return customer?.DisplayName;
    }

    it('creates the customer under the mode name', async () => {
      const session = await harness.openSession();
      const id = await customers.resolve(
        session,
        request({ mode: 'billing_company_else_last_first' }),
      );

      expect(await displayName(id)).toBe('Lee Trading');
    });

    it('finds the same customer for the next order', async () => {
      const session = await harness.openSession();
      const first = await customers.resolve(session, request({ mode: 'last_first' }));
      const second = await customers.resolve(session, request({ mode: 'last_first' }));

      expect(second).toBe(first);
      expect(await displayName(first)).toBe('Lee, Ann');
    });

    it('fails a missing customer when the action says so', async () => {
      const session = await harness.openSession();
      const failure = customers.resolve(
        session,
        request({ mode: 'order_number', missingCustomerAction: 'fail' }),
      );

      await expect(failure).rejects.toMatchObject({ code: PostingErrorCode.CustomerNotFound });
    });

    it('maps a missing customer to the single customer', async () => {
      const session = await harness.openSession();
      const id = await customers.resolve(
        session,
        request({
          mode: 'shipping_first_last',
          missingCustomerAction: 'map_to_single',
          singleCustomerName: 'Web Store',
        }),
      );

      expect(await displayName(id)).toBe('Web Store');
    });

    it('keeps one customer per currency', async () => {
      await harness.updateCompanySettings({ multiCurrencyEnabled: true });
      const session = await harness.openSession();
      const id = await customers.resolve(session, {
        ...request({ mode: 'first_last' }),
        currency: 'EUR',
      });

      expect(await displayName(id)).toBe('Ann Lee EUR');
    });

    it('cuts a long name the same way every time', async () => {
      const session = await harness.openSession();
      const long = buildOrder({
        customer: { firstName: 'A'.repeat(300), lastName: 'B'.repeat(300) },
      });
      const first = await customers.resolve(session, {
        ...request({ mode: 'first_last' }),
        order: long,
      });
      const second = await customers.resolve(session, {
        ...request({ mode: 'first_last' }),
        order: long,
      });
      const name = await displayName(first);

      expect(second).toBe(first);
      expect(name).toHaveLength(500);
    });
  });
});
