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
import { WooCommerceStore } from './woocommerce-store';

type Json = ChannelJson;

/**
 * The WooCommerce REST API v3 endpoints the connector calls, below `/woocommerce` (so the store
 * URL is `<sandbox>/woocommerce`): orders with `modified_after`/`modified_before` and page
 * headers, refunds, products and variations, webhooks. Consumer keys go in HTTP Basic auth.
 */
@Controller('woocommerce/wp-json')
export class WooCommerceApiController {
  constructor(private readonly store: WooCommerceStore) {}

  @Get()
  index(): Json {
    return {
      name: 'Sandbox WooCommerce',
      description: 'WooCommerce stand-in',
      url: 'http://127.0.0.1/woocommerce',
    };
  }

  @Get('wc/v3/orders')
  listOrders(
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json[] {
    this.authorise(authorization, response);

    const after = timeParam(withZone(query.modified_after));
    const before = timeParam(withZone(query.modified_before));
    const statuses =
      typeof query.status === 'string' && query.status !== 'any' ? query.status.split(',') : [];
    const search = typeof query.search === 'string' ? query.search : undefined;
    const orders = [...this.store.orders.values()]
      .filter((order) => {
        const modified = Date.parse(`${order.date_modified_gmt ?? order.date_created_gmt}Z`);

        return (
          (after === undefined || modified > after) &&
          (before === undefined || modified < before) &&
          (statuses.length === 0 || statuses.includes(order.status)) &&
          (search === undefined || String(order.number).includes(search))
        );
      })
      .sort(
        (a, b) =>
          String(a.date_modified_gmt).localeCompare(String(b.date_modified_gmt)) || a.id - b.id,
      );

    return this.paged(orders, query, response);
  }

  @Get('wc/v3/orders/:id')
  getOrder(
    @Headers('authorization') authorization: string | undefined,
    @Param('id', ParseIntPipe) id: number,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    const order = this.store.orders.get(id);

    if (!order) {
      throw new NotFoundException({
        code: 'woocommerce_rest_shop_order_invalid_id',
        message: 'Invalid ID.',
        data: { status: 404 },
      });
    }

    return order;
  }

  @Get('wc/v3/orders/:id/refunds')
  listRefunds(
    @Headers('authorization') authorization: string | undefined,
    @Param('id', ParseIntPipe) id: number,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json[] {
    this.authorise(authorization, response);

    return this.paged(this.store.refunds.get(id) ?? [], query, response);
  }

  @Get('wc/v3/products')
  listProducts(
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json[] {
    this.authorise(authorization, response);

    const variations = [...this.store.variations.entries()].flatMap(([parentId, items]) =>
      items.map((item) => ({ ...item, parent_id: parentId, type: 'variation' })),
    );
    const candidates = query.type === 'variation' ? variations : [...this.store.products.values()];
    const products =
      typeof query.sku === 'string'
        ? candidates.filter((product) => product.sku === query.sku)
        : candidates;

    return this.paged(products, query, response);
  }

  @Get('wc/v3/products/:id/variations')
  listVariations(
    @Headers('authorization') authorization: string | undefined,
    @Param('id', ParseIntPipe) id: number,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json[] {
    this.authorise(authorization, response);

    return this.paged(this.store.variations.get(id) ?? [], query, response);
  }

  @Put('wc/v3/products/:id/variations/:variationId')
  updateVariation(
    @Headers('authorization') authorization: string | undefined,
    @Param('id', ParseIntPipe) id: number,
    @Param('variationId', ParseIntPipe) variationId: number,
    @Body() body: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    const variation = (this.store.variations.get(id) ?? []).find((item) => item.id === variationId);

    if (!variation) {
      throw new NotFoundException({
        code: 'woocommerce_rest_product_variation_invalid_id',
        message: 'Invalid ID.',
        data: { status: 404 },
      });
    }

    Object.assign(variation, pickStock(body));

    return variation;
  }

  @Post('wc/v3/products/batch')
  @HttpCode(200)
  batchProducts(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    const updates = Array.isArray(body?.update) ? (body.update as Json[]) : [];

    // WooCommerce caps a batch at 100 objects.
    if (updates.length > 100) {
      throw new HttpException(
        {
          code: 'rest_request_entity_too_large',
          message: 'Unable to accept more than 100 items for this request.',
        },
        HttpStatus.PAYLOAD_TOO_LARGE,
      );
    }

    return {
      update: updates.map((update) => {
        const product = this.store.products.get(Number(update.id));

        if (!product) {
          return {
            id: update.id,
            error: {
              code: 'woocommerce_rest_product_invalid_id',
              message: 'Invalid ID.',
              data: { status: 400 },
            },
          };
        }

        Object.assign(product, pickStock(update));

        return product;
      }),
    };
  }

  @Get('wc/v3/webhooks')
  listWebhooks(
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json[] {
    this.authorise(authorization, response);

    const hooks =
      typeof query.status === 'string'
        ? this.store.webhooks.filter((hook) => hook.status === query.status)
        : this.store.webhooks;

    return this.paged(hooks, query, response);
  }

  /** Checks Basic consumer-key auth and the rate limit, as WooCommerce and its host do. */
  private authorise(authorization: string | undefined, response: Response): void {
    const match = /^Basic (.+)$/i.exec(authorization ?? '');
    const [key, secret] = match ? Buffer.from(match[1], 'base64').toString('utf8').split(':') : [];

    if (!key || this.store.keys.get(key) !== secret) {
      throw new HttpException(
        {
          code: 'woocommerce_rest_cannot_view',
          message: 'Sorry, you cannot list resources.',
          data: { status: 401 },
        },
        HttpStatus.UNAUTHORIZED,
      );
    }

    this.store.limiter.take(key, 'default', response, {
      code: 'rest_too_many_requests',
      message: 'Too many requests.',
      data: { status: 429 },
    });
  }

  private paged(items: Json[], query: Json, response: Response): Json[] {
    const perPage = intParam(query.per_page, 10, 100);
    const page = intParam(query.page, 1);
    const { page: slice } = pageOf(items, (page - 1) * perPage, perPage);

    response.setHeader('X-WP-Total', String(items.length));
    response.setHeader('X-WP-TotalPages', String(Math.max(1, Math.ceil(items.length / perPage))));

    return slice;
  }
}

/** WooCommerce reads `modified_after` without an offset as UTC when `dates_are_gmt` is set. */
function withZone(value: unknown): unknown {
  return typeof value === 'string' && /T\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(value)
    ? `${value}Z`
    : value;
}

function pickStock(body: Json): Json {
  const changes: Json = {};

  if (typeof body.stock_quantity === 'number') {
    changes.stock_quantity = body.stock_quantity;
  }

  if (typeof body.manage_stock === 'boolean') {
    changes.manage_stock = body.manage_stock;
  }

  return changes;
}
