import { Injectable } from '@nestjs/common';

export type CustomStoreOrder = Record<string, unknown> & {
  OrderNumber: string;
  CreationDate: string;
  ModifiedDate?: string;
  OrderStatus?: string;
  StoreName?: string;
};

/** A stock correction recorded in the store, in the pull API's `InventoryAdjustments` layout. */
export type CustomStoreInventoryAdjustment = Record<string, unknown> & {
  AdjustmentId: string;
  AdjustmentDate: string;
  ModifiedDate?: string;
};

export interface SandboxCustomStore {
  storeId: string;
  username: string;
  password: string;
  orders: Map<string, CustomStoreOrder>;
  /** Inventory adjustments by AdjustmentId. */
  inventoryAdjustments: Map<string, CustomStoreInventoryAdjustment>;
  /** Requests received, for tests. */
  requests: { path: string; query: Record<string, unknown> }[];
}

/** The sandbox's custom stores, in memory, each with its own Basic credentials and orders. */
@Injectable()
export class CustomStoreStore {
  private readonly stores = new Map<string, SandboxCustomStore>();

  create(storeId: string, username: string, password: string): SandboxCustomStore {
    const store: SandboxCustomStore = {
      storeId,
      username,
      password,
      orders: new Map(),
      inventoryAdjustments: new Map(),
      requests: [],
    };

    this.stores.set(storeId, store);

    return store;
  }

  find(storeId: string): SandboxCustomStore | undefined {
    return this.stores.get(storeId);
  }
}
