import {
  Body,
  Controller,
  Get,
  HttpException,
  HttpStatus,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { type Request, type Response } from 'express';

import { takeGraphqlCost, takeRestCall } from './shopify-rate-limit';
import { type JsonObject, type SandboxShop, ShopifyShopStore } from './shopify-shop.store';

const API = 'admin/api/2026-07';
const MAX_LIMIT = 250;

type QueryParams = Record<string, string | undefined>;

interface PageRequest {
  filters: QueryParams;
  offset: number;
  limit: number;
}

/**
 * A stand-in for the Shopify Admin API 2026-07 (REST and the GraphQL queries the connector sends),
 * serving the shop that owns the `X-Shopify-Access-Token`. It applies Shopify's leaky bucket:
 * every REST response carries `X-Shopify-Shop-Api-Call-Limit`, and a full bucket gets 429 with `Retry-After`. Lists page with `page_info` cursors in the `Link` header.
 */
@Controller()
export class ShopifyAdminApiController {
  constructor(private readonly shops: ShopifyShopStore) {}

  @Get('admin/oauth/access_scopes.json')
  accessScopes(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): JsonObject {
    const shop = this.enter(request, response);

    return { access_scopes: shop.scopes.map((handle) => ({ handle })) };
  }

  @Get(`${API}/shop.json`)
  shop(@Req() request: Request, @Res({ passthrough: true }) response: Response): JsonObject {
    const shop = this.enter(request, response);

    return {
      shop: { name: shop.name, myshopify_domain: shop.shopDomain, currency: shop.currency },
    };
  }

  @Get(`${API}/orders.json`)
  orders(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query() query: QueryParams,
  ): JsonObject {
    const shop = this.enter(request, response);
    const paging = this.pageFilters(query);
    const filters = paging.filters;
    let orders = [...shop.orders.values()];

    if (filters.name) {
      orders = orders.filter((order) => order.name === filters.name);
    }

    if (filters.status !== 'any') {
      orders = orders.filter((order) =>
        filters.status === 'closed'
          ? order.closed_at
          : filters.status === 'cancelled'
            ? order.cancelled_at
            : !order.closed_at,
      );
    }

    orders = orders
      .filter((order) =>
        inRange(
          String(order.updated_at ?? order.created_at),
          filters.updated_at_min,
          filters.updated_at_max,
        ),
      )
      .sort(
        (left, right) =>
          compareTime(left.updated_at ?? left.created_at, right.updated_at ?? right.created_at) ||
          Number(left.id) - Number(right.id),
      );

    return { orders: this.page(request, response, orders, paging) };
  }

  @Get(`${API}/orders/:id.json`)
  order(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Param('id') id: string,
  ): JsonObject {
    const shop = this.enter(request, response);
    const order = shop.orders.get(id);

    if (!order) {
      throw new HttpException({ errors: 'Not Found' }, HttpStatus.NOT_FOUND);
    }

    return { order };
  }

  @Get(`${API}/orders/:id/transactions.json`)
  transactions(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Param('id') id: string,
  ): JsonObject {
    const shop = this.enter(request, response);

    if (!shop.orders.has(id)) {
      throw new HttpException({ errors: 'Not Found' }, HttpStatus.NOT_FOUND);
    }

    return { transactions: shop.transactions.get(id) ?? [] };
  }

  @Get(`${API}/orders/:id/refunds.json`)
  refunds(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Param('id') id: string,
  ): JsonObject {
    const shop = this.enter(request, response);
    const order = shop.orders.get(id);

    if (!order) {
      throw new HttpException({ errors: 'Not Found' }, HttpStatus.NOT_FOUND);
    }

    return { refunds: order.refunds ?? [] };
  }

  @Get(`${API}/shopify_payments/payouts.json`)
  payouts(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query() query: QueryParams,
  ): JsonObject {
    const shop = this.enter(request, response);
    const paging = this.pageFilters(query);
    const filters = paging.filters;
    const payouts = [...shop.payouts.values()]
      .filter((payout) => inDateRange(String(payout.date), filters.date_min, filters.date_max))
      .sort(
        (left, right) =>
          String(right.date).localeCompare(String(left.date)) || Number(right.id) - Number(left.id),
      );

    return { payouts: this.page(request, response, payouts, paging) };
  }

  @Get(`${API}/shopify_payments/balance/transactions.json`)
  balanceTransactions(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query() query: QueryParams,
  ): JsonObject {
    const shop = this.enter(request, response);
    const paging = this.pageFilters(query);
    const filters = paging.filters;
    const transactions = shop.balanceTransactions.filter(
      (transaction) => !filters.payout_id || String(transaction.payout_id) === filters.payout_id,
    );

    return { transactions: this.page(request, response, transactions, paging) };
  }

  @Get(`${API}/locations.json`)
  locations(@Req() request: Request, @Res({ passthrough: true }) response: Response): JsonObject {
    return { locations: this.enter(request, response).locations };
  }

  @Get(`${API}/inventory_levels.json`)
  inventoryLevels(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query() query: QueryParams,
  ): JsonObject {
    const shop = this.enter(request, response);
    const paging = this.pageFilters(query);
    const filters = paging.filters;
    const locations = filters.location_ids?.split(',');
    const items = filters.inventory_item_ids?.split(',');

    if (!locations && !items) {
      throw new HttpException(
        { errors: { base: ['location_ids or inventory_item_ids is required'] } },
        HttpStatus.UNPROCESSABLE_ENTITY,
      );
    }

    const levels = [...shop.inventoryLevels.entries()]
      .map(([key, available]) => {
        const [itemId, locationId] = key.split(':');

        return { inventory_item_id: Number(itemId), location_id: Number(locationId), available };
      })
      .filter(
        (level) =>
          (!locations || locations.includes(String(level.location_id))) &&
          (!items || items.includes(String(level.inventory_item_id))),
      );

    return { inventory_levels: this.page(request, response, levels, paging) };
  }

  @Get(`${API}/inventory_items.json`)
  inventoryItems(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query() query: QueryParams,
  ): JsonObject {
    const shop = this.enter(request, response);
    const ids = (query.ids ?? '').split(',').filter(Boolean);

    return {
      inventory_items: ids.flatMap((id) => {
        const item = shop.inventoryItems.get(id);

        return [{ id: item?.id ?? Number(id), sku: item?.sku ?? null, tracked: true }];
      }),
    };
  }

  @Post(`${API}/inventory_levels/set.json`)
  setInventoryLevel(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Body() body: unknown,
  ): JsonObject {
    const shop = this.enter(request, response);
    const {
      location_id: locationId,
      inventory_item_id: itemId,
      available,
    } = (body ?? {}) as Record<string, unknown>;

    if (
      !Number.isInteger(locationId) ||
      !Number.isInteger(itemId) ||
      !Number.isInteger(available)
    ) {
      throw new HttpException(
        { errors: { base: ['location_id, inventory_item_id and available must be integers'] } },
        HttpStatus.UNPROCESSABLE_ENTITY,
      );
    }

    if (!shop.locations.some((location) => Number(location.id) === locationId)) {
      throw new HttpException({ errors: { location_id: ['was not found'] } }, HttpStatus.NOT_FOUND);
    }

    shop.inventoryLevels.set(`${String(itemId)}:${String(locationId)}`, available as number);

    return {
      inventory_level: {
        inventory_item_id: itemId,
        location_id: locationId,
        available,
        updated_at: new Date().toISOString(),
      },
    };
  }

  /** The GraphQL Admin API, for the queries the connector sends (shop name, inventory item by SKU). */
  @Post(`${API}/graphql.json`)
  graphql(
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Body() body: unknown,
  ): JsonObject {
    const shop = this.authenticate(request, response);
    const { query = '', variables = {} } = (body ?? {}) as {
      query?: string;
      variables?: Record<string, unknown>;
    };
    const isInventoryQuery = /inventoryItems\s*\(/.test(query);
    const cost = isInventoryQuery ? 4 : 1;
    const budget = takeGraphqlCost(shop, cost);
    const extensions = {
      cost: {
        requestedQueryCost: cost,
        actualQueryCost: budget.throttled ? null : cost,
        throttleStatus: budget.status,
      },
    };

    this.record(shop, 'POST', 'graphql.json', 200);

    if (budget.throttled) {
      return { errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED' } }], extensions };
    }

    if (isInventoryQuery) {
      const search = /^sku:"?(.*?)"?$/.exec(String(variables.query ?? ''))?.[1] ?? '';
      const edges = [...shop.inventoryItems.values()]
        .filter((item) => item.sku === search)
        .slice(0, 2)
        .map((item) => ({ node: { id: `gid://shopify/InventoryItem/${item.id}`, sku: item.sku } }));

      return { data: { inventoryItems: { edges } }, extensions };
    }

    if (/\bshop\s*\{/.test(query)) {
      return { data: { shop: { name: shop.name } }, extensions };
    }

    return {
      errors: [{ message: 'This sandbox serves the shop and inventoryItems queries only' }],
      extensions,
    };
  }

  /** Authenticates the call and takes it from the REST bucket, raising 429 when it is full. */
  private enter(request: Request, response: Response): SandboxShop {
    const shop = this.authenticate(request, response);
    const budget = takeRestCall(shop);

    response.setHeader('X-Shopify-Shop-Api-Call-Limit', budget.header);

    if (budget.retryAfter !== undefined) {
      response.setHeader('Retry-After', budget.retryAfter.toFixed(1));
      this.record(shop, request.method, request.path, 429);
      throw new HttpException(
        {
          errors:
            'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }

    this.record(shop, request.method, request.path, 200);

    return shop;
  }

  private authenticate(request: Request, response: Response): SandboxShop {
    const shop = this.shops.findByToken(request.header('x-shopify-access-token'));

    if (!shop) {
      response.setHeader('WWW-Authenticate', 'Shopify-Access-Token');
      throw new HttpException(
        { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' },
        HttpStatus.UNAUTHORIZED,
      );
    }

    return shop;
  }

  private record(shop: SandboxShop, method: string, path: string, status: number): void {
    shop.calls.push({ method, path, status });

    if (shop.calls.length > 10_000) {
      shop.calls.splice(0, shop.calls.length - 10_000);
    }
  }

  /**
   * Resolves the filters of a list call. With `page_info` Shopify takes no other filter but
   * `limit`, so the cursor carries the first page's filters and the offset reached.
   */
  private pageFilters(query: QueryParams): PageRequest {
    const limit = Math.min(Math.max(Number(query.limit ?? 50) || 50, 1), MAX_LIMIT);

    if (query.page_info) {
      const others = Object.keys(query).filter((key) => key !== 'page_info' && key !== 'limit');

      if (others.length > 0) {
        throw new HttpException(
          {
            errors: `page_info cannot be combined with ${others.join(', ')}; send only page_info and limit`,
          },
          HttpStatus.BAD_REQUEST,
        );
      }

      try {
        const decoded = JSON.parse(Buffer.from(query.page_info, 'base64url').toString('utf8')) as {
          filters: QueryParams;
          offset: number;
        };

        return { filters: decoded.filters, offset: decoded.offset, limit };
      } catch {
        throw new HttpException({ errors: 'page_info is invalid' }, HttpStatus.BAD_REQUEST);
      }
    }

    return { filters: { status: 'open', ...query }, offset: 0, limit };
  }

  private page<T>(request: Request, response: Response, items: T[], paging: PageRequest): T[] {
    const { offset, limit } = paging;
    const page = items.slice(offset, offset + limit);

    if (offset + limit < items.length) {
      const cursor = Buffer.from(
        JSON.stringify({ filters: paging.filters, offset: offset + limit }),
      ).toString('base64url');
      const url = `${request.protocol}://${request.get('host') ?? '127.0.0.1'}${request.path}?limit=${limit}&page_info=${cursor}`;

      response.setHeader('Link', `<${url}>; rel="next"`);
    }

    return page;
  }
}

function compareTime(left: unknown, right: unknown): number {
  return Date.parse(String(left)) - Date.parse(String(right));
}

function inRange(value: string, min: string | undefined, max: string | undefined): boolean {
  const time = Date.parse(value);

  return (!min || time >= Date.parse(min)) && (!max || time <= Date.parse(max));
}

function inDateRange(date: string, min: string | undefined, max: string | undefined): boolean {
  return (!min || date >= min) && (!max || date <= max);
}
