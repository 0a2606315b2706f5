import { assertLocalTarget, prepareWebhook, TargetNotAllowedError } from './webhook-replayer';
import { verifyShopifyWebhook } from './webhook-signature';

describe('assertLocalTarget', () => {
  it.each([
    ['http://127.0.0.1:3000/webhooks'],
    ['http://localhost/webhooks'],
    ['https://[::1]:8443/hooks'],
    ['http://127.1.2.3/hooks'],
  ])('accepts %s', (url) => {
    expect(assertLocalTarget(url).href).toBe(new URL(url).href);
  });

  it.each([
    ['http://example.com/hooks'],
    ['http://192.168.1.10/hooks'],
    ['http://localhost.example.com/hooks'],
    ['file:///etc/passwd'],
    ['not a url'],
  ])('rejects %s', (url) => {
    expect(() => assertLocalTarget(url)).toThrow(TargetNotAllowedError);
  });
});

describe('prepareWebhook', () => {
  it('signs the exact body it sends', () => {
    const webhook = prepareWebhook(
      { id: 7, name: '#7' },
      { targetUrl: 'http://127.0.0.1/', shopDomain: 'a.myshopify.com', secret: 's', orders: [] },
    );

    expect(webhook.body.toString()).toBe('{"id":7,"name":"#7"}');
    expect(verifyShopifyWebhook(webhook.body, 's', webhook.headers['X-Shopify-Hmac-Sha256'])).toBe(
      true,
    );
    expect(webhook.headers['X-Shopify-Webhook-Id']).toBe(webhook.webhookId);
  });
});
