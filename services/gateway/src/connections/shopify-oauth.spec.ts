import { createHmac } from 'node:crypto';

import {
  isValidShopifyQueryHmac,
  isValidShopifyWebhookHmac,
  missingShopifyScopes,
} from './shopify-oauth';

const SECRET = 'hush-shopify-secret';

/** Signs a query as `@shopify/shopify-api` computes it, written apart from the code under test. */
function sign(query: Record<string, string>, secret = SECRET): string {
  const message = Object.keys(query)
    .sort()
    .map((name) => `${encodeURIComponent(name)}=${encodeURIComponent(query[name])}`)
    .join('&');

  return createHmac('sha256', secret).update(message).digest('hex');
}

describe('Shopify callback hmac', () => {
  const query = {
    code: '0907a61c0c8d55e99db179b68161bc00',
    shop: 'some-shop.myshopify.com',
    state: '0.6784241404160823',
    timestamp: '1337178173',
  };

  it('accepts a correct hmac', () => {
    expect(isValidShopifyQueryHmac({ ...query, hmac: sign(query) }, SECRET)).toBe(true);
  });

  it('accepts an uppercase hex hmac', () => {
    expect(isValidShopifyQueryHmac({ ...query, hmac: sign(query).toUpperCase() }, SECRET)).toBe(
      true,
    );
  });

  it('rejects another secret', () => {
    expect(isValidShopifyQueryHmac({ ...query, hmac: sign(query, 'other-secret') }, SECRET)).toBe(
      false,
    );
  });

  it('rejects a changed parameter', () => {
    expect(
      isValidShopifyQueryHmac({ ...query, shop: 'evil.myshopify.com', hmac: sign(query) }, SECRET),
    ).toBe(false);
  });

  it('rejects a missing or malformed hmac', () => {
    expect(isValidShopifyQueryHmac(query, SECRET)).toBe(false);
    expect(isValidShopifyQueryHmac({ ...query, hmac: 'abc' }, SECRET)).toBe(false);
    expect(isValidShopifyQueryHmac({ ...query, hmac: 'z'.repeat(64) }, SECRET)).toBe(false);
  });

  it('encodes spaces and padding', () => {
    const withHost = {
      ...query,
      host: 'YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvc29tZS1zaG9w==',
      state: 'some state',
    };

    expect(isValidShopifyQueryHmac({ ...withHost, hmac: sign(withHost) }, SECRET)).toBe(true);
  });

  it('leaves signature out of the message', () => {
    expect(
      isValidShopifyQueryHmac({ ...query, signature: 'legacy', hmac: sign(query) }, SECRET),
    ).toBe(true);
  });
});

describe('Shopify webhook hmac', () => {
  const body = Buffer.from('{"id":548380009}');

  it('accepts the base64 body signature', () => {
    const header = createHmac('sha256', SECRET).update(body).digest('base64');

    expect(isValidShopifyWebhookHmac(body, header, SECRET)).toBe(true);
  });

  it('rejects a missing or wrong signature', () => {
    expect(isValidShopifyWebhookHmac(body, undefined, SECRET)).toBe(false);
    expect(isValidShopifyWebhookHmac(body, 'bm90IGEgc2lnbmF0dXJl', SECRET)).toBe(false);
  });
});

describe('missingShopifyScopes', () => {
  it('accepts every required scope', () => {
    expect(
      missingShopifyScopes([
        'read_orders',
        'read_products',
        'read_inventory',
        'write_inventory',
        'read_shopify_payments_payouts',
      ]),
    ).toEqual([]);
  });

  it('counts a write scope as its read scope', () => {
    expect(
      missingShopifyScopes([
        'read_orders',
        'read_products',
        'write_inventory',
        'read_shopify_payments_payouts',
      ]),
    ).toEqual([]);
  });

  it('lists the missing scopes', () => {
    expect(missingShopifyScopes(['read_orders', 'read_inventory'])).toEqual([
      'read_products',
      'write_inventory',
      'read_shopify_payments_payouts',
    ]);
  });
});
