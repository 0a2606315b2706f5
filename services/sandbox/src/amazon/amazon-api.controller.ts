import { randomUUID } from 'node:crypto';

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
  Put,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import { type Request, type Response } from 'express';

import { intParam, pageOf, timeParam, type ChannelJson } from '../common/channel-stand-in';
import { SandboxClock } from '../common/sandbox-clock';
import { AMAZON_SANDBOX_APP, AmazonStore } from './amazon-store';

type Json = ChannelJson;

/** Amazon rejects a `LastUpdatedBefore` later than two minutes before the request. */
const ORDERS_LAG_MS = 2 * 60 * 1000;

/**
 * The Login with Amazon token endpoint and the SP-API operations the connector calls, below
 * `/amazon`. Every operation checks `x-amz-access-token` and its own usage plan; NextToken is an
 * offset as a string.
 */
@Controller('amazon')
export class AmazonApiController {
  constructor(
    private readonly store: AmazonStore,
    private readonly clock: SandboxClock,
  ) {}

  @Post('auth/o2/token')
  @HttpCode(200)
  token(@Body() body: Json): Json {
    const app = AMAZON_SANDBOX_APP;

    if (body?.grant_type !== 'refresh_token') {
      throw new HttpException(
        { error: 'unsupported_grant_type', error_description: 'grant_type must be refresh_token' },
        HttpStatus.BAD_REQUEST,
      );
    }

    if (body.client_id !== app.clientId || body.client_secret !== app.clientSecret) {
      throw new HttpException(
        { error: 'invalid_client', error_description: 'Client authentication failed' },
        HttpStatus.UNAUTHORIZED,
      );
    }

    if (body.refresh_token !== app.refreshToken) {
      throw new HttpException(
        {
          error: 'invalid_grant',
          error_description: 'The request has an invalid grant parameter : refresh_token',
        },
        HttpStatus.BAD_REQUEST,
      );
    }

    return this.store.issueToken(this.clock.nowMs(), app.refreshToken);
  }

  @Get('orders/v0/orders')
  getOrders(
    @Headers('x-amz-access-token') token: string | undefined,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(token, 'getOrders', response);

    const offset = typeof query.NextToken === 'string' ? Number(query.NextToken) : 0;
    const after = timeParam(query.LastUpdatedAfter);
    const before = timeParam(query.LastUpdatedBefore);

    if (
      query.NextToken === undefined &&
      (after === undefined || typeof query.MarketplaceIds !== 'string')
    ) {
      throw amazonError(
        HttpStatus.BAD_REQUEST,
        'InvalidInput',
        'MarketplaceIds and LastUpdatedAfter (or CreatedAfter) are required',
      );
    }

    if (before !== undefined && before > this.clock.nowMs() - ORDERS_LAG_MS) {
      throw amazonError(
        HttpStatus.BAD_REQUEST,
        'InvalidInput',
        'LastUpdatedBefore must be at least two minutes before the time of the request',
      );
    }

    const statuses = typeof query.OrderStatuses === 'string' ? query.OrderStatuses.split(',') : [];
    const orders = [...this.store.orders.values()]
      .filter((order) => {
        const updated = Date.parse(order.LastUpdateDate);

        return (
          (after === undefined || updated >= after) &&
          (before === undefined || updated < before) &&
          (statuses.length === 0 || statuses.includes(order.OrderStatus))
        );
      })
      .sort((a, b) => Date.parse(a.LastUpdateDate) - Date.parse(b.LastUpdateDate));
    const limit = intParam(query.MaxResultsPerPage, 100, 100);
    const { page, more } = pageOf(orders, offset, limit);

    return { payload: { Orders: page, ...(more ? { NextToken: String(offset + limit) } : {}) } };
  }

  @Get('orders/v0/orders/:orderId')
  getOrder(
    @Headers('x-amz-access-token') token: string | undefined,
    @Param('orderId') orderId: string,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(token, 'getOrder', response);

    return { payload: this.order(orderId) };
  }

  @Get('orders/v0/orders/:orderId/orderItems')
  getOrderItems(
    @Headers('x-amz-access-token') token: string | undefined,
    @Param('orderId') orderId: string,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(token, 'getOrderItems', response);
    this.order(orderId);

    return { payload: { AmazonOrderId: orderId, OrderItems: this.store.items.get(orderId) ?? [] } };
  }

  @Get('finances/v0/financialEventGroups')
  listGroups(
    @Headers('x-amz-access-token') token: string | undefined,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(token, 'listFinancialEventGroups', response);

    const after = timeParam(query.FinancialEventGroupStartedAfter);
    const before = timeParam(query.FinancialEventGroupStartedBefore);

    return {
      payload: {
        FinancialEventGroupList: this.store.groups.filter((group) => {
          const started = Date.parse(group.FinancialEventGroupStart);

          return (
            (after === undefined || started >= after) && (before === undefined || started < before)
          );
        }),
      },
    };
  }

