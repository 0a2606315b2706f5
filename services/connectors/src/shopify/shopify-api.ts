import {
  type ChannelCallContext,
  ChannelHttpError,
  type ChannelHttpResponse,
  type RateLimitPolicy,
} from '../channel/channel-adapter';

/** The Admin API version every call uses; the sandbox serves the same one. */
export const SHOPIFY_API_VERSION = '2026-07';

/** The Standard plan's REST bucket: 40 requests, leaking 2 per second. */
const REST_BUCKET_SIZE = 40;
const REST_LEAK_PER_SECOND = 2;
/** GraphQL Admin API: 100 cost points restored per second, 1,000 points at most (Standard plan). */
const GRAPHQL_RESTORE_PER_SECOND = 100;
const GRAPHQL_MAX_POINTS = 1000;
/** Part of Shopify's REST bucket kept free for other apps of the shop (8 of 40 calls). */
const REST_HEADROOM_SHARE = 0.2;
const REST_HEADROOM = REST_BUCKET_SIZE * REST_HEADROOM_SHARE;
const GRAPHQL_HEADROOM_POINTS = 200;
const GRAPHQL_THROTTLED_ATTEMPTS = 5;

/**
 * Shopify's leaky buckets, shared by every replica. Besides the local token bucket, each response
 * reports how full Shopify's own bucket is (`X-Shopify-Shop-Api-Call-Limit: 32/40` for REST,
 * `extensions.cost.throttleStatus` for GraphQL). When the headroom is used up, the connection waits
 * until enough has leaked out.
 */
export const shopifyRateLimit: RateLimitPolicy = {
  requestsPerSecond: REST_LEAK_PER_SECOND,
  burst: REST_BUCKET_SIZE - REST_HEADROOM,
  maxRetries: 5,
  buckets: {
    graphql: {
      requestsPerSecond: GRAPHQL_RESTORE_PER_SECOND,
      burst: GRAPHQL_MAX_POINTS - GRAPHQL_HEADROOM_POINTS,
    },
  },
  observe: observeShopifyBudget,
};

/** Returns the seconds to wait before the next call, from Shopify's own bucket state. */
export function observeShopifyBudget(response: ChannelHttpResponse): number | undefined {
  const header = response.headers['x-shopify-shop-api-call-limit'];

  if (header) {
    const match = /^(\d+)\/(\d+)$/.exec(header.trim());

    if (match) {
      const used = Number(match[1]);
      const size = Number(match[2]);
      // Plus plans have larger buckets, so the headroom scales with the size the header reports.
      const excess = used - (size - Math.floor(size * REST_HEADROOM_SHARE));

      return excess > 0 ? excess / REST_LEAK_PER_SECOND : undefined;
    }
  }

  const throttle = (response.json as GraphqlBody | undefined)?.extensions?.cost?.throttleStatus;

  if (throttle) {
    // Like the REST headroom, a fifth of the bucket, so smaller buckets are not held back.
    const headroom = Math.min(GRAPHQL_HEADROOM_POINTS, throttle.maximumAvailable * 0.2);

    if (throttle.currentlyAvailable < headroom) {
      return (
        (headroom - throttle.currentlyAvailable) /
        (throttle.restoreRate || GRAPHQL_RESTORE_PER_SECOND)
      );
    }
  }

  return undefined;
}

interface GraphqlBody {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
  extensions?: {
    cost?: {
      requestedQueryCost: number;
      actualQueryCost?: number;
      throttleStatus?: {
        maximumAvailable: number;
        currentlyAvailable: number;
        restoreRate: number;
      };
    };
  };
}

/** The Admin API calls the Shopify adapter makes, over the framework's HTTP client. */
export class ShopifyApi {
  constructor(
    private readonly call: ChannelCallContext,
    private readonly accessToken: string,
  ) {}

  /**
   * GETs a REST resource below `/admin/api/<version>/`, or an absolute path such as
   * `/admin/oauth/access_scopes.json`. Returns the body and the next page's `page_info`.
   */
  async get<T>(
    resource: string,
    query: Record<string, string | number | undefined> = {},
  ): Promise<{ body: T; nextPage?: string }> {
    const response = await this.call.http.request({
      method: 'GET',
      path: resource.startsWith('/') ? resource : `/admin/api/${SHOPIFY_API_VERSION}/${resource}`,
      query,
      headers: { 'x-shopify-access-token': this.accessToken },
    });

    this.requireSuccess(response, `GET ${resource}`);

    return { body: response.json as T, nextPage: nextPageInfo(response.headers.link) };
  }

