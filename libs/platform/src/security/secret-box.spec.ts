import { randomBytes } from 'node:crypto';

import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  const box = new SecretBox(randomBytes(32).toString('base64'));

  it('round-trips a secret', () => {
    expect(box.decrypt(box.encrypt('shpat_123'))).toBe('shpat_123');
  });

  it('does not store the plaintext', () => {
    expect(box.encrypt('refresh-token-value')).not.toContain('refresh-token-value');
  });

  it('rejects a tampered value', () => {
    const sealed = box.encrypt('secret');
    const parts = sealed.split('.');

    parts[3] = Buffer.from('other').toString('base64url');

    expect(() => box.decrypt(parts.join('.'))).toThrow();
  });

  it('rejects a value sealed with another key', () => {
    const other = new SecretBox(randomBytes(32).toString('base64'));

    expect(() => box.decrypt(other.encrypt('secret'))).toThrow();
  });

  it('rejects a key of the wrong length', () => {
    expect(() => new SecretBox(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
  });
});
