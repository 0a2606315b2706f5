import {
  type ChannelCallContext,
  type ChannelConnection,
  type ChannelEvent,
  ChannelPayloadError,
} from '../../src/channel/channel-adapter';
import {
  customStoreAdapter,
  type CustomStoreCredentials,
} from '../../src/custom/custom-store.adapter';

const connection: ChannelConnection<CustomStoreCredentials> = {
  accountId: 'account-1',
  connectionId: 'connection-1',
  channel: 'custom',
  credentials: {
    baseUrl: 'http://127.0.0.1:9/qbsync',
    username: 'store',
    password: 'store-password',
    pushSecret: 'push-secret-0123456789',
  },
  settings: { statusFilter: [], storeFilter: ['Main store'], pollIntervalMinutes: 5 },
};

const counted = {
  AdjustmentId: 'ADJ-7',
  AdjustmentDate: '2026-11-30',
  ModifiedDate: '2026-11-30T18:00:00Z',
  Memo: 'Stock count, back room',
  Account: 'Inventory Shrinkage',
  Lines: [
    { Sku: 'IPOD2008GREEN', QuantityDifference: -2 },
    { Sku: 'IPOD2008BLACK', NewQuantity: '14', InventorySite: 'Main' },
  ],
};

function push(body: unknown): ChannelEvent[] {
  return customStoreAdapter.parseWebhook!(
    {
      rawBody: Buffer.from(JSON.stringify(body)),
      headers: { 'x-signature': 'checked-by-verifyWebhook' },
      receivedAt: '2026-12-01T09:00:00Z',
    },
    { connection, receivedAt: '2026-12-01T09:00:00Z', deliveryId: 'delivery-1' },
  );
}

function reasonsOf(events: ChannelEvent[]): string[] {
  return events.flatMap((event) => (event.kind === 'rejected' ? [event.reason] : []));
}

describe('custom store inventory adjustments', () => {
  it('normalises a pushed adjustment', () => {
    const [event, ...rest] = push({ InventoryAdjustments: [counted] });

    expect(rest).toEqual([]);
    expect(event).toEqual({
      kind: 'inventory_adjustment',
      revision: '2026-11-30T18:00:00Z',
      adjustment: {
        schemaVersion: 1,
        accountId: 'account-1',
        connectionId: 'connection-1',
        channel: 'custom',
        adjustmentId: 'ADJ-7',
        date: '2026-11-30',
        memo: 'Stock count, back room',
        account: 'Inventory Shrinkage',
        lines: [
          { sku: 'IPOD2008GREEN', quantityDifference: -2 },
          { sku: 'IPOD2008BLACK', newQuantity: 14, inventorySite: 'Main' },
        ],
        source: {
          kind: 'push',
          receivedAt: '2026-12-01T09:00:00Z',
          deliveryId: 'delivery-1',
          rawRef: 'custom:inventory-adjustment:ADJ-7:2026-11-30T18:00:00Z',
        },
      },
    });
  });

  it('uses the date as revision without ModifiedDate', () => {
    const [event] = push({ InventoryAdjustments: [{ ...counted, ModifiedDate: undefined }] });

    expect(event).toMatchObject({ kind: 'inventory_adjustment', revision: '2026-11-30' });
  });

  it('ignores the store filter for adjustments', () => {
    const events = push({ Orders: [], InventoryAdjustments: [counted] });

    expect(events.map((event) => event.kind)).toEqual(['inventory_adjustment']);
  });

  it.each([
    [
      'a line without a SKU',
      { Lines: [{ QuantityDifference: 1 }] },
      /^InventoryAdjustments\[0\]: adjustment ADJ-7 Lines\[0\]\.Sku: is missing/,
    ],
    [
      'a line without a quantity',
      { Lines: [{ Sku: 'A' }] },
      /^InventoryAdjustments\[0\]: adjustment ADJ-7 Lines\[0\]\.QuantityDifference: is missing; a line needs QuantityDifference or NewQuantity/,
    ],
    [
      'a line with both quantities',
      { Lines: [{ Sku: 'A', QuantityDifference: 1, NewQuantity: 3 }] },
      /^InventoryAdjustments\[0\]: adjustment ADJ-7 Lines\[0\]\.NewQuantity: must not be given together with QuantityDifference/,
    ],
    [
      'a fractional quantity',
      { Lines: [{ Sku: 'A', QuantityDifference: 0.5 }] },
      /^InventoryAdjustments\[0\]: adjustment ADJ-7 Lines\[0\]\.QuantityDifference: must be a whole number/,
    ],
    [
      'a date with a time',
      { AdjustmentDate: '2026-11-30T10:00:00Z' },
      /^InventoryAdjustments\[0\]: adjustment ADJ-7 AdjustmentDate: must be a day as YYYY-MM-DD/,
    ],
  ])('rejects %s by row and field', (_case, change, expected) => {
    const events = push({ InventoryAdjustments: [{ ...counted, ...change }] });

    expect(events).toHaveLength(1);
    expect(reasonsOf(events)[0]).toMatch(expected);
  });

  it('keeps good adjustments beside a bad one', () => {
    const events = push({
      InventoryAdjustments: [counted, { ...counted, AdjustmentId: 'ADJ-8', Lines: [] }],
    });

    expect(events.map((event) => event.kind)).toEqual(['inventory_adjustment', 'rejected']);
    expect(reasonsOf(events)[0]).toMatch(
      /^InventoryAdjustments\[1\]: adjustment ADJ-8 Lines: must contain at least one line/,
    );
  });

  it('names a miscased list in a push', () => {
    expect(() => push({ inventoryadjustments: [counted] })).toThrow(ChannelPayloadError);
    expect(() => push({ inventoryadjustments: [counted] })).toThrow(
      /^inventoryadjustments: is not a field of the batch; field names are case-sensitive, so send it as InventoryAdjustments/,
    );
  });

  it('reads adjustments from the pull API', async () => {
    const call: ChannelCallContext<CustomStoreCredentials> = {
      connection,
      http: {
        request: () =>
          Promise.resolve({
            status: 200,
            headers: {},
            text: '',
            json: { Orders: [], InventoryAdjustments: [counted] },
          }),
      },
      baseUrl: connection.credentials.baseUrl!,
      now: () => new Date('2026-12-01T09:00:00Z'),
    };
    const page = await customStoreAdapter.pollOrders!(call, {
      modifiedSince: '2026-11-30T00:00:00Z',
      modifiedUntil: '2026-12-01T09:00:00Z',
      pageSize: 50,
      receivedAt: '2026-12-01T09:00:00Z',
    });

    expect(page.events).toHaveLength(1);
    expect(page.events[0]).toMatchObject({
      kind: 'inventory_adjustment',
      adjustment: { adjustmentId: 'ADJ-7', source: { kind: 'poll' } },
    });
  });
});
