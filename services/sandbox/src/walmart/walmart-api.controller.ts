import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpException,
  HttpStatus,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { type Response } from 'express';

import { intParam, pageOf, timeParam, type ChannelJson } from '../common/channel-stand-in';
import { SandboxClock } from '../common/sandbox-clock';
import { zipOneFile } from './walmart-report-archive';
import { WALMART_SANDBOX_CLIENT, WalmartStore } from './walmart-store';

type Json = ChannelJson;

/**
 * The Walmart Marketplace token, orders, reconciliation report, inventory and feed endpoints the
 * connector calls, below `/walmart` in place of `https://marketplace.walmartapis.com`. Every call
 * needs `WM_SVC.NAME` and `WM_QOS.CORRELATION_ID`, API calls also `WM_SEC.ACCESS_TOKEN`. Responses
 * carry the token-bucket headers `x-current-token-count` and `x-next-replenish-time`.
 */
@Controller('walmart/v3')
export class WalmartApiController {
  constructor(
    private readonly store: WalmartStore,
    private readonly clock: SandboxClock,
  ) {}

  @Post('token')
  @HttpCode(200)
  token(@Headers() headers: Json, @Body() body: unknown): Json {
    requireServiceHeaders(headers);

    const basic = Buffer.from(
      `${WALMART_SANDBOX_CLIENT.clientId}:${WALMART_SANDBOX_CLIENT.clientSecret}`,
    ).toString('base64');
    const grant =
      typeof body === 'string'
        ? body
        : new URLSearchParams(body as Record<string, string>).toString();

    if (headers.authorization !== `Basic ${basic}`) {
      throw walmartError(
        HttpStatus.UNAUTHORIZED,
        'UNAUTHORIZED.GMP_GATEWAY_API',
        'Invalid client credentials',
      );
    }

    if (!grant.includes('grant_type=client_credentials')) {
      throw walmartError(
        HttpStatus.BAD_REQUEST,
        'INVALID_REQUEST.GMP_GATEWAY_API',
        'grant_type must be client_credentials',
      );
    }

    return this.store.issueToken(this.clock.nowMs());
  }

  @Get('orders')
  orders(
    @Headers() headers: Json,
    @Query() query: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(headers, response, 'default');

    const offset = Number.isInteger(Number(query.offset)) ? Number(query.offset) : 0;
    const start = timeParam(query.lastModifiedStartDate);
    const end = timeParam(query.lastModifiedEndDate);
    const orders = [...this.store.orders.values()]
      .filter((order) => {
        const modified = Math.max(
          order.orderDate,
          ...order.orderLines.orderLine.map((line: Json) => line.statusDate ?? 0),
        );

        return (
          (start === undefined || modified >= start) &&
          (end === undefined || modified < end) &&
          (!query.customerOrderId || order.customerOrderId === query.customerOrderId)
        );
      })
      .sort((a, b) => a.orderDate - b.orderDate);

    if (orders.length === 0) {
      throw walmartError(
        HttpStatus.NOT_FOUND,
        'CONTENT_NOT_FOUND.GMP_ORDER_API',
        'No orders found.',
      );
    }

    const limit = intParam(query.limit, 100, 200);
    const { page, more } = pageOf(orders, offset, limit);
    // Walmart's nextCursor repeats the query to send, and the stand-in adds the offset to it.
    const next = new URLSearchParams({
      ...query,
      limit: String(limit),
      offset: String(offset + limit),
    });

    return {
      list: {
        meta: { totalCount: orders.length, limit, nextCursor: more ? `?${next.toString()}` : null },
        elements: { order: page },
      },
    };
  }

  @Get('report/reconreport/availableReconFiles')
  availableReports(@Headers() headers: Json, @Res({ passthrough: true }) response: Response): Json {
    this.authorise(headers, response, 'default');

    return { availableApReportDates: [...this.store.reports.keys()] };
  }

