import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpException,
  HttpStatus,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
} from '@nestjs/common';
import { type Request } from 'express';
import { z } from 'zod';

import { parseRequestBody } from '../common/request-body';
import {
  type CustomStoreInventoryAdjustment,
  type CustomStoreOrder,
  CustomStoreStore,
  type SandboxCustomStore,
} from './custom-store.store';

const MAX_PAGE_SIZE = 500;

const createStoreSchema = z.object({
  storeId: z.string().regex(/^[\w-]+$/, 'must be letters, digits, - and _'),
  username: z.string().min(1),
  password: z.string().min(1),
});

const putOrdersSchema = z.object({
  orders: z
    .array(z.looseObject({ OrderNumber: z.string().min(1), CreationDate: z.string().min(1) }))
    .min(1),
});

const putInventoryAdjustmentsSchema = z.object({
  inventoryAdjustments: z
    .array(z.looseObject({ AdjustmentId: z.string().min(1), AdjustmentDate: z.string().min(1) }))
    .min(1),
});

/**
 * A merchant's server implementing the custom store pull API (docs/custom-store.md) under
 * `/custom-store/<storeId>`: HTTP Basic authentication, `GET authenticatetowebservice` and
 * `GET orders` filtered by modification and creation time, status and store, paged. The first page
 * also lists the inventory adjustments modified in the window, unfiltered by status and store.
 */
@Controller()
export class CustomStoreController {
  constructor(private readonly stores: CustomStoreStore) {}

  @Post('__sandbox/custom-stores')
  @HttpCode(201)
  create(@Body() body: unknown): { storeId: string; baseUrlPath: string } {
    const request = parseRequestBody(createStoreSchema, body);

    this.stores.create(request.storeId, request.username, request.password);

    return { storeId: request.storeId, baseUrlPath: `/custom-store/${request.storeId}` };
  }

  /** Adds or replaces orders by OrderNumber, as the merchant's shop would on an edit. */
  @Post('__sandbox/custom-stores/:storeId/orders')
  @HttpCode(200)
  putOrders(@Param('storeId') storeId: string, @Body() body: unknown): { orders: number } {
    const store = this.require(storeId);

    for (const order of parseRequestBody(putOrdersSchema, body).orders) {
      store.orders.set(order.OrderNumber, order as CustomStoreOrder);
    }

    return { orders: store.orders.size };
  }

  /** Adds or replaces inventory adjustments by AdjustmentId. */
  @Post('__sandbox/custom-stores/:storeId/inventory-adjustments')
  @HttpCode(200)
  putInventoryAdjustments(
    @Param('storeId') storeId: string,
    @Body() body: unknown,
  ): { inventoryAdjustments: number } {
    const store = this.require(storeId);

    for (const adjustment of parseRequestBody(putInventoryAdjustmentsSchema, body)
      .inventoryAdjustments) {
      store.inventoryAdjustments.set(
        adjustment.AdjustmentId,
        adjustment as CustomStoreInventoryAdjustment,
      );
    }

    return { inventoryAdjustments: store.inventoryAdjustments.size };
  }

  @Get('__sandbox/custom-stores/:storeId/requests')
  requests(@Param('storeId') storeId: string): { requests: SandboxCustomStore['requests'] } {
    return { requests: this.require(storeId).requests };
  }

  @Get('custom-store/:storeId/authenticatetowebservice')
  authenticate(@Param('storeId') storeId: string, @Req() request: Request): string {
    this.authorise(storeId, request);

    return 'OK';
  }

  @Get('custom-store/:storeId/orders')
  orders(
    @Param('storeId') storeId: string,
    @Req() request: Request,
    @Query() query: Record<string, string | undefined>,
  ): {
    Orders: CustomStoreOrder[];
    CancelledOrders: CustomStoreOrder[];
    InventoryAdjustments?: CustomStoreInventoryAdjustment[];
    NextPage?: number;
  } {
    const store = this.authorise(storeId, request);

    store.requests.push({ path: 'orders', query: { ...query } });

    if (query.orderNumber) {
      const order = store.orders.get(query.orderNumber);

      return { Orders: order ? [order] : [], CancelledOrders: [] };
    }

    const statuses = list(query.orderStatus);
    const storeNames = list(query.storeName);
    const matching = [...store.orders.values()]
      .filter((order) =>
        within(
          order.ModifiedDate ?? order.CreationDate,
          query.date_modified_min,
          query.date_modified_max,
        ),
      )
      .filter((order) => within(order.CreationDate, query.date_created_min, query.date_created_max))
      .filter((order) => !statuses || statuses.includes(String(order.OrderStatus ?? '')))
      .filter((order) => !storeNames || storeNames.includes(String(order.StoreName ?? '')))
      .sort(
        (left, right) =>
          String(left.ModifiedDate ?? left.CreationDate).localeCompare(
            String(right.ModifiedDate ?? right.CreationDate),
          ) || left.OrderNumber.localeCompare(right.OrderNumber),
      );
    const pageSize = Math.min(Math.max(Number(query.pageSize ?? 100) || 100, 1), MAX_PAGE_SIZE);
    const page = Math.max(Number(query.page ?? 1) || 1, 1);
    const slice = matching.slice((page - 1) * pageSize, page * pageSize);
    const orders = slice.filter(
      (order) => String(order.OrderStatus ?? '').toLowerCase() !== 'cancelled',
    );
    const cancelled = slice.filter(
      (order) => String(order.OrderStatus ?? '').toLowerCase() === 'cancelled',
    );

    const adjustments =
      page === 1
        ? [...store.inventoryAdjustments.values()].filter((adjustment) =>
            within(
              adjustment.ModifiedDate ?? adjustment.AdjustmentDate,
              query.date_modified_min,
              query.date_modified_max,
            ),
          )
        : [];

    return {
      Orders: orders,
      CancelledOrders: cancelled,
      ...(adjustments.length > 0 ? { InventoryAdjustments: adjustments } : {}),
      ...(page * pageSize < matching.length ? { NextPage: page + 1 } : {}),
    };
  }

  private authorise(storeId: string, request: Request): SandboxCustomStore {
    const store = this.require(storeId);
    const header = request.header('authorization') ?? '';
    const [scheme, encoded = ''] = header.split(' ');
    const [username, password] = Buffer.from(encoded, 'base64').toString('utf8').split(':');

    if (scheme !== 'Basic' || username !== store.username || password !== store.password) {
      throw new HttpException('Invalid user name or password', HttpStatus.UNAUTHORIZED);
    }

    return store;
  }

  private require(storeId: string): SandboxCustomStore {
    const store = this.stores.find(storeId);

    if (!store) {
      throw new NotFoundException(
        `No sandbox custom store ${storeId}; create it with POST /__sandbox/custom-stores`,
      );
    }

    return store;
  }
}

function list(value: string | undefined): string[] | undefined {
  const items = value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);

  return items && items.length > 0 ? items : undefined;
}

function within(time: string, min: string | undefined, max: string | undefined): boolean {
  const value = Date.parse(time);

  return (!min || value >= Date.parse(min)) && (!max || value < Date.parse(max));
}
