import { createHmac } from 'node:crypto';

import { isValidShopifySignature } from './shopify-signature';

const SECRET = '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';
const body = Buffer.from('{"id":820982911946154508,"total_price":"29.58"}');

function sign(rawBody: Buffer, secret = SECRET): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

describe('isValidShopifySignature', () => {
  it('accepts a valid signature', () => {
    expect(isValidShopifySignature(body, sign(body), SECRET)).toBe(true);
  });

  it('accepts a signature over an empty body', () => {
    const empty = Buffer.alloc(0);

    expect(isValidShopifySignature(empty, sign(empty), SECRET)).toBe(true);
  });

  it('rejects a signature made with another secret', () => {
    expect(isValidShopifySignature(body, sign(body, 'shpss_other'), SECRET)).toBe(false);
  });

  it('rejects a tampered body', () => {
    const tampered = Buffer.from(body.toString().replace('29.58', '0.01'));

    expect(isValidShopifySignature(tampered, sign(body), SECRET)).toBe(false);
  });

  it('rejects a body re-serialised with other whitespace', () => {
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 2));

    expect(isValidShopifySignature(reformatted, sign(body), SECRET)).toBe(false);
  });

  it('rejects a missing header', () => {
    expect(isValidShopifySignature(body, undefined, SECRET)).toBe(false);
  });

  it('rejects an empty header', () => {
    expect(isValidShopifySignature(body, '', SECRET)).toBe(false);
  });

  it('rejects a header of the wrong length', () => {
    const short = createHmac('sha1', SECRET).update(body).digest('base64');

    expect(isValidShopifySignature(body, short, SECRET)).toBe(false);
  });

  it('rejects a truncated signature', () => {
    expect(isValidShopifySignature(body, sign(body).slice(0, 20), SECRET)).toBe(false);
  });

  it('rejects a hex-encoded signature', () => {
    const hex = createHmac('sha256', SECRET).update(body).digest('hex');

    expect(isValidShopifySignature(body, hex, SECRET)).toBe(false);
  });

  it('rejects text that is not base64', () => {
    expect(isValidShopifySignature(body, 'not a signature at all!', SECRET)).toBe(false);
  });
});
