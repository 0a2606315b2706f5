import { signShopifyWebhook, verifyShopifyWebhook } from './webhook-signature';

// RFC 4231 test case 2: HMAC-SHA256 with key "Jefe".
const RFC_4231_DATA = 'what do ya want for nothing?';
const RFC_4231_DIGEST_HEX = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843';

describe('signShopifyWebhook', () => {
  it('returns the base64 HMAC-SHA256 of the body', () => {
    const expected = Buffer.from(RFC_4231_DIGEST_HEX, 'hex').toString('base64');

    expect(signShopifyWebhook(RFC_4231_DATA, 'Jefe')).toBe(expected);
    expect(signShopifyWebhook(Buffer.from(RFC_4231_DATA), 'Jefe')).toBe(expected);
  });
});

describe('verifyShopifyWebhook', () => {
  const body = '{"id":450789469}';
  const signature = signShopifyWebhook(body, 'secret');

  it('accepts the matching signature', () => {
    expect(verifyShopifyWebhook(body, 'secret', signature)).toBe(true);
  });

  it('rejects another secret, body or a malformed header', () => {
    expect(verifyShopifyWebhook(body, 'other', signature)).toBe(false);
    expect(verifyShopifyWebhook(`${body} `, 'secret', signature)).toBe(false);
    expect(verifyShopifyWebhook(body, 'secret', 'short')).toBe(false);
  });
});
