import {
  type Order,
  type OrderReady,
  type Payout,
  type PayoutTransaction,
  type SyncEvent,
  Subjects,
} from '@qbsync/contracts';
import { AppLogger, SyncEventPublisher } from '@qbsync/platform';
import { buildSampleShopifyOrder } from '@qbsync/testing/dist/orders';
import { withInfrastructure } from '@qbsync/testing';
import { connect, JSONCodec, type NatsConnection, type Subscription } from 'nats';

import { type PostingHarness, startPostingHarness } from '../../test/posting-harness';
import { QboApiClient } from '../api/qbo-api.client';
import { QboConnectionRepository } from '../connection/qbo-connection.repository';
import { QboTokenService } from '../connection/qbo-token.service';
import { CompanySettingsService } from '../matching/company-settings.service';
import { DocumentReferencesService } from '../posting/document-references.service';
import { DocumentWriter } from '../posting/document-writer';
import { OrderArchiveRepository } from '../posting/order-archive.repository';
import { OrderPostingService } from '../posting/order-posting.service';
import { PostingLedgerRepository } from '../posting/posting-ledger.repository';
import { EffectiveSettingsService } from '../settings/effective-settings.service';
import { PayoutPostingService } from './payout-posting.service';

interface QboReceipt {
  Id: string;
  DocNumber?: string;
  TotalAmt: number;
  PrivateNote?: string;
  CustomerRef?: { value: string; name?: string };
  Line: Array<{
    Amount: number;
    Description?: string;
    SalesItemLineDetail?: { ItemRef: { name?: string }; Qty?: number };
  }>;
}

