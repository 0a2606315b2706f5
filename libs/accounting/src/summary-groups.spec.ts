import { groupSummaryOrders } from './summary-groups';

const base = { accountId: 'acc-1', connectionId: 'conn-1', channel: 'shopify', day: '2025-07-01' };

describe('groupSummaryOrders', () => {
  it('groups orders of one store and day', () => {
    const groups = groupSummaryOrders([
      { ...base, _id: 'order-1' },
      { ...base, _id: 'order-2' },
    ]);

    expect(groups).toEqual([{ ...base, orderIds: ['order-1', 'order-2'] }]);
  });

  it('splits by account, store and day', () => {
    const groups = groupSummaryOrders([
      { ...base, _id: 'order-1' },
      { ...base, _id: 'order-2', day: '2025-07-02' },
      { ...base, _id: 'order-3', connectionId: 'conn-2' },
      { ...base, _id: 'order-4', accountId: 'acc-2' },
    ]);

    expect(groups.map((group) => group.orderIds)).toEqual([
      ['order-1'],
      ['order-2'],
      ['order-3'],
      ['order-4'],
    ]);
  });

  it('splits by group key', () => {
    const groups = groupSummaryOrders([
      { ...base, _id: 'order-1', groupKey: 'SalesReceipt|Visa' },
      { ...base, _id: 'order-2', groupKey: 'SalesReceipt|PayPal' },
      { ...base, _id: 'order-3', groupKey: 'SalesReceipt|Visa' },
    ]);

    expect(groups).toEqual([
      { ...base, groupKey: 'SalesReceipt|Visa', orderIds: ['order-1', 'order-3'] },
      { ...base, groupKey: 'SalesReceipt|PayPal', orderIds: ['order-2'] },
    ]);
  });

  it('returns no group for no orders', () => {
    expect(groupSummaryOrders([])).toEqual([]);
  });
});
