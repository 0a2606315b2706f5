import { type InventoryLevel, type InventoryPushResult } from '@qbsync/contracts';

import { ChannelHttpError } from '../channel/channel-adapter';
import { describeErrors, type ShopifyApi } from './shopify-api';

interface ShopifyLocation {
  id: number | string;
  active?: boolean;
}

interface ShopifyInventoryLevel {
  inventory_item_id: number | string;
  location_id: number | string;
  available: number | null;
}

interface ShopifyInventoryItem {
  id: number | string;
  sku?: string | null;
}

/** REST accepts at most this many ids in one `ids=` or `inventory_item_ids=` filter. */
const IDS_PER_REQUEST = 100;

/**
 * Reads the available quantity of every inventory item at every active location, keyed by SKU.
 * Items without a SKU cannot be matched to QuickBooks and are left out.
 */
export async function readShopifyInventory(api: ShopifyApi): Promise<InventoryLevel[]> {
  const locations = await api.getAll<ShopifyLocation>('locations.json', 'locations', {});
  const levels: ShopifyInventoryLevel[] = [];

  for (const location of locations.filter((candidate) => candidate.active !== false)) {
    levels.push(
      ...(await api.getAll<ShopifyInventoryLevel>('inventory_levels.json', 'inventory_levels', {
        location_ids: String(location.id),
      })),
    );
  }

  const itemIds = [...new Set(levels.map((level) => String(level.inventory_item_id)))];
  const skus = new Map<string, string>();

  for (let start = 0; start < itemIds.length; start += IDS_PER_REQUEST) {
    const items = await api.getAll<ShopifyInventoryItem>(
      'inventory_items.json',
      'inventory_items',
      {
        ids: itemIds.slice(start, start + IDS_PER_REQUEST).join(','),
      },
    );

    for (const item of items) {
      if (item.sku?.trim()) {
        skus.set(String(item.id), item.sku.trim());
      }
    }
  }

  return levels.flatMap((level) => {
    const sku = skus.get(String(level.inventory_item_id));

    return sku
      ? [{ sku, locationId: String(level.location_id), quantity: level.available ?? 0 }]
      : [];
  });
}

const INVENTORY_ITEM_BY_SKU = `query InventoryItemBySku($query: String!) {
  inventoryItems(first: 2, query: $query) { edges { node { id sku } } }
}`;
/** Shopify's requested cost of the query above: 2 for the connection plus 1 per node. */
const INVENTORY_ITEM_QUERY_COST = 4;

/**
 * Sets the available quantity of each SKU at each location with `inventory_levels/set.json`. The
 * SKU is resolved to its inventory item through the GraphQL Admin API, since REST cannot search
 * by SKU. Each level gets its own result; one SKU's failure does not stop the others.
 */
export async function pushShopifyInventory(
  api: ShopifyApi,
  levels: readonly InventoryLevel[],
): Promise<InventoryPushResult['results']> {
  const itemIds = new Map<string, string | { error: string }>();
  const results: InventoryPushResult['results'] = [];

  for (const level of levels) {
    if (!itemIds.has(level.sku)) {
      itemIds.set(level.sku, await findInventoryItem(api, level.sku));
    }

    const itemId = itemIds.get(level.sku)!;

    if (typeof itemId !== 'string') {
      results.push({
        sku: level.sku,
        locationId: level.locationId,
        status: 'failed',
        message: itemId.error,
      });
      continue;
    }

    const response = await api.post<{ inventory_level?: ShopifyInventoryLevel }>(
      'inventory_levels/set.json',
      {
        location_id: Number(level.locationId),
        inventory_item_id: Number(itemId),
        available: level.quantity,
      },
    );

    if (response.status >= 200 && response.status < 300) {
      results.push({ sku: level.sku, locationId: level.locationId, status: 'updated' });
    } else {
      results.push({
        sku: level.sku,
        locationId: level.locationId,
        status: 'failed',
        message: `Shopify responded with HTTP ${response.status}: ${describeErrors({ status: response.status, headers: {}, text: response.text, json: response.body })}`,
      });
    }
  }

  return results;
}

async function findInventoryItem(
  api: ShopifyApi,
  sku: string,
): Promise<string | { error: string }> {
  const data = await api.graphql<{
    inventoryItems: { edges: { node: { id: string; sku: string | null } }[] };
  }>(INVENTORY_ITEM_BY_SKU, { query: `sku:${JSON.stringify(sku)}` }, INVENTORY_ITEM_QUERY_COST);
  const matches = data.inventoryItems.edges.filter((edge) => edge.node.sku === sku);

  if (matches.length === 0) {
    return { error: `no Shopify inventory item has SKU "${sku}"` };
  }

  if (matches.length > 1) {
    return { error: `several Shopify inventory items have SKU "${sku}"; make the SKU unique` };
  }

  const id = /(\d+)$/.exec(matches[0].node.id)?.[1];

  if (!id) {
    throw new ChannelHttpError(
      `Shopify returned an unreadable inventory item id ${matches[0].node.id}`,
    );
  }

  return id;
}
