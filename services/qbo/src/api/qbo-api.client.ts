import { randomUUID } from 'node:crypto';

import { Inject, Injectable, Optional } from '@nestjs/common';
import { APP_CONFIG, AppLogger, MetricsService } from '@qbsync/platform';
import { type Counter } from 'prom-client';

import { QboRateGovernor } from '../governor/qbo-rate-governor';
import { type QboConfig } from '../qbo.config';
import { exchange, type HttpExchange } from './http-exchange';
import { parseFaultBody, QboFaultError, QboTransportError } from './qbo-api.errors';

/** Fault codes for a reference to a deleted (2500) or inactive (610) list entry. */
const STALE_REFERENCE_CODES = new Set(['2500', '610']);

/** Called when QuickBooks rejects a reference; the lists cache reloads the realm's lists. */
export type StaleReferenceListener = (realmId: string, fault: QboFaultError) => void;

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
  /**
   * Sets the body, requestid and token once the rate governor admits the call, so a batch call
   * carries the creates waiting at that moment. It runs once, so a repeat after a 429 sends what
   * it set the first time.
   */
  prepare?: () => Partial<Pick<QboRequest, 'accessToken' | 'body' | 'requestId'>>;
}

/**
 * HTTP client for the QuickBooks Online Accounting API v3 (JSON). Every call runs through the rate
 * governor shared by all replicas, and a call rejected with 429 pauses the realm and is repeated with
 * the same URL (so the same `requestid`) up to QBO_THROTTLE_RETRIES times.
 */
@Injectable()
export class QboApiClient {
  private readonly logger: AppLogger;
  private readonly requests: Counter<'method' | 'entity' | 'status'>;
  private readonly staleReferenceListeners: StaleReferenceListener[] = [];

  constructor(
    @Inject(APP_CONFIG) private readonly config: QboConfig,
    metrics: MetricsService,
    logger: AppLogger,
    // Optional so that unit tests of posting code can run without NATS; the service module
    // always provides it.
    @Optional() private readonly governor?: QboRateGovernor,
  ) {
    this.logger = logger.child(QboApiClient.name);
    this.requests = metrics.counter('qbsync_qbo_requests_total', 'QuickBooks Online API requests', [
      'method',
      'entity',
      'status',
    ]);
  }

  /** Registers a function called (without awaiting) for each 2500 or 610 fault. */
  onStaleReference(listener: StaleReferenceListener): void {
    this.staleReferenceListeners.push(listener);
  }

  async request<T>(request: QboRequest): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.governed(request);
      } catch (error) {
        if (!isThrottled(error) || attempt >= this.config.QBO_THROTTLE_RETRIES) {
          this.reportStaleReference(request.realmId, error);
          throw error;
        }

        this.logger.warn('QuickBooks throttled a call; pausing the realm and repeating it', {
          realmId: request.realmId,
          path: request.path,
          attempt: attempt + 1,
        });
        await this.pauseRealm(request.realmId);
      }
    }
  }

  private governed<T>(request: QboRequest): Promise<T> {
    if (!this.governor) {
      return this.send<T>(request);
    }

    const kind = request.path === 'batch' ? 'batch' : 'request';

    return this.governor.run(request.realmId, kind, () => this.send<T>(request));
  }

  private async pauseRealm(realmId: string): Promise<void> {
    const pauseMs = this.config.QBO_THROTTLE_PAUSE_SECONDS * 1000;

    if (this.governor) {
      await this.governor.pause(realmId, pauseMs, 'throttled');
    } else {
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }

  /**
   * Tells the stale-reference listeners about a fault with code 2500 or 610. Faults of batch items
   * reach the batch client without being thrown here, so it calls this for each of them.
   */
  reportStaleReference(realmId: string, error: unknown): void {
    if (!(error instanceof QboFaultError)) {
      return;
    }

    if (!error.errors.some((entry) => STALE_REFERENCE_CODES.has(entry.code))) {
      return;
    }

    for (const listener of this.staleReferenceListeners) {
      listener(realmId, error);
    }
  }

  private async send<T>(request: QboRequest): Promise<T> {
    if (request.prepare) {
      const prepare = request.prepare;

      request.prepare = undefined;
      Object.assign(request, prepare());
    }

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

function isThrottled(error: unknown): boolean {
  return (
    error instanceof QboFaultError && (error.httpStatus === 429 || error.code === THROTTLE_CODE)
  );
}

/** Fault 3001 ThrottleExceeded, sent with HTTP 429. */
const THROTTLE_CODE = '3001';

/** Quotes a value for the QuickBooks query language: single quotes, with `'` and `\` escaped. */
export function quoteQueryValue(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
