import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpException,
  HttpStatus,
  Param,
  ParseIntPipe,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import { type Response } from 'express';

import { intParam, pageOf, type ChannelJson } from '../common/channel-stand-in';
import { SandboxClock } from '../common/sandbox-clock';
import { ETSY_SANDBOX_APP, EtsyStore } from './etsy-store';

type Json = ChannelJson;

/**
 * The Etsy Open API v3 OAuth token endpoint and the shop receipt, ledger and listing inventory
 * calls the connector makes, below `/etsy` in place of `https://api.etsy.com`. Calls need
 * `x-api-key` and a Bearer token. Each refresh returns a new refresh token and spends the one
 * sent, which is then rejected with `invalid_grant`.
 */
@Controller('etsy/v3')
export class EtsyApiController {
  constructor(
    private readonly store: EtsyStore,
    private readonly clock: SandboxClock,
  ) {}

  @Post('public/oauth/token')
  @HttpCode(200)
  token(@Body() body: Json): Json {
    if (body?.grant_type !== 'refresh_token' || body.client_id !== ETSY_SANDBOX_APP.keystring) {
      throw new HttpException(
        { error: 'invalid_grant', error_description: 'Invalid refresh token or client id' },
        HttpStatus.BAD_REQUEST,
      );
    }

    const issued = this.store.refresh(String(body.refresh_token ?? ''), this.clock.nowMs());

    if (!issued) {
      throw new HttpException(
        {
          error: 'invalid_grant',
          error_description: this.store.usedRefreshTokens.has(String(body.refresh_token))
            ? 'refresh_token has already been used'
            : 'Invalid refresh token or client id',
        },
        HttpStatus.BAD_REQUEST,
      );
    }

    return issued;
  }

  @Get('application/shops/:shopId')
  shop(
    @Headers() headers: Json,
    @Param('shopId', ParseIntPipe) shopId: number,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(headers, response, shopId);

    return { shop_id: shopId, shop_name: 'SandboxEtsyShop', currency_code: 'USD' };
  }

  @Get('application/shops/:shopId/receipts')
  receipts(
    @Headers() headers: Json,
    @Param('shopId', ParseIntPipe) shopId: number,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(headers, response, shopId);

    const min = query.min_last_modified === undefined ? undefined : Number(query.min_last_modified);
    const max = query.max_last_modified === undefined ? undefined : Number(query.max_last_modified);
    const receipts = [...this.store.receipts.values()]
      .filter(
        (receipt) =>
          (min === undefined || receipt.updated_timestamp >= min) &&
          (max === undefined || receipt.updated_timestamp <= max),
      )
      .sort((a, b) => a.updated_timestamp - b.updated_timestamp);

    return offsetPage(receipts, query, 25, 100);
  }

  @Get('application/shops/:shopId/receipts/:receiptId')
  receipt(
    @Headers() headers: Json,
    @Param('shopId', ParseIntPipe) shopId: number,
    @Param('receiptId', ParseIntPipe) receiptId: number,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(headers, response, shopId);

    const receipt = this.store.receipts.get(receiptId);

    if (!receipt) {
      throw new HttpException({ error: `Receipt ${receiptId} not found` }, HttpStatus.NOT_FOUND);
    }

    return receipt;
  }

  @Get('application/shops/:shopId/payment-account/ledger-entries')
  ledger(
    @Headers() headers: Json,
    @Param('shopId', ParseIntPipe) shopId: number,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(headers, response, shopId);

    const min = Number(query.min_created);
    const max = Number(query.max_created);

    if (!Number.isInteger(min) || !Number.isInteger(max)) {
      throw new HttpException(
        { error: 'min_created and max_created are required epoch seconds' },
        HttpStatus.BAD_REQUEST,
      );
    }

    return offsetPage(
      this.store.ledger.filter(
        (entry) => entry.created_timestamp >= min && entry.created_timestamp <= max,
      ),
      query,
      25,
      100,
    );
  }

  @Get('application/shops/:shopId/listings')
  listings(
    @Headers() headers: Json,
    @Param('shopId', ParseIntPipe) shopId: number,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(headers, response, shopId);

    return offsetPage(
      [...this.store.listings.keys()].map((listingId) => ({
        listing_id: listingId,
        state: 'active',
      })),
      query,
      25,
      100,
    );
  }

  @Get('application/listings/:listingId/inventory')
  inventory(
    @Headers() headers: Json,
    @Param('listingId', ParseIntPipe) listingId: number,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(headers, response);

    return this.listing(listingId);
  }

  @Put('application/listings/:listingId/inventory')
  updateInventory(
    @Headers() headers: Json,
    @Param('listingId', ParseIntPipe) listingId: number,
    @Body() body: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(headers, response);
    this.listing(listingId);

    const products: Json[] = Array.isArray(body?.products) ? body.products : [];

    if (
      products.length === 0 ||
      products.some(
        (product) => !Array.isArray(product.offerings) || product.offerings.length === 0,
      )
    ) {
      throw new HttpException(
        { error: 'products must each have at least one offering' },
        HttpStatus.BAD_REQUEST,
      );
    }

    const updated = {
      ...body,
      products: products.map((product, index) => ({
        product_id: index + 1,
        ...product,
        offerings: product.offerings.map((offering: Json, offeringIndex: number) => ({
          offering_id: offeringIndex + 1,
          quantity: offering.quantity,
          is_enabled: offering.is_enabled,
          price: {
            amount: Math.round(Number(offering.price) * 100),
            divisor: 100,
            currency_code: 'USD',
          },
        })),
      })),
    };

    this.store.listings.set(listingId, updated);

    return updated;
  }

  private listing(listingId: number): Json {
    const listing = this.store.listings.get(listingId);

    if (!listing) {
      throw new HttpException({ error: `Listing ${listingId} not found` }, HttpStatus.NOT_FOUND);
    }

    return listing;
  }

  private authorise(headers: Json, response: Response, shopId?: number): void {
    const apiKey = String(headers['x-api-key'] ?? '').split(':')[0];
    const token = /^Bearer (.+)$/.exec(String(headers.authorization ?? ''))?.[1];
    const expiresAt = token ? this.store.tokens.get(token) : undefined;

    if (apiKey !== ETSY_SANDBOX_APP.keystring) {
      throw new HttpException({ error: 'Invalid API key' }, HttpStatus.FORBIDDEN);
    }

    if (!token || expiresAt === undefined || expiresAt <= this.clock.nowMs()) {
      throw new HttpException({ error: 'invalid_token' }, HttpStatus.UNAUTHORIZED);
    }

    if (shopId !== undefined && shopId !== ETSY_SANDBOX_APP.shopId) {
      throw new HttpException({ error: `Shop ${shopId} not found` }, HttpStatus.NOT_FOUND);
    }

    this.store.limiter.take(apiKey, 'default', response, {
      error: 'You have exceeded your rate limit',
    });
  }
}

function offsetPage(items: Json[], query: Json, defaultLimit: number, maxLimit: number): Json {
  const limit = intParam(query.limit, defaultLimit, maxLimit);
  const offset = Number.isInteger(Number(query.offset)) ? Number(query.offset) : 0;

  return { count: items.length, results: pageOf(items, offset, limit).page };
}
