import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpException,
  HttpStatus,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { type Response } from 'express';

import { intParam, pageOf, timeParam, type ChannelJson } from '../common/channel-stand-in';
import { SQUARE_SANDBOX_MERCHANT, SquareStore } from './square-store';

type Json = ChannelJson;

/**
 * The Square Orders, Refunds, Payouts, Catalog and Inventory endpoints the connector calls,
 * below `/square` in place of `https://connect.squareup.com`. Cursors are offsets as strings.
 */
@Controller('square/v2')
export class SquareApiController {
  constructor(private readonly store: SquareStore) {}

  @Get('merchants/me')
  merchant(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    return {
      merchant: {
        id: SQUARE_SANDBOX_MERCHANT.merchantId,
        business_name: 'Sandbox Square',
        country: 'US',
        currency: 'USD',
      },
    };
  }

  @Get('locations')
  locations(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    return { locations: [{ id: 'L8JMQ2VPKNFPT', name: 'Main street', status: 'ACTIVE' }] };
  }

  @Post('orders/search')
  @HttpCode(200)
  searchOrders(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    const locations: string[] = Array.isArray(body?.location_ids) ? body.location_ids : [];

    if (locations.length === 0 || locations.length > 10) {
      throw squareError(
        HttpStatus.BAD_REQUEST,
        'INVALID_REQUEST_ERROR',
        'INVALID_VALUE',
        'location_ids must hold 1 to 10 location ids',
      );
    }

    const range = body?.query?.filter?.date_time_filter?.updated_at ?? {};
    const start = timeParam(range.start_at);
    const end = timeParam(range.end_at);
    const states: string[] = body?.query?.filter?.state_filter?.states ?? [];
    const orders = [...this.store.orders.values()]
      .filter((order) => {
        const updated = Date.parse(order.updated_at);

        return (
          locations.includes(order.location_id) &&
          (start === undefined || updated >= start) &&
          (end === undefined || updated < end) &&
          (states.length === 0 || states.includes(order.state))
        );
      })
      .sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at));

    return cursorPage(orders, body?.cursor, intParam(body?.limit, 500, 1000), 'orders');
  }

  @Post('orders/batch-retrieve')
  @HttpCode(200)
  batchRetrieve(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    return {
      orders: ((body?.order_ids ?? []) as string[]).flatMap((id) =>
        this.store.orders.has(id) ? [this.store.orders.get(id)] : [],
      ),
    };
  }

  @Post('catalog/batch-retrieve')
  @HttpCode(200)
  catalogRetrieve(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    const ids = new Set<string>(body?.object_ids ?? []);

    return { objects: this.store.catalog.filter((object) => ids.has(object.id)) };
  }

  @Post('catalog/search')
  @HttpCode(200)
  catalogSearch(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    const exact = body?.query?.exact_query ?? {};

    return {
      objects: this.store.catalog.filter(
        (object) =>
          exact.attribute_name === 'sku' &&
          object.item_variation_data?.sku === exact.attribute_value,
      ),
    };
  }

  @Get('refunds')
  listRefunds(
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    return cursorPage(
      inWindow(this.store.refunds, query, 'created_at'),
      query.cursor,
      intParam(query.limit, 100, 100),
      'refunds',
    );
  }

  @Get('payouts')
  listPayouts(
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    return cursorPage(
      inWindow(this.store.payouts, query, 'created_at'),
      query.cursor,
      intParam(query.limit, 100, 100),
      'payouts',
    );
  }

  @Get('payouts/:id')
  getPayout(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') id: string,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    const payout = this.store.payouts.find((item) => item.id === id);

    if (!payout) {
      throw squareError(
        HttpStatus.NOT_FOUND,
        'INVALID_REQUEST_ERROR',
        'NOT_FOUND',
        `Payout ${id} not found`,
      );
    }

    return { payout };
  }

  @Get('payouts/:id/payout-entries')
  payoutEntries(
    @Headers('authorization') authorization: string | undefined,
    @Param('id') id: string,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    return cursorPage(
      this.store.entries.get(id) ?? [],
      query.cursor,
      intParam(query.limit, 100, 100),
      'payout_entries',
    );
  }

  @Post('inventory/counts/batch-retrieve')
  @HttpCode(200)
  counts(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    const locations: string[] = body?.location_ids ?? [];

    return cursorPage(
      this.store.counts.filter(
        (count) => locations.length === 0 || locations.includes(count.location_id),
      ),
      body?.cursor,
      intParam(body?.limit, 1000, 1000),
      'counts',
    );
  }

  @Post('inventory/changes/batch-create')
  @HttpCode(200)
  changeInventory(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    const changes: Json[] = Array.isArray(body?.changes) ? body.changes : [];

    if (typeof body?.idempotency_key !== 'string' || changes.length === 0 || changes.length > 100) {
      throw squareError(
        HttpStatus.BAD_REQUEST,
        'INVALID_REQUEST_ERROR',
        'INVALID_VALUE',
        'idempotency_key and 1 to 100 changes are required',
      );
    }

    for (const change of changes) {
      const count = change.physical_count ?? {};
      const existing = this.store.counts.find(
        (item) =>
          item.catalog_object_id === count.catalog_object_id &&
          item.location_id === count.location_id,
      );

      if (existing) {
        existing.quantity = count.quantity;
        existing.calculated_at = new Date().toISOString();
      } else {
        this.store.counts.push({
          catalog_object_id: count.catalog_object_id,
          catalog_object_type: 'ITEM_VARIATION',
          state: 'IN_STOCK',
          location_id: count.location_id,
          quantity: count.quantity,
        });
      }
    }

    return { counts: this.store.counts };
  }

  private authorise(authorization: string | undefined, response: Response): void {
    if (authorization !== `Bearer ${SQUARE_SANDBOX_MERCHANT.accessToken}`) {
      throw squareError(
        HttpStatus.UNAUTHORIZED,
        'AUTHENTICATION_ERROR',
        'UNAUTHORIZED',
        'The access token is invalid or was revoked',
      );
    }

    this.store.limiter.take(SQUARE_SANDBOX_MERCHANT.accessToken, 'default', response, {
      errors: [
        { category: 'RATE_LIMIT_ERROR', code: 'RATE_LIMITED', detail: 'Rate limit exceeded' },
      ],
    });
  }
}

function squareError(
  status: HttpStatus,
  category: string,
  code: string,
  detail: string,
): HttpException {
  return new HttpException({ errors: [{ category, code, detail }] }, status);
}

function cursorPage(items: Json[], cursor: unknown, limit: number, key: string): Json {
  const offset = typeof cursor === 'string' && /^\d+$/.test(cursor) ? Number(cursor) : 0;
  const { page, more } = pageOf(items, offset, limit);

  return { [key]: page, ...(more ? { cursor: String(offset + limit) } : {}) };
}

function inWindow(items: Json[], query: Json, field: string): Json[] {
  const begin = timeParam(query.begin_time);
  const end = timeParam(query.end_time);

  return items.filter((item) => {
    const time = Date.parse(item[field]);

    return (begin === undefined || time >= begin) && (end === undefined || time < end);
  });
}
