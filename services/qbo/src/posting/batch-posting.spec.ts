import { type Order, type OrderReady } from '@qbsync/contracts';
import { withInfrastructure } from '@qbsync/testing';
import { buildSampleShopifyOrder } from '@qbsync/testing/dist/orders';

import { type PostingHarness, startPostingHarness } from '../../test/posting-harness';
import { type RealmStats } from '../../test/qbo-connection-kit';
import { CompanySettingsService } from '../matching/company-settings.service';
import { type PostingOutcome, OrderPostingService } from './order-posting.service';
import { PostingLedgerRepository } from './posting-ledger.repository';
import { type PostingLedgerDocument } from './posting-ledger.schema';

describe('batch posting', () => {
  const infra = withInfrastructure();
  let harness: PostingHarness;
  let orders: OrderPostingService;
  let ledger: PostingLedgerRepository;
  let nextOrderId = 9000;

  beforeAll(async () => {
    harness = await startPostingHarness(infra);
    orders = harness.app.get(OrderPostingService);
    ledger = harness.app.get(PostingLedgerRepository);
    // The first order creates the customer and the items, so later orders create receipts only.
    await orders.post(nextReady(), false);
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
  });

  function nextReady(): OrderReady {
    nextOrderId += 1;
    const order: Order = {
      ...buildSampleShopifyOrder(),
      accountId: harness.accountId,
      channelOrderId: String(nextOrderId),
      orderNumber: `#${nextOrderId}`,
    };

    return {
      order,
      target: 'qbo',
      documentKind: 'sales_receipt',
      ruleSetVersion: 0,
      appliedRules: [],
    };
  }

  async function realmStats(): Promise<RealmStats> {
    const response = await fetch(
      `${harness.sandbox.url}/__sandbox/realms/${harness.realmId}/stats`,
    );

    return (await response.json()) as RealmStats;
  }

  function callsBetween(before: RealmStats, after: RealmStats, entity: string): number {
    return (after.requests[entity]?.POST ?? 0) - (before.requests[entity]?.POST ?? 0);
  }

  async function ledgerEntry(ready: OrderReady): Promise<PostingLedgerDocument | null> {
    return ledger.findByKey({
      accountId: ready.order.accountId,
      channel: ready.order.channel,
      channelOrderId: ready.order.channelOrderId,
      documentKind: 'sales_receipt',
    });
  }

  it('posts a lone order with one create call', async () => {
    const before = await realmStats();
    const outcome = await orders.post(nextReady(), false);
    const after = await realmStats();

    expect(outcome).toBe('done');
    expect(callsBetween(before, after, 'SalesReceipt')).toBe(1);
    expect(callsBetween(before, after, 'batch')).toBe(0);
    // Customer, items, accounts and preferences all come from caches.
    expect(after.totalRequests - before.totalRequests).toBe(1);
  });

  describe('orders that wait together', () => {
    const waiting = Array.from({ length: 6 }, () => undefined as unknown as OrderReady);
    let before: RealmStats;
    let after: RealmStats;
    let outcomes: PostingOutcome[];
    let entries: Array<PostingLedgerDocument | null>;

    beforeAll(async () => {
      waiting.forEach((_, index) => (waiting[index] = nextReady()));
      // The first create finds nothing in flight and goes out alone. Its slow fault keeps it in
      // flight while the other five gather into a batch call, whose first item faults.
      await harness.injectFault({
        match: { method: 'POST', entity: 'SalesReceipt' },
        status: 400,
        code: '6000',
        message: 'Lone receipt rejected',
        delayMs: 400,
      });
      await harness.injectFault({
        match: { method: 'BATCH', entity: 'SalesReceipt' },
        status: 400,
        code: '6000',
        message: 'Batch item rejected',
      });
      before = await realmStats();
      outcomes = await Promise.all(waiting.map((ready) => orders.post(ready, false)));
      after = await realmStats();
      entries = await Promise.all(waiting.map((ready) => ledgerEntry(ready)));
    }, 60_000);

    it('sends the waiting creates in a batch call', () => {
      expect(callsBetween(before, after, 'batch')).toBeGreaterThanOrEqual(1);
    });

    it('settles every order', () => {
      expect(outcomes).toEqual(Array(6).fill('done'));
    });

    it('posts the orders whose items passed', () => {
      expect(entries.filter((entry) => entry?.state === 'posted')).toHaveLength(4);
    });

    it("fails the faulted item's order with its own error", () => {
      const failed = entries.filter((entry) => entry?.lastError?.includes('Batch item rejected'));

      expect(failed).toHaveLength(1);
      expect(failed[0]?.state).toBe('failed');
    });

    it('fails the lone order with its own error', () => {
      const failed = entries.filter((entry) => entry?.lastError?.includes('Lone receipt rejected'));

      expect(failed).toHaveLength(1);
      expect(failed[0]?.state).toBe('failed');
    });
  });

  describe(CompanySettingsService.name, () => {
    it('looks up list entries without API calls once cached', async () => {
      const company = harness.app.get(CompanySettingsService);
      const session = await harness.openSession();

      await company.get(session);
      const before = await realmStats();
      const settings = await company.get(session);
      const accountId = await company.findAccountId(session, 'undeposited funds');
      const taxCodeId = await company.findListEntryId(session, 'tax_code', 'TAX');
      const after = await realmStats();

      expect(settings.homeCurrency).toBe('USD');
      expect(accountId).toMatch(/^\d+$/);
      expect(taxCodeId).toBe('TAX');
      expect(after.totalRequests).toBe(before.totalRequests);
    });

    it('names a missing account', async () => {
      const company = harness.app.get(CompanySettingsService);
      const lookUp = company.findAccountId(await harness.openSession(), 'No Such Account');

      await expect(lookUp).rejects.toThrow('QuickBooks has no account named "No Such Account"');
    });
  });
});
