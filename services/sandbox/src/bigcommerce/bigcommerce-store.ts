import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { Inject, Injectable } from '@nestjs/common';

import { ChannelRateLimiter, type ChannelJson } from '../common/channel-stand-in';
import { SANDBOX_CONFIG } from '../config/config.tokens';
import { type SandboxConfig } from '../config/sandbox.config';

type Json = ChannelJson;

/** The store hash and API account token the stand-in accepts. */
export const BC_SANDBOX_STORE = { storeHash: 'sandbox', accessToken: 'bc-sandbox-access-token' };
/** Standard plans allow 150 requests in each 30-second window. */
export const BC_QUOTA = { requests: 150, windowMs: 30_000 };

/**
 * The BigCommerce stand-in's data: the Orders v2 examples from `fixtures/bigcommerce`. The
 * published order examples come without their products, so each seeded order gets one product
 * that carries its own subtotal. The published products example belongs to order 149.
 */
@Injectable()
export class BigCommerceStore {
  readonly orders = new Map<number, Json>();
  readonly products = new Map<number, Json[]>();
  readonly shippingAddresses = new Map<number, Json[]>();
  readonly taxes = new Map<number, Json[]>();
  readonly refunds: Json[] = [];
  readonly hooks: Json[] = [];
  readonly inventory = new Map<string, Json>();
  /** Order id to the number of upcoming `GET /v2/orders/:id` requests that fail with HTTP 500. */
  readonly orderFaults = new Map<number, number>();
  readonly limiter = new ChannelRateLimiter({
    default: {
      requestsPerSecond: BC_QUOTA.requests / (BC_QUOTA.windowMs / 1000),
      burst: BC_QUOTA.requests,
    },
  });

  constructor(@Inject(SANDBOX_CONFIG) private readonly config: SandboxConfig) {
    this.seed();
  }

  seed(): void {
    for (const map of [
      this.orders,
      this.products,
      this.shippingAddresses,
      this.taxes,
      this.inventory,
      this.orderFaults,
    ]) {
      map.clear();
    }

    this.refunds.length = 0;
    this.hooks.length = 0;
    this.limiter.reset();

    const read = (file: string): Json =>
      JSON.parse(
        readFileSync(path.join(this.config.fixturesDir, 'bigcommerce', file), 'utf8'),
      ) as Json;

    for (const order of [
      read('order.json'),
      read('order-actual.json'),
      ...(read('orders-list.json') as unknown as Json[]),
    ]) {
      this.orders.set(order.id, order);
      this.products.set(order.id, [
        {
          id: order.id * 10,
          order_id: order.id,
          product_id: 1,
          name: `Products of order ${order.id}`,
          sku: `ORDER-${order.id}`,
          type: 'physical',
          quantity: 1,
          total_ex_tax: order.subtotal_ex_tax,
          total_inc_tax: order.subtotal_inc_tax,
          total_tax: order.subtotal_tax,
          applied_discounts: [],
          product_options: [],
        },
      ]);
    }

    this.shippingAddresses.set(149, read('order-shipping-addresses.json') as unknown as Json[]);

    for (const sku of ['S-ORAN', 'ABS']) {
      this.inventory.set(sku, {
        identity: { sku, product_id: 77, variant_id: sku === 'ABS' ? 2 : 1 },
        locations: [
          {
            location_id: 1,
            location_code: 'default',
            total_inventory_onhand: 5,
            available_to_sell: 5,
          },
        ],
      });
    }
  }

  /** Orders v2 dates are RFC 2822; records added by tests are stamped with the sandbox time. */
  upsertOrder(order: Json, products: Json[], now: Date): Json {
    const stamped: Json = {
      ...order,
      date_modified: order.date_modified ?? now.toUTCString().replace('GMT', '+0000'),
    };

    this.orders.set(stamped.id, stamped);
    this.products.set(stamped.id, products);

    return stamped;
  }
}