  @Get('report/reconreport/reconFile')
  report(
    @Headers() headers: Json,
    @Query('reportDate') reportDate: string,
    @Res({ passthrough: true }) response: Response,
  ): string | StreamableFile {
    this.authorise(headers, response, 'default');

    const report = this.store.reports.get(reportDate);

    if (!report) {
      throw walmartError(
        HttpStatus.NOT_FOUND,
        'CONTENT_NOT_FOUND.GMP_PAYMENT_API',
        `No report for ${reportDate}`,
      );
    }

    if (this.store.reportFormat === 'csv') {
      response.setHeader('content-type', 'text/csv');

      return report;
    }

    const archive = zipOneFile(`ReconFile_${reportDate}.csv`, Buffer.from(report, 'utf8'));

    // A cut-short download: the end of central directory record is missing.
    return new StreamableFile(
      this.store.reportFormat === 'corrupt-zip'
        ? archive.subarray(0, archive.length - 30)
        : archive,
      {
        type: 'application/octet-stream',
        disposition: `attachment; filename=ReconFile_${reportDate}.zip`,
      },
    );
  }

  @Get('inventories')
  inventories(@Headers() headers: Json, @Res({ passthrough: true }) response: Response): Json {
    this.authorise(headers, response, 'default');

    return {
      meta: { totalCount: this.store.inventory.size, nextCursor: null },
      elements: {
        inventories: [...this.store.inventory.entries()].map(([sku, amount]) => ({
          sku,
          nodes: [
            {
              shipNode: 'default',
              inputQty: { unit: 'EACH', amount },
              availToSellQty: { unit: 'EACH', amount },
            },
          ],
        })),
      },
    };
  }

  @Post('feeds')
  @HttpCode(202)
  feed(
    @Headers() headers: Json,
    @Query('feedType') feedType: string,
    @Body() body: Json,
    @Res({ passthrough: true }) response: Response,
  ): Json {
    this.authorise(headers, response, 'feeds');

    if (feedType !== 'inventory' || !Array.isArray(body?.Inventory)) {
      throw walmartError(
        HttpStatus.BAD_REQUEST,
        'INVALID_REQUEST_CONTENT.GMP_ITEM_INGESTOR_API',
        'feedType=inventory with an Inventory array is required',
      );
    }

    const feedId = `SANDBOX${String(this.store.feeds.length + 1).padStart(6, '0')}`;

    // Walmart applies a feed later, but the stand-in applies known SKUs at once.
    for (const item of body.Inventory as Json[]) {
      if (this.store.inventory.has(item.sku)) {
        this.store.inventory.set(item.sku, item.quantity?.amount ?? 0);
      }
    }

    this.store.feeds.push({ feedId, feedType, body });

    return { feedId };
  }

  private authorise(headers: Json, response: Response, bucket: string): void {
    requireServiceHeaders(headers);

    const token = headers['wm_sec.access_token'];
    const expiresAt = token ? this.store.tokens.get(token) : undefined;

    if (!token || expiresAt === undefined || expiresAt <= this.clock.nowMs()) {
      throw walmartError(
        HttpStatus.UNAUTHORIZED,
        'UNAUTHORIZED.GMP_GATEWAY_API',
        'Unauthorized token or invalid token',
      );
    }

    const replenishAt = String(
      this.clock.nowMs() + Math.ceil(1000 / this.store.limiter.budget(bucket).requestsPerSecond),
    );
    const left = this.store.limiter.take(
      token,
      bucket,
      response,
      {
        errors: {
          error: [
            {
              code: 'REQUEST_THRESHOLD_VIOLATED.GMP_GATEWAY_API',
              description: 'Too many requests',
            },
          ],
        },
      },
      () => ({ 'x-current-token-count': '0', 'x-next-replenish-time': replenishAt }),
    );

    response.setHeader('x-current-token-count', String(left));
    response.setHeader('x-next-replenish-time', replenishAt);
  }
}

function requireServiceHeaders(headers: Json): void {
  if (!headers['wm_svc.name'] || !headers['wm_qos.correlation_id']) {
    throw walmartError(
      HttpStatus.BAD_REQUEST,
      'INVALID_REQUEST_HEADER.GMP_GATEWAY_API',
      'WM_SVC.NAME and WM_QOS.CORRELATION_ID headers are required',
    );
  }
}

function walmartError(status: HttpStatus, code: string, description: string): HttpException {
  return new HttpException(
    {
      errors: {
        error: [{ code, description, info: description, severity: 'ERROR', category: 'DATA' }],
      },
    },
    status,
  );
}
