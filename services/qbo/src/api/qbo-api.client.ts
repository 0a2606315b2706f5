import { randomUUID } from 'node:crypto';

import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppLogger, MetricsService } from '@qbsync/platform';
import { type Counter } from 'prom-client';

import { type QboConfig } from '../qbo.config';
import { exchange, type HttpExchange } from './http-exchange';
import { parseFaultBody, QboTransportError } from './qbo-api.errors';

export interface QboRequest {
  realmId: string;
  accessToken: string;
  method: 'GET' | 'POST';
  /** Path below `/v3/company/<realmId>/`, such as `salesreceipt` or `query`. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Idempotency key: QuickBooks returns the first result for a repeated write with the same `requestid`. */
  requestId?: string;
}

/** Thin HTTP client for the QuickBooks Online Accounting API v3 (JSON). */
@Injectable()
export class QboApiClient {
  private readonly logger: AppLogger;
  private readonly requests: Counter<'method' | 'entity' | 'status'>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: QboConfig,
    metrics: MetricsService,
    logger: AppLogger,
  ) {
    this.logger = logger.child(QboApiClient.name);
    this.requests = metrics.counter('qbsync_qbo_requests_total', 'QuickBooks Online API requests', [
      'method',
      'entity',
      'status',
    ]);
  }

  async request<T>(request: QboRequest): Promise<T> {
    const url = this.buildUrl(request);
    const entity = request.path.split('/')[0] ?? 'unknown';
    let response: HttpExchange;

    try {
      response = await exchange(new URL(url), {
        method: request.method,
        headers: {
          Authorization: `Bearer ${request.accessToken}`,
          Accept: 'application/json',
          ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        timeoutMs: this.config.QBO_REQUEST_TIMEOUT_MS,
      });
    } catch (error) {
      this.requests.inc({ method: request.method, entity, status: 'network' });
      throw new QboTransportError(
        `No response from QuickBooks for ${request.method} ${request.path}: ${(error as Error).message}`,
        { cause: error },
      );
    }

    this.requests.inc({ method: request.method, entity, status: String(response.status) });
    const text = response.body;

    if (response.status < 200 || response.status >= 300) {
      const fault = parseFaultBody(response.status, text);

      this.logger.debug('QuickBooks fault', {
        realmId: request.realmId,
        path: request.path,
        code: fault.code,
      });
      throw fault;
    }

    return JSON.parse(text) as T;
  }

  /** Runs a QuickBooks query and returns the rows of `entity` (an empty array when none match). */
  async query<T>(
    realmId: string,
    accessToken: string,
    entity: string,
    statement: string,
  ): Promise<T[]> {
    const body = await this.request<{ QueryResponse?: Record<string, unknown> }>({
      realmId,
      accessToken,
      method: 'GET',
      path: 'query',
      query: { query: statement },
    });

    return (body.QueryResponse?.[entity] as T[] | undefined) ?? [];
  }

  newRequestId(): string {
    return randomUUID();
  }

  private buildUrl(request: QboRequest): string {
    const url = new URL(
      `/v3/company/${encodeURIComponent(request.realmId)}/${request.path}`,
      this.config.QBO_API_BASE_URL,
    );

    url.searchParams.set('minorversion', String(this.config.QBO_MINOR_VERSION));
    if (request.requestId) {
      url.searchParams.set('requestid', request.requestId);
    }

    for (const [key, value] of Object.entries(request.query ?? {})) {
      url.searchParams.set(key, value);
    }

    return url.toString();
  }
}

/** Quotes a value for the QuickBooks query language: single quotes, with `'` and `\` escaped. */
export function quoteQueryValue(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
