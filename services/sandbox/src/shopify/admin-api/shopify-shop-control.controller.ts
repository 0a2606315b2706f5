import { Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { z } from 'zod';

import { parseRequestBody } from '../../common/request-body';
import { type JsonObject, type SandboxShop, ShopifyShopStore } from './shopify-shop.store';

const createShopSchema = z.object({
  shopDomain: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.(com|io)$/, 'must be like my-shop.myshopify.com'),
  accessToken: z.string().min(1),
  scopes: z.array(z.string()).optional(),
  seed: z.boolean().default(true),
  limits: z
    .object({
      restBucketSize: z.number().int().positive(),
      restLeakPerSecond: z.number().positive(),
      graphqlMaxPoints: z.number().int().positive(),
      graphqlRestorePerSecond: z.number().positive(),
    })
    .partial()
    .optional(),
});

const putOrdersSchema = z.object({
  orders: z.array(z.looseObject({ id: z.union([z.number(), z.string()]) })).min(1),
  /** Transactions by order id, replacing the order's list. */
  transactions: z.record(z.string(), z.array(z.looseObject({}))).optional(),
});

/** Test and demo controls of the sandbox Shopify shops: create a shop, add or edit orders. */
@Controller('__sandbox/shopify/shops')
export class ShopifyShopControlController {
  constructor(private readonly shops: ShopifyShopStore) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown): JsonObject {
    const shop = this.shops.create(parseRequestBody(createShopSchema, body));

    return describe(shop);
  }

  /** Adds or replaces orders, as an edit, cancellation or refund in the Shopify admin would. */
  @Post(':shopDomain/orders')
  @HttpCode(200)
  putOrders(@Param('shopDomain') shopDomain: string, @Body() body: unknown): JsonObject {
    const shop = this.require(shopDomain);
    const request = parseRequestBody(putOrdersSchema, body);

    for (const order of request.orders) {
      shop.orders.set(String(order.id), order);
    }

    for (const [orderId, transactions] of Object.entries(request.transactions ?? {})) {
      shop.transactions.set(orderId, transactions);
    }

    return describe(shop);
  }

  @Get(':shopDomain/inventory')
  inventory(@Param('shopDomain') shopDomain: string): JsonObject {
    const shop = this.require(shopDomain);

    return {
      items: [...shop.inventoryItems.values()],
      levels: [...shop.inventoryLevels.entries()].map(([key, available]) => ({ key, available })),
    };
  }

  @Get(':shopDomain/calls')
  calls(@Param('shopDomain') shopDomain: string): JsonObject {
    return { calls: this.require(shopDomain).calls };
  }

  private require(shopDomain: string): SandboxShop {
    const shop = this.shops.findByDomain(shopDomain);

    if (!shop) {
      throw new NotFoundException(
        `No sandbox shop ${shopDomain}; create it with POST /__sandbox/shopify/shops`,
      );
    }

    return shop;
  }
}

function describe(shop: SandboxShop): JsonObject {
  return {
    shopDomain: shop.shopDomain,
    orders: shop.orders.size,
    payouts: shop.payouts.size,
    locations: shop.locations.map((location) => location.id),
    inventoryItems: shop.inventoryItems.size,
  };
}
