import { type SandboxShop } from './shopify-shop.store';

/**
 * Takes one REST call from the shop's leaky bucket. Returns the `X-Shopify-Shop-Api-Call-Limit`
 * value, or `retryAfter` seconds when the bucket is full (Shopify responds 429 then).
 */
export function takeRestCall(
  shop: SandboxShop,
  now = Date.now(),
): { header: string; retryAfter?: number } {
  const { restBucketSize, restLeakPerSecond } = shop.limits;
  const leaked = ((now - shop.rest.at) / 1000) * restLeakPerSecond;
  const used = Math.max(shop.rest.used - leaked, 0);

  shop.rest.at = now;

  if (used + 1 > restBucketSize) {
    shop.rest.used = used;

    return {
      header: `${Math.ceil(used)}/${restBucketSize}`,
      retryAfter: Math.max((used + 1 - restBucketSize) / restLeakPerSecond, 1 / restLeakPerSecond),
    };
  }

  shop.rest.used = used + 1;

  return { header: `${Math.ceil(shop.rest.used)}/${restBucketSize}` };
}

export interface GraphqlThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/** Takes `cost` points from the shop's GraphQL bucket; `throttled` when there are not enough. */
export function takeGraphqlCost(
  shop: SandboxShop,
  cost: number,
  now = Date.now(),
): { throttled: boolean; status: GraphqlThrottleStatus } {
  const { graphqlMaxPoints, graphqlRestorePerSecond } = shop.limits;
  const restored = ((now - shop.graphql.at) / 1000) * graphqlRestorePerSecond;
  const available = Math.min(shop.graphql.available + restored, graphqlMaxPoints);
  const throttled = available < cost;

  shop.graphql = { available: throttled ? available : available - cost, at: now };

  return {
    throttled,
    status: {
      maximumAvailable: graphqlMaxPoints,
      currentlyAvailable: Math.floor(shop.graphql.available),
      restoreRate: graphqlRestorePerSecond,
    },
  };
}