describe(PayoutPostingService.name, () => {
  const infra = withInfrastructure();
  let harness: PostingHarness;
  let payouts: PayoutPostingService;
  let nats: NatsConnection;
  let subscription: Subscription;
  const events: SyncEvent[] = [];

  beforeAll(async () => {
    harness = await startPostingHarness(infra);
    const { app } = harness;

    // The harness starts the posting providers without this service, so it is built here.
    payouts = new PayoutPostingService(
      app.get(PostingLedgerRepository),
      app.get(OrderArchiveRepository),
      app.get(EffectiveSettingsService),
      app.get(QboConnectionRepository),
      app.get(QboTokenService),
      app.get(QboApiClient),
      app.get(DocumentReferencesService),
      app.get(CompanySettingsService),
      app.get(DocumentWriter),
      app.get(SyncEventPublisher),
      app.get(AppLogger),
    );
    nats = await connect({ servers: infra.current.natsUrl });
    subscription = nats.subscribe(Subjects.SyncEventRecorded);
    void (async () => {
      for await (const message of subscription) {
        events.push(JSONCodec<SyncEvent>().decode(message.data));
      }
    })();
    await harness.putSettings({ transactionMode: 'summary_payout' });
  }, 120_000);

  afterAll(async () => {
    await nats?.drain();
    await harness?.close();
  });

  function ready(channelOrderId: string, orderNumber: string): OrderReady {
    const order: Order = {
      ...buildSampleShopifyOrder(),
      accountId: harness.accountId,
      channelOrderId,
      orderNumber,
    };

    return {
      order,
      target: 'qbo',
      documentKind: 'sales_receipt',
      ruleSetVersion: 0,
      appliedRules: [],
    };
  }

  function transaction(overrides: Partial<PayoutTransaction>): PayoutTransaction {
    const gross = overrides.gross ?? 0;
    const fee = overrides.fee ?? 0;

    return { transactionId: 't', type: 'charge', gross, fee, net: gross - fee, ...overrides };
  }

  function payout(payoutId: string, transactions: PayoutTransaction[], amount?: number): Payout {
    return {
      schemaVersion: 1,
      accountId: harness.accountId,
      connectionId: 'connection-1',
      channel: 'shopify',
      payoutId,
      status: 'paid',
      date: '2008-01-14',
      currency: 'USD',
      amount: amount ?? transactions.reduce((sum, entry) => sum + entry.net, 0),
      transactions,
      source: {
        kind: 'poll',
        receivedAt: '2008-01-14T10:00:00Z',
        rawRef: `shopify:payout:${payoutId}`,
      },
    };
  }

  async function receipts(): Promise<QboReceipt[]> {
    return harness.query<QboReceipt>('SalesReceipt', 'select * from SalesReceipt');
  }

  describe('a balanced payout', () => {
    const transactions = [
      transaction({ transactionId: 'c1', channelOrderId: '8001', gross: 59894, fee: 1767 }),
      transaction({ transactionId: 'c2', channelOrderId: '8002', gross: 59894, fee: 1767 }),
      transaction({
        transactionId: 'c3',
        channelOrderId: '8003',
        orderNumber: '#8003',
        gross: 12000,
        fee: 378,
      }),
      transaction({ transactionId: 'r1', type: 'refund', channelOrderId: '8001', gross: -20900 }),
      transaction({ transactionId: 'v1', type: 'reserve', gross: -5000 }),
    ];
    const amount = 59894 * 2 + 12000 - 20900 - 5000 - 1767 * 2 - 378;
    let receipt: QboReceipt | undefined;

    beforeAll(async () => {
      const orders = harness.app.get(OrderPostingService);

      expect(await orders.post(ready('8001', '#8001'), false)).toBe('done');
      expect(await orders.post(ready('8002', '#8002'), false)).toBe('done');
      expect(
        await payouts.post({ payout: payout('90001', transactions), target: 'qbo' }, false),
      ).toBe('done');
      receipt = (await receipts()).find((entry) => entry.DocNumber === 'P-90001');
    }, 60_000);

    it('holds orders for their payout', async () => {
      const heldEvent = events.find(
        (event) => event.channelOrderId === '8001' && event.status === 'skipped',
      );

      expect(heldEvent?.message).toContain('posts in the sales receipt of its payout');
    });

    it('posts one receipt equal to the payout', () => {
      expect(receipt?.TotalAmt).toBe(amount / 100);
    });

    it('carries the received orders by item', () => {
      const green = receipt?.Line.find(
        (line) => line.SalesItemLineDetail?.ItemRef.name === 'IPOD2008GREEN',
      );

      expect(green?.SalesItemLineDetail?.Qty).toBe(2);
    });

    it('posts the unreceived order, refund, reserve and fees as lines', () => {
      const amounts = Object.fromEntries(
        (receipt?.Line ?? [])
          .filter((line) => line.SalesItemLineDetail)
          .map((line) => [line.SalesItemLineDetail?.ItemRef.name, line.Amount]),
      );

      expect(amounts['Payout Sales']).toBe(120);
      expect(amounts['Refunds']).toBe(-209);
      expect(amounts['Payout Adjustments']).toBe(-50);
      expect(amounts['Merchant Fees']).toBe(-39.12);
    });

    it('records channel and payout id in the memo', () => {
      expect(receipt?.PrivateNote).toContain('shopify payout 90001 of 2008-01-14');
    });

    it('posts to the summary customer', () => {
      expect(receipt?.CustomerRef?.name).toBe('Web Store');
    });

    it('posts nothing on a redelivery', async () => {
      await payouts.post({ payout: payout('90001', transactions), target: 'qbo' }, false);

      expect((await receipts()).filter((entry) => entry.DocNumber === 'P-90001')).toHaveLength(1);
    }, 60_000);
  });

  describe('a payout whose write went unanswered', () => {
    it('finds the landed receipt on retry', async () => {
      const transactions = [
        transaction({ transactionId: 'c9', channelOrderId: '8009', gross: 5000, fee: 175 }),
      ];
      const ready = { payout: payout('90003', transactions), target: 'qbo' as const };

      await harness.injectFault({
        match: { method: 'POST', entity: 'salesreceipt' },
        status: 500,
        message: 'Internal Server Error',
        afterCommit: true,
      });

      expect(await payouts.post(ready, false)).toBe('retry');
      expect(await payouts.post(ready, false)).toBe('done');

      const landed = (await receipts()).filter((entry) => entry.DocNumber === 'P-90003');

      expect(landed).toHaveLength(1);
      expect(landed[0]?.TotalAmt).toBe(48.25);
    }, 60_000);
  });

  describe('an unbalanced payout', () => {
    it('fails before posting with the gap', async () => {
      const unbalanced = payout(
        '90002',
        [transaction({ transactionId: 'c1', channelOrderId: '8002', gross: 59894, fee: 1767 })],
        60000,
      );

      await payouts.post({ payout: unbalanced, target: 'qbo' }, false);
      const rejected = await waitForEvent(
        (event) => event.entityId === '90002' && event.status === 'rejected',
      );

      expect(rejected.message).toContain('a gap of 18.73 USD');
      expect((await receipts()).some((entry) => entry.DocNumber === 'P-90002')).toBe(false);
    }, 60_000);
  });

  async function waitForEvent(match: (event: SyncEvent) => boolean): Promise<SyncEvent> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const found = events.find(match);

      if (found) {
        return found;
      }

      await new Promise((resolve) => setTimeout(resolve, 50));
    }

    throw new Error('No matching sync event arrived within 5 seconds');
  }
});
