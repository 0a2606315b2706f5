/** An order kept for a daily summary, as the grouping reads it. */
export interface SummaryOrderEntry {
  /** The kept order's id. */
  _id: string;
  accountId: string;
  connectionId: string;
  channel: string;
  /** The summary day, YYYY-MM-DD. */
  day: string;
  /** A further split within a store's day, such as QuickBooks Desktop's document type and group. */
  groupKey?: string;
}

/** The orders of one summary: the entry's fields without `_id`, and the ids of its orders. */
export type SummaryOrderGroup<Entry extends SummaryOrderEntry> = Omit<Entry, '_id'> & {
  orderIds: string[];
};

/**
 * Groups kept orders into summaries: one per account, store (connection), group key and day. Each
 * group takes its fields from its first order, and lists order ids in the entries' order.
 */
export function groupSummaryOrders<Entry extends SummaryOrderEntry>(
  entries: readonly Entry[],
): Array<SummaryOrderGroup<Entry>> {
  const groups = new Map<string, SummaryOrderGroup<Entry>>();

  for (const entry of entries) {
    const { _id: orderId, ...fields } = entry;
    const key = [
      entry.accountId,
      entry.connectionId,
      ...(entry.groupKey === undefined ? [] : [entry.groupKey]),
      entry.day,
    ].join('|');
    const group = groups.get(key) ?? { ...fields, orderIds: [] };

    group.orderIds.push(orderId);
    groups.set(key, group);
  }

  return [...groups.values()];
}
