import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpException,
  HttpStatus,
  NotFoundException,
  Param,
  ParseIntPipe,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { type Response } from 'express';

import { intParam, pageOf, timeParam, type ChannelJson } from '../common/channel-stand-in';
import { BC_QUOTA, BC_SANDBOX_STORE, BigCommerceStore } from './bigcommerce-store';

type Json = ChannelJson;

/**
 * The BigCommerce Orders v2, refunds, webhooks and inventory endpoints the connector calls, below
 * `/bigcommerce` in place of `https://api.bigcommerce.com/stores/{store_hash}`. Calls need
 * `X-Auth-Token`. Every response carries BigCommerce's `X-Rate-Limit-*` headers, and a caller
 * over 150 requests per 30 seconds gets 429.
 */
@Controller('bigcommerce')
export class BigCommerceApiController {
  constructor(private readonly store: BigCommerceStore) {}

  @Get('v2/store')
  storeInfo(
    @Headers('x-auth-token') token: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(token, response);

    return {
      id: BC_SANDBOX_STORE.storeHash,
      name: 'Sandbox BigCommerce',
      domain: 'sandbox.mybigcommerce.com',
      currency: 'USD',
    };
  }

  @Get('v2/orders')
  listOrders(
    @Headers('x-auth-token') token: string | undefined,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json[] | undefined {
    this.authorise(token, response);

    const min = timeParam(query.min_date_modified);
    const max = timeParam(query.max_date_modified);
    const statusId = query.status_id === undefined ? undefined : Number(query.status_id);
    const orders = [...this.store.orders.values()]
      .filter((order) => {
        const modified = Date.parse(order.date_modified ?? order.date_created);

        return (
          (min === undefined || modified >= min) &&
          (max === undefined || modified <= max) &&
          (statusId === undefined || order.status_id === statusId)
        );
      })
      .sort((a, b) => Date.parse(a.date_modified) - Date.parse(b.date_modified) || a.id - b.id);
    const limit = intParam(query.limit, 50, 250);
    const { page } = pageOf(orders, (intParam(query.page, 1) - 1) * limit, limit);

    // Orders v2 returns 204 No Content for an empty page.
    if (page.length === 0) {
      response.status(HttpStatus.NO_CONTENT);

      return undefined;
    }

    return page;
  }

  @Get('v2/orders/:id')
  getOrder(
    @Headers('x-auth-token') token: string | undefined,
    @Param('id', ParseIntPipe) id: number,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(token, response);

    const faults = this.store.orderFaults.get(id) ?? 0;

    if (faults > 0) {
      this.store.orderFaults.set(id, faults - 1);
      throw new HttpException(
        { status: 500, title: 'Internal Server Error' },
        HttpStatus.INTERNAL_SERVER_ERROR,
      );
    }

    return this.order(id);
  }

  @Get('v2/orders/:id/products')
  orderProducts(
    @Headers('x-auth-token') token: string | undefined,
    @Param('id', ParseIntPipe) id: number,
    @Res({ passthrough: true }) response: Response,
  ): Json[] {
    this.authorise(token, response);
    this.order(id);

    return this.store.products.get(id) ?? [];
  }

  @Get('v2/orders/:id/shipping_addresses')
  orderShipping(
    @Headers('x-auth-token') token: string | undefined,
    @Param('id', ParseIntPipe) id: number,
    @Res({ passthrough: true }) response: Response,
  ): Json[] {
    this.authorise(token, response);
    this.order(id);

    return this.store.shippingAddresses.get(id) ?? [];
  }

  @Get('v2/orders/:id/taxes')
  orderTaxes(
    @Headers('x-auth-token') token: string | undefined,
    @Param('id', ParseIntPipe) id: number,
    @Res({ passthrough: true }) response: Response,
  ): Json[] {
    this.authorise(token, response);
    this.order(id);

    return this.store.taxes.get(id) ?? [];
  }

  @Get('v3/orders/payment_actions/refunds')
  listRefunds(
    @Headers('x-auth-token') token: string | undefined,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(token, response);

    const min = timeParam(query['created:min']);
    const max = timeParam(query['created:max']);
    // `order_id:in` is a comma list of order ids, as in the v3 refunds API.
    const orderIds =
      typeof query['order_id:in'] === 'string'
        ? new Set(query['order_id:in'].split(',').map((id: string) => Number(id)))
        : undefined;
    const refunds = this.store.refunds.filter((refund) => {
      const created = Date.parse(refund.created);

      return (
        (min === undefined || created >= min) &&
        (max === undefined || created <= max) &&
        (orderIds === undefined || orderIds.has(refund.order_id))
      );
    });
    const limit = intParam(query.limit, 50, 250);
    const current = intParam(query.page, 1);
    const { page } = pageOf(refunds, (current - 1) * limit, limit);

    return {
      data: page,
      meta: {
        pagination: {
          total: refunds.length,
          count: page.length,
          per_page: limit,
          current_page: current,
          total_pages: Math.max(1, Math.ceil(refunds.length / limit)),
        },
      },
    };
  }

  @Get('v3/hooks')
  listHooks(
    @Headers('x-auth-token') token: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(token, response);

    return { data: this.store.hooks.map(({ headers: _secret, ...hook }) => hook) };
  }

  @Post('v3/hooks')
  @HttpCode(200)
  createHook(
    @Headers('x-auth-token') token: string | undefined,
    @Body() body: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(token, response);

    if (typeof body?.scope !== 'string' || typeof body?.destination !== 'string') {
      throw new HttpException(
        { status: 422, title: 'scope and destination are required' },
        HttpStatus.UNPROCESSABLE_ENTITY,
      );
    }

    const hook = {
      id: this.store.hooks.length + 1,
      scope: body.scope,
      destination: body.destination,
      is_active: body.is_active !== false,
      headers: body.headers ?? {},
    };

    this.store.hooks.push(hook);

    return {
      data: {
        id: hook.id,
        scope: hook.scope,
        destination: hook.destination,
        is_active: hook.is_active,
      },
    };
  }

  @Get('v3/inventory/items')
  inventoryItems(
    @Headers('x-auth-token') token: string | undefined,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(token, response);

    const items = [...this.store.inventory.values()];
    const limit = intParam(query.limit, 50, 250);
    const current = intParam(query.page, 1);

    return {
      data: pageOf(items, (current - 1) * limit, limit).page,
      meta: {
        pagination: {
          total: items.length,
          current_page: current,
          total_pages: Math.max(1, Math.ceil(items.length / limit)),
        },
      },
    };
  }

  @Put('v3/inventory/adjustments/absolute')
  adjustAbsolute(
    @Headers('x-auth-token') token: string | undefined,
    @Body() body: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(token, response);

    const items = Array.isArray(body?.items) ? (body.items as Json[]) : [];
    const unknown = items.filter((item) => !this.store.inventory.has(item.sku));

    if (items.length === 0 || items.length > 2000 || unknown.length > 0) {
      throw new HttpException(
        {
          status: 422,
          title:
            unknown.length > 0
              ? `Unknown SKU ${unknown[0].sku}`
              : 'items must hold 1 to 2000 adjustments',
        },
        HttpStatus.UNPROCESSABLE_ENTITY,
      );
    }

    for (const item of items) {
      const location = this.store.inventory
        .get(item.sku)!
        .locations.find((entry: Json) => entry.location_id === item.location_id);

      if (location) {
        location.total_inventory_onhand = item.quantity;
        location.available_to_sell = item.quantity;
      }
    }

    return { transaction_id: `tx-${Date.now()}` };
  }

  private order(id: number): Json {
    const order = this.store.orders.get(id);

    if (!order) {
      throw new NotFoundException([
        { status: 404, message: 'The requested resource was not found.' },
      ]);
    }

    return order;
  }

  private authorise(token: string | undefined, response: Response): void {
    if (token !== BC_SANDBOX_STORE.accessToken) {
      throw new HttpException(
        { status: 401, title: 'No valid credentials were found in this request' },
        HttpStatus.UNAUTHORIZED,
      );
    }

    const left = this.store.limiter.take(
      token,
      'default',
      response,
      { status: 429, title: 'Too many requests' },
      (retryAfter) => ({
        'X-Rate-Limit-Requests-Left': '0',
        'X-Rate-Limit-Time-Reset-Ms': String(retryAfter * 1000),
      }),
    );

    response.setHeader('X-Rate-Limit-Requests-Quota', String(BC_QUOTA.requests));
    response.setHeader('X-Rate-Limit-Time-Window-Ms', String(BC_QUOTA.windowMs));
    response.setHeader('X-Rate-Limit-Requests-Left', String(left));
    // The stand-in refills continuously, so the next request is allowed after one token's time.
    response.setHeader(
      'X-Rate-Limit-Time-Reset-Ms',
      String(Math.ceil(1000 / this.store.limiter.budget('default').requestsPerSecond)),
    );
  }
}
