import { type AppLogger } from '@qbsync/platform';

import {
  type ChannelHttpClient,
  ChannelHttpError,
  type ChannelHttpRequest,
  type ChannelHttpResponse,
  type RateLimitPolicy,
} from './channel-adapter';
import { type SharedRateLimiter } from './shared-rate-limiter';

export interface ChannelHttpClientOptions {
  connectionId: string;
  baseUrl: string;
  policy: RateLimitPolicy;
  limiter: SharedRateLimiter;
  logger: AppLogger;
  timeoutMs: number;
}

/** Maximum pause taken from a Retry-After header, so a wrong header cannot stall a job for hours. */
const MAX_RETRY_AFTER_SECONDS = 300;

/**
 * The `ChannelHttpClient` of one connection. Each request first takes its tokens from the shared
 * limiter. A 429 or 503 blocks the connection's bucket for every replica for `Retry-After`
 * seconds (exponential backoff without one) and is retried up to `policy.maxRetries` times.
 */
export class FrameworkHttpClient implements ChannelHttpClient {
  constructor(private readonly options: ChannelHttpClientOptions) {}

  async request(request: ChannelHttpRequest): Promise<ChannelHttpResponse> {
    const { policy, limiter, connectionId } = this.options;
    const bucketName = request.bucket ?? 'default';
    const limits =
      request.bucket && policy.buckets?.[request.bucket]
        ? policy.buckets[request.bucket]
        : { requestsPerSecond: policy.requestsPerSecond, burst: policy.burst };
    const limiterKey = `${connectionId}.${bucketName}`;
    const url = this.buildUrl(request);

    for (let attempt = 0; ; attempt += 1) {
      await limiter.acquire(limiterKey, limits, request.cost ?? 1);

      let response: ChannelHttpResponse;

      try {
        response = await this.send(url, request);
      } catch (error) {
        if (attempt >= policy.maxRetries) {
          throw new ChannelHttpError(
            `${request.method} ${url.pathname} failed after ${attempt + 1} attempts: ${(error as Error).message}`,
            undefined,
            { cause: error },
          );
        }

        await limiter.block(limiterKey, backoffSeconds(attempt));
        continue;
      }

      const pause = policy.observe?.(response);

      if (pause !== undefined && pause > 0 && response.status !== 429) {
        await limiter.block(limiterKey, pause);
      }

      if (response.status !== 429 && response.status !== 503) {
        return response;
      }

      const retryAfter =
        parseRetryAfter(response.headers['retry-after']) ?? backoffSeconds(attempt);

      this.options.logger.warn('Channel asked to slow down', {
        connectionId,
        status: response.status,
        path: url.pathname,
        retryAfterSeconds: retryAfter,
        attempt: attempt + 1,
      });

      if (attempt >= policy.maxRetries) {
        throw new ChannelHttpError(
          `${request.method} ${url.pathname} was throttled (HTTP ${response.status}) ${attempt + 1} times; ` +
            'the connection retries on its next poll',
          response.status,
        );
      }

      await limiter.block(limiterKey, Math.min(retryAfter, MAX_RETRY_AFTER_SECONDS));
    }
  }

  private buildUrl(request: ChannelHttpRequest): URL {
    const absolute = /^https?:\/\//.test(request.path);
    const url = absolute
      ? new URL(request.path)
      : new URL(this.options.baseUrl.replace(/\/+$/, '') + request.path);

    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) {
        url.searchParams.set(name, String(value));
      }
    }

    return url;
  }

  private async send(url: URL, request: ChannelHttpRequest): Promise<ChannelHttpResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    let requestBody: string | Buffer | undefined;

    if (typeof request.body === 'string' || Buffer.isBuffer(request.body)) {
      requestBody = request.body;
    } else if (request.body !== undefined) {
      requestBody = JSON.stringify(request.body);
      headers['content-type'] ??= 'application/json';
    }

    const response = await fetch(url, {
      method: request.method,
      headers,
      body: requestBody,
      redirect: 'error',
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    const body = Buffer.from(await response.arrayBuffer());
    const text = body.toString('utf8');
    const responseHeaders: Record<string, string> = {};

    response.headers.forEach((value, name) => {
      responseHeaders[name.toLowerCase()] = value;
    });

    return {
      status: response.status,
      headers: responseHeaders,
      body,
      text,
      json: parseJson(text),
    };
  }
}

/** Reads `Retry-After` as seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  if (!header) {
    return undefined;
  }

  const seconds = Number(header.trim());

  if (Number.isFinite(seconds) && seconds >= 0) {
    return seconds;
  }

  const date = Date.parse(header);

  return Number.isNaN(date) ? undefined : Math.max((date - now) / 1000, 0);
}

function backoffSeconds(attempt: number): number {
  return Math.min(2 ** attempt, 60);
}

function parseJson(text: string): unknown {
  if (!text) {
    return undefined;
  }

  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
