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

import { intParam, pageOf, type ChannelJson } from '../common/channel-stand-in';
import { SandboxClock } from '../common/sandbox-clock';
import { EBAY_SANDBOX_APP, EbayStore } from './ebay-store';

type Json = ChannelJson;

/**
 * The eBay OAuth token endpoint and the Fulfillment, Finances and Inventory API calls the
 * connector makes, below `/ebay` in place of both `api.ebay.com` and `apiz.ebay.com`. Filters use
 * eBay's syntax: `lastmodifieddate:[start..end]`, `payoutDate:[start..end]`, `payoutId:{id}`.
 */
@Controller('ebay')
export class EbayApiController {
  constructor(
    private readonly store: EbayStore,
    private readonly clock: SandboxClock,
  ) {}

  @Post('identity/v1/oauth2/token')
  @HttpCode(200)
  token(@Headers('authorization') authorization: string | undefined, @Body() body: Json): Json {
    const basic = Buffer.from(
      `${EBAY_SANDBOX_APP.clientId}:${EBAY_SANDBOX_APP.clientSecret}`,
    ).toString('base64');

    if (authorization !== `Basic ${basic}`) {
      throw new HttpException(
        { error: 'invalid_client', error_description: 'client authentication failed' },
        HttpStatus.UNAUTHORIZED,
      );
    }

    if (
      body?.grant_type !== 'refresh_token' ||
      body.refresh_token !== EBAY_SANDBOX_APP.refreshToken
    ) {
      throw new HttpException(
        {
          error: 'invalid_grant',
          error_description:
            'the provided authorization refresh token is invalid or was issued to another client',
        },
        HttpStatus.BAD_REQUEST,
      );
    }

    return this.store.issueToken(this.clock.nowMs());
  }

  @Get('sell/fulfillment/v1/order')
  getOrders(
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    const range = dateRange(query.filter, 'lastmodifieddate');
    const statuses =
      /orderfulfillmentstatus:\{([^}]*)\}/.exec(String(query.filter ?? ''))?.[1]?.split('|') ?? [];
    const orders = [...this.store.orders.values()]
      .filter(
        (order) =>
          inRange(order.lastModifiedDate, range) &&
          (statuses.length === 0 || statuses.includes(order.orderFulfillmentStatus)),
      )
      .sort((a, b) => Date.parse(a.lastModifiedDate) - Date.parse(b.lastModifiedDate));

    return offsetPage(orders, query, 'orders', 50, 200);
  }

  @Get('sell/fulfillment/v1/order/:orderId')
  getOrder(
    @Headers('authorization') authorization: string | undefined,
    @Param('orderId') orderId: string,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    const order = this.store.orders.get(orderId);

    if (!order) {
      throw ebayError(HttpStatus.NOT_FOUND, 32100, 'No order found for order ID');
    }

    return order;
  }

  @Get('sell/finances/v1/payout')
  getPayouts(
    @Headers('authorization') authorization: string | undefined,
    @Headers('x-ebay-c-marketplace-id') marketplace: string | undefined,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);
    requireMarketplace(marketplace);

    const range = dateRange(query.filter, 'payoutDate');

    return offsetPage(
      this.store.payouts.filter((payout) => inRange(payout.payoutDate, range)),
      query,
      'payouts',
      20,
      200,
    );
  }

  @Get('sell/finances/v1/transaction')
  getTransactions(
    @Headers('authorization') authorization: string | undefined,
    @Headers('x-ebay-c-marketplace-id') marketplace: string | undefined,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);
    requireMarketplace(marketplace);

    const payoutId = /payoutId:\{([^}]*)\}/.exec(String(query.filter ?? ''))?.[1];

    return offsetPage(
      this.store.transactions.filter(
        (transaction) => !payoutId || transaction.payoutId === payoutId,
      ),
      query,
      'transactions',
      20,
      1000,
    );
  }

  @Get('sell/inventory/v1/inventory_item')
  inventoryItems(
    @Headers('authorization') authorization: string | undefined,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    return offsetPage([...this.store.inventory.values()], query, 'inventoryItems', 25, 200);
  }

  @Post('sell/inventory/v1/bulk_update_price_quantity')
  @HttpCode(200)
  bulkQuantity(
    @Headers('authorization') authorization: string | undefined,
    @Body() body: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(authorization, response);

    const requests: Json[] = Array.isArray(body?.requests) ? body.requests : [];

    if (requests.length === 0 || requests.length > 25) {
      throw ebayError(HttpStatus.BAD_REQUEST, 25709, 'requests must hold 1 to 25 SKUs');
    }

    return {
      responses: requests.map((request) => {
        const item = this.store.inventory.get(request.sku);

        if (!item) {
          return {
            sku: request.sku,
            statusCode: 404,
            errors: [
              {
                errorId: 25702,
                message: `SKU ${String(request.sku)} is not available in the system`,
              },
            ],
          };
        }

        item.availability = {
          shipToLocationAvailability: {
            quantity: request.shipToLocationAvailability?.quantity ?? 0,
          },
        };

        return { sku: request.sku, statusCode: 200 };
      }),
    };
  }

  private authorise(authorization: string | undefined, response: Response): void {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    const expiresAt = token ? this.store.tokens.get(token) : undefined;

    if (!token || expiresAt === undefined || expiresAt <= this.clock.nowMs()) {
      throw ebayError(HttpStatus.UNAUTHORIZED, 1001, 'Invalid access token');
    }

    this.store.limiter.take(token, 'default', response, {
      errors: [
        { errorId: 2001, domain: 'ACCESS', category: 'REQUEST', message: 'Too many requests' },
      ],
    });
  }
}

function ebayError(status: HttpStatus, errorId: number, message: string): HttpException {
  return new HttpException(
    { errors: [{ errorId, domain: 'API_FULFILLMENT', category: 'REQUEST', message }] },
    status,
  );
}

function requireMarketplace(marketplace: string | undefined): void {
  if (!marketplace) {
    throw ebayError(
      HttpStatus.BAD_REQUEST,
      135009,
      'The X-EBAY-C-MARKETPLACE-ID header is missing',
    );
  }
}

/** Reads `field:[start..end]` from an eBay filter; either end may be empty. */
function dateRange(filter: unknown, field: string): { start?: number; end?: number } {
  const match = new RegExp(`${field}:\\[([^.\\]]*)\\.\\.([^\\]]*)\\]`).exec(String(filter ?? ''));

  return match
    ? {
        start: match[1] ? Date.parse(match[1]) : undefined,
        end: match[2] ? Date.parse(match[2]) : undefined,
      }
    : {};
}

function inRange(value: string, range: { start?: number; end?: number }): boolean {
  const time = Date.parse(value);

  return (
    (range.start === undefined || time >= range.start) &&
    (range.end === undefined || time <= range.end)
  );
}

function offsetPage(
  items: Json[],
  query: Json,
  key: string,
  defaultLimit: number,
  maxLimit: number,
): Json {
  const limit = intParam(query.limit, defaultLimit, maxLimit);
  const offset = Number.isInteger(Number(query.offset)) ? Number(query.offset) : 0;

  return { total: items.length, limit, offset, [key]: pageOf(items, offset, limit).page };
}
