import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const FORMAT_VERSION = 'v1';

/**
 * Encrypts secrets (channel tokens, QuickBooks refresh tokens) before they are stored, with
 * AES-256-GCM so a tampered value fails to decrypt instead of yielding a wrong token. The stored
 * form is `v1.<iv>.<tag>.<ciphertext>`, each part base64url encoded.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(base64Key: string) {
    this.key = Buffer.from(base64Key, 'base64');
    if (this.key.length !== 32) {
      throw new RangeError('ENCRYPTION_KEY must be 32 bytes encoded as base64');
    }
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();

    return [FORMAT_VERSION, iv, tag, ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, ciphertext] = sealed.split('.');

    if (version !== FORMAT_VERSION || !iv || !tag || ciphertext === undefined) {
      throw new Error(
        'Encrypted value is not in the v1 format; it may have been stored by another tool',
      );
    }

    const decipher = createDecipheriv(ALGORITHM, this.key, Buffer.from(iv, 'base64url'));

    decipher.setAuthTag(Buffer.from(tag, 'base64url'));

    return Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}