  @Get('finances/v0/financialEventGroups/:groupId/financialEvents')
  groupEvents(
    @Headers('x-amz-access-token') token: string | undefined,
    @Param('groupId') groupId: string,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(token, 'listFinancialEvents', response);

    return { payload: { FinancialEvents: this.store.groupEvents.get(groupId) ?? {} } };
  }

  @Get('finances/v0/financialEvents')
  financialEvents(
    @Headers('x-amz-access-token') token: string | undefined,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(token, 'listFinancialEvents', response);

    const after = timeParam(query.PostedAfter);
    const before = timeParam(query.PostedBefore);

    return {
      payload: {
        FinancialEvents: {
          RefundEventList: this.store.refundEvents.filter((event) => {
            const posted = Date.parse(event.PostedDate);

            return (
              (after === undefined || posted >= after) && (before === undefined || posted < before)
            );
          }),
        },
      },
    };
  }

  @Get('sellers/v1/marketplaceParticipations')
  participations(
    @Headers('x-amz-access-token') token: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(token, 'getMarketplaceParticipations', response);

    return {
      payload: [
        {
          marketplace: {
            id: AMAZON_SANDBOX_APP.marketplaceId,
            countryCode: 'US',
            name: 'Amazon.com',
            defaultCurrencyCode: 'USD',
          },
          participation: { isParticipating: true, hasSuspendedListings: false },
          storeName: 'Sandbox Amazon Store',
        },
      ],
    };
  }

  @Get('fba/inventory/v1/summaries')
  inventory(
    @Headers('x-amz-access-token') token: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(token, 'getInventorySummaries', response);

    return {
      payload: {
        granularity: {
          granularityType: 'Marketplace',
          granularityId: AMAZON_SANDBOX_APP.marketplaceId,
        },
        inventorySummaries: this.store.fbaInventory,
      },
    };
  }

  @Post('feeds/2021-06-30/documents')
  @HttpCode(201)
  createFeedDocument(
    @Headers('x-amz-access-token') token: string | undefined,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(token, 'createFeedDocument', response);

    const feedDocumentId = `amzn1.tortuga.4.na.${randomUUID()}`;

    this.store.feedDocuments.set(feedDocumentId, undefined);

    // The real URL is a pre-signed S3 upload URL; here it points back at the stand-in.
    return {
      feedDocumentId,
      url: `${request.protocol}://${request.get('host')}/amazon/__feed-documents/${encodeURIComponent(feedDocumentId)}`,
    };
  }

  @Put('__feed-documents/:feedDocumentId')
  uploadFeedDocument(@Param('feedDocumentId') feedDocumentId: string, @Body() body: unknown): void {
    if (!this.store.feedDocuments.has(feedDocumentId)) {
      throw new HttpException('NoSuchUpload', HttpStatus.NOT_FOUND);
    }

    this.store.feedDocuments.set(
      feedDocumentId,
      typeof body === 'string' ? body : JSON.stringify(body),
    );
  }

  @Post('feeds/2021-06-30/feeds')
  @HttpCode(202)
  createFeed(
    @Headers('x-amz-access-token') token: string | undefined,
    @Body() body: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(token, 'createFeed', response);

    if (!this.store.feedDocuments.get(body?.inputFeedDocumentId)) {
      throw amazonError(
        HttpStatus.BAD_REQUEST,
        'InvalidInput',
        'inputFeedDocumentId names no uploaded feed document',
      );
    }

    const feedId = String(50000 + this.store.feeds.length);

    this.store.feeds.push({
      feedId,
      ...body,
      document: JSON.parse(this.store.feedDocuments.get(body.inputFeedDocumentId) as string),
    });

    return { feedId };
  }

  private order(orderId: string): Json {
    const order = this.store.orders.get(orderId);

    if (!order) {
      throw amazonError(HttpStatus.NOT_FOUND, 'NotFound', `Order ${orderId} was not found`);
    }

    return order;
  }

  private authorise(token: string | undefined, operation: string, response: Response): void {
    const expiresAt = token ? this.store.tokens.get(token) : undefined;

    if (expiresAt === undefined || expiresAt <= this.clock.nowMs()) {
      throw amazonError(
        HttpStatus.FORBIDDEN,
        'Unauthorized',
        'Access to requested resource is denied.',
      );
    }

    this.store.limiter.take(token as string, operation, response, {
      errors: [
        { code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.' },
      ],
    });
    response.setHeader(
      'x-amzn-RateLimit-Limit',
      String(this.store.limiter.budget(operation).requestsPerSecond),
    );
  }
}

function amazonError(status: HttpStatus, code: string, message: string): HttpException {
  return new HttpException({ errors: [{ code, message }] }, status);
}