  /** GETs every page of a REST list, `limit` at a time. */
  async getAll<T>(
    resource: string,
    key: string,
    query: Record<string, string | number | undefined>,
  ): Promise<T[]> {
    const items: T[] = [];
    let page: string | undefined;

    do {
      const result = await this.get<Record<string, T[]>>(
        resource,
        page ? { limit: query.limit ?? 250, page_info: page } : { limit: 250, ...query },
      );

      items.push(...(result.body[key] ?? []));
      page = result.nextPage;
    } while (page);

    return items;
  }

  async post<T>(
    resource: string,
    body: unknown,
  ): Promise<{ status: number; body: T; text: string }> {
    const response = await this.call.http.request({
      method: 'POST',
      path: `/admin/api/${SHOPIFY_API_VERSION}/${resource}`,
      headers: { 'x-shopify-access-token': this.accessToken },
      body,
    });

    if (response.status >= 500 || response.status === 401 || response.status === 403) {
      this.requireSuccess(response, `POST ${resource}`);
    }

    return { status: response.status, body: response.json as T, text: response.text };
  }

  /** DELETEs a REST resource. Returns false for a 404 (already gone), and throws for other errors. */
  async delete(resource: string): Promise<boolean> {
    const response = await this.call.http.request({
      method: 'DELETE',
      path: `/admin/api/${SHOPIFY_API_VERSION}/${resource}`,
      headers: { 'x-shopify-access-token': this.accessToken },
    });

    if (response.status === 404) {
      return false;
    }

    this.requireSuccess(response, `DELETE ${resource}`);

    return true;
  }

  /**
   * Runs a GraphQL Admin API query; `cost` is its requested cost, taken from the GraphQL bucket.
   * A `THROTTLED` error (Shopify's GraphQL response to an empty bucket, sent with HTTP 200) is
   * retried after the points it needs have been restored.
   */
  async graphql<T>(query: string, variables: Record<string, unknown>, cost: number): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const response = await this.call.http.request({
        method: 'POST',
        path: `/admin/api/${SHOPIFY_API_VERSION}/graphql.json`,
        headers: { 'x-shopify-access-token': this.accessToken },
        body: { query, variables },
        bucket: 'graphql',
        cost,
      });

      this.requireSuccess(response, 'POST graphql.json');
      const body = response.json as GraphqlBody;
      const throttled = body.errors?.some((error) => error.extensions?.code === 'THROTTLED');

      if (throttled && attempt < GRAPHQL_THROTTLED_ATTEMPTS) {
        await sleep(throttledWaitMs(body, cost));
        continue;
      }

      if (body.errors?.length) {
        throw new ChannelHttpError(
          `Shopify GraphQL returned errors: ${body.errors.map((error) => error.message).join('; ')}`,
          response.status,
        );
      }

      return body.data as T;
    }
  }

  private requireSuccess(response: ChannelHttpResponse, what: string): void {
    if (response.status >= 200 && response.status < 300) {
      return;
    }

    const detail = describeErrors(response);
    const hint =
      response.status === 401
        ? 'the access token is invalid or was revoked; reinstall the app and connect again'
        : response.status === 403
          ? 'the access token lacks a scope this call needs; grant it and reinstall the app'
          : response.status === 404
            ? 'not found; check the shop domain'
            : 'Shopify could not answer; the connector retries';

    throw new ChannelHttpError(
      `Shopify responded to ${what} with HTTP ${response.status}${detail ? ` (${detail})` : ''}: ${hint}`,
      response.status,
    );
  }
}

/** Reads `page_info` of the `rel="next"` link of Shopify's cursor pagination. */
export function nextPageInfo(link: string | undefined): string | undefined {
  if (!link) {
    return undefined;
  }

  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);

    if (match) {
      return new URL(match[1]).searchParams.get('page_info') ?? undefined;
    }
  }

  return undefined;
}

export function describeErrors(response: ChannelHttpResponse): string {
  const errors = (response.json as { errors?: unknown } | undefined)?.errors;

  if (typeof errors === 'string') {
    return errors;
  }

  if (Array.isArray(errors)) {
    return errors.map(String).join('; ');
  }

  if (errors && typeof errors === 'object') {
    return Object.entries(errors)
      .map(
        ([field, messages]) =>
          `${field} ${Array.isArray(messages) ? messages.join(', ') : String(messages)}`,
      )
      .join('; ');
  }

  return response.text.slice(0, 200);
}

/** Returns how long a throttled query waits until its cost is restored, from Shopify's status. */
function throttledWaitMs(body: GraphqlBody, cost: number): number {
  const throttle = body.extensions?.cost?.throttleStatus;

  if (!throttle) {
    return 1000;
  }

  const missing = Math.max(cost - throttle.currentlyAvailable, 1);

  return Math.ceil((missing / (throttle.restoreRate || GRAPHQL_RESTORE_PER_SECOND)) * 1000);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
