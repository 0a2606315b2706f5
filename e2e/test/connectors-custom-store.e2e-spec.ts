import { createHmac, randomBytes } from 'node:crypto';

import { type Order, type Refund, type SyncEvent, Subjects } from '@qbsync/contracts';
import { waitFor, withInfrastructure } from '@qbsync/testing';

import {
  type ConnectorsHarness,
  createTestAccount,
  gatewayCall,
  readStream,
  sandboxCall,
  startConnectorsHarness,
  waitForMessages,
} from './connectors-harness';

const PUSH_SECRET = 'e2e-custom-store-push-secret';

function customOrder(
  orderNumber: string,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const time = new Date(Date.now() - 60 * 60 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

  return {
    OrderNumber: orderNumber,
    CreationDate: time,
    ModifiedDate: time,
    OrderStatus: 'Paid',
    StoreName: 'Main',
    CurrencyCode: 'USD',
    Total: '47.40',
    TotalTax: '2.40',
    TaxRate: '0.06',
    SalesTaxName: 'State Tax',
    ShippingExclTax: '5.00',
    AmountPaid: '47.40',
    PaymentGatewayNames: 'stripe',
    BillingAddress: { FirstName: 'Ada', LastName: 'Lovelace', Email: 'ada@example.com' },
    Lines: [
      { Sku: 'MUG-1', Name: 'Mug', Quantity: 2, PriceExclTax: '20.00', PriceInclTax: '21.20' },
    ],
    ...overrides,
  };
}

const CSV_HEADER =
  'OrderNumber,CreationDate,CurrencyCode,Total,TotalTax,ShippingExclTax,Lines.Sku,Lines.Name,Lines.Quantity,Lines.PriceExclTax';

describe('custom store connector', () => {
  const infra = withInfrastructure();
  let harness: ConnectorsHarness;
  let accountId: string;
  let connectionId: string;
  let testOk: boolean;
  const storeId = `store-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    harness = await startConnectorsHarness(infra, { channel: 'custom', sandboxBaseUrl: false });
    await sandboxCall(harness, 'POST', '/__sandbox/custom-stores', {
      storeId,
      username: 'merchant',
      password: 'pull-password',
    });
    await sandboxCall(harness, 'POST', `/__sandbox/custom-stores/${storeId}/orders`, {
      orders: [
        customOrder('C-1001'),
        customOrder('C-1002', { OrderStatus: 'Cancelled' }),
        customOrder('C-1003', { StoreName: 'Outlet' }),
      ],
    });
    accountId = await createTestAccount(harness, 'Custom store e2e');
    const reply = await gatewayCall<{ connectionId: string; test: { ok: boolean } }>(
      harness,
      'POST',
      `/api/accounts/${accountId}/connections/custom`,
      {
        baseUrl: `${harness.sandboxUrl}/custom-store/${storeId}`,
        username: 'merchant',
        password: 'pull-password',
        pushSecret: PUSH_SECRET,
        settings: { storeFilter: ['Main'] },
        backfillDays: 1,
      },
    );

    connectionId = reply.body.connectionId;
    testOk = reply.body.test.ok;
  }, 180_000);

  afterAll(async () => {
    await harness?.stop();
  }, 60_000);

  it('authenticates to the pull API', () => {
    expect(testOk).toBe(true);
  });

  it('rejects wrong pull credentials', async () => {
    const reply = await gatewayCall<{ test: { ok: boolean; checks: { message: string }[] } }>(
      harness,
      'POST',
      `/api/accounts/${accountId}/connections/custom`,
      {
        baseUrl: `${harness.sandboxUrl}/custom-store/${storeId}`,
        username: 'merchant',
        password: 'wrong',
        backfillDays: 0,
      },
    );

    expect(reply.body.test.ok).toBe(false);
    expect(reply.body.test.checks[0].message).toContain('401');
  });

  describe('pull', () => {
    let orders: Order[];

    beforeAll(async () => {
      orders = (await waitForMessages<Order>(harness, Subjects.OrderReceived, connectionId, 2)).map(
        (message) => message.payload,
      );
    }, 90_000);

    it('pulls the orders of the filtered store', () => {
      expect(orders.map((order) => order.orderNumber).sort()).toEqual(['C-1001', 'C-1002']);
    });

    it('balances the order to its total', () => {
      const order = orders.find((candidate) => candidate.orderNumber === 'C-1001')!;
      const { totals } = order;

      expect(totals.subtotal - totals.discounts + totals.shipping + totals.tax).toBe(totals.total);
    });

    it('keeps store fields as custom fields', () => {
      const order = orders.find((candidate) => candidate.orderNumber === 'C-1001')!;

      expect(order.customFields).toContainEqual({ name: 'StoreName', value: 'Main' });
    });

    it('turns the cancelled order into a cancellation', async () => {
      const refunds = await waitForMessages<Refund>(
        harness,
        Subjects.RefundReceived,
        connectionId,
        1,
      );

      expect(refunds[0].payload).toMatchObject({
        orderNumber: 'C-1002',
        kind: 'cancellation',
        totals: { total: 4740 },
      });
    });
  });

  describe('push', () => {
    let batchId = '';
    const post = (body: Buffer, signature: string): Promise<Response> =>
      fetch(`${harness.replicas[0].url}/webhooks/custom/${connectionId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signature': signature },
        body,
      });

    it('accepts valid orders and names the invalid ones', async () => {
      const body = Buffer.from(
        JSON.stringify({
          Orders: [
            customOrder('P-2001'),
            customOrder('P-2002', {
              Lines: [{ Sku: 'MUG-1', Name: 'Mug', Quantity: -1, PriceExclTax: '20.00' }],
            }),
          ],
        }),
      );
      const response = await post(
        body,
        createHmac('sha256', PUSH_SECRET).update(body).digest('base64'),
      );
      const result = (await response.json()) as {
        batchId: string;
        accepted: number;
        rejected: { reason: string }[];
      };

      batchId = result.batchId;
      expect(response.status).toBe(202);
      expect(result.accepted).toBe(1);
      expect(result.rejected[0].reason).toContain('Lines[0].Quantity');
    });

    it('reports the batch on the status endpoint', async () => {
      const response = await fetch(
        `${harness.replicas[0].url}/webhooks/custom/${connectionId}/batches/${batchId}`,
        {
          headers: {
            'x-signature': createHmac('sha256', PUSH_SECRET).update(batchId).digest('base64'),
          },
        },
      );
      const status = (await response.json()) as {
        accepted: number;
        rejected: { reason: string }[];
        message?: string;
      };

      expect({ status: response.status, message: status.message }).toEqual({
        status: 200,
        message: undefined,
      });
      expect(status.accepted).toBe(1);
      expect(status.rejected[0].reason).toContain('Lines[0].Quantity');
    });

    it('refuses an unsigned status request', async () => {
      const response = await fetch(
        `${harness.replicas[0].url}/webhooks/custom/${connectionId}/batches/${batchId}`,
      );

      expect(response.status).toBe(401);
    });

    it('logs the rejected order', async () => {
      const events = await waitFor(
        async () => {
          const found = await readStream<SyncEvent>(
            harness,
            Subjects.SyncEventRecorded,
            connectionId,
          );

          return found.find((event) => event.payload.orderNumber === 'P-2002');
        },
        { timeoutMs: 30_000, intervalMs: 500, description: 'the sync event of P-2002' },
      );

      expect(events.payload.message).toContain('Lines[0].Quantity');
    });

    it('refuses a wrong signature', async () => {
      const body = Buffer.from(JSON.stringify({ Orders: [customOrder('P-2003')] }));
      const response = await post(
        body,
        createHmac('sha256', 'not-the-secret').update(body).digest('base64'),
      );

      expect(response.status).toBe(401);
    });

    it('rejects a batch whose list is misnamed', async () => {
      const body = Buffer.from(JSON.stringify({ orders: [customOrder('P-2004')] }));
      const response = await post(
        body,
        createHmac('sha256', PUSH_SECRET).update(body).digest('base64'),
      );
      const result = (await response.json()) as { message?: string; reason?: string };

      expect(response.status).toBe(422);
      expect(JSON.stringify(result)).toContain('send it as Orders');
    });
  });

  describe('CSV upload', () => {
    it('queues a valid file', async () => {
      const csv = [
        CSV_HEADER,
        'U-3001,2026-07-01T10:00:00Z,USD,47.40,2.40,5.00,MUG-1,Mug,2,20.00',
        'U-3002,2026-07-01T11:00:00Z,USD,25.00,0,5.00,CAP-1,Cap,1,10.00',
        'U-3002,2026-07-01T11:00:00Z,USD,25.00,0,5.00,PIN-1,Pin,2,5.00',
      ].join('\n');
      const reply = await gatewayCall<{ orders: number; queued: boolean; errors: unknown[] }>(
        harness,
        'POST',
        `/api/accounts/${accountId}/connections/${connectionId}/orders.csv`,
        csv,
        'text/csv',
      );

      expect(reply.body).toMatchObject({ orders: 2, queued: true, errors: [] });
    });

    it('names the row and column of each error', async () => {
      const csv = [
        CSV_HEADER,
        'U-4001,2026-07-01T10:00:00Z,XYZ,47.40,2.40,5.00,MUG-1,Mug,2,20.00',
        'U-4002,2026-07-01T11:00:00Z,USD,25.00,0,5.00,CAP-1,Cap,0,10.00',
      ].join('\n');
      const reply = await gatewayCall<{
        queued: boolean;
        errors: { row: number; column: string; message: string }[];
      }>(
        harness,
        'POST',
        `/api/accounts/${accountId}/connections/${connectionId}/orders.csv`,
        csv,
        'text/csv',
      );

      expect(reply.body.queued).toBe(false);
      expect(reply.body.errors).toEqual([
        expect.objectContaining({ row: 2, column: 'CurrencyCode' }),
        expect.objectContaining({ row: 3, column: 'Lines.Quantity' }),
      ]);
    });
  });

  it('re-syncs an order by number', async () => {
    const reply = await gatewayCall<{ orders: { orderNumber: string; status: string }[] }>(
      harness,
      'POST',
      `/api/accounts/${accountId}/connections/${connectionId}/resync`,
      { orderNumbers: ['C-1001', 'C-9999'] },
    );

    expect(reply.body.orders).toEqual([
      { orderNumber: 'C-1001', status: 'queued' },
      expect.objectContaining({ orderNumber: 'C-9999', status: 'not_found' }),
    ]);
  });
});
