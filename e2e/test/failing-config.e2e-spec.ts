import { randomBytes } from 'node:crypto';

import { ConfigValidationError, startService } from '@qbsync/platform';
import { qboService } from '@qbsync/qbo';
import { freePort } from '@qbsync/testing';

import { QBO_CLIENT_SECRET } from './support/stack';

/**
 * Configuration is validated before the service opens any connection, so these cases need no
 * servers. The URLs point at a free port where nothing listens, in case validation let one pass.
 */
describe('qbo service configuration', () => {
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const port = await freePort();

    env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      NATS_URL: `nats://127.0.0.1:${port}`,
      MONGODB_URI: `mongodb://127.0.0.1:${port}/qbsync-qbo`,
      ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      QBO_CLIENT_SECRET,
    };
  });

  describe('without QBO_CLIENT_ID', () => {
    let error: unknown;

    beforeAll(async () => {
      error = await startService(qboService, env).then(
        () => new Error('startService resolved without QBO_CLIENT_ID'),
        (rejection: unknown) => rejection,
      );
    });

    it('rejects with a config error', () => {
      expect(error).toBeInstanceOf(ConfigValidationError);
    });

    it('names QBO_CLIENT_ID', () => {
      expect((error as Error).message).toContain('QBO_CLIENT_ID is missing');
    });

    it('names no valid variable', () => {
      expect((error as ConfigValidationError).problems).toHaveLength(1);
    });
  });

  describe('with two bad variables', () => {
    let error: unknown;

    beforeAll(async () => {
      error = await startService(qboService, {
        ...env,
        ENCRYPTION_KEY: 'too-short',
        QBO_API_BASE_URL: 'ftp://quickbooks.example',
      }).then(
        () => new Error('startService resolved with invalid variables'),
        (rejection: unknown) => rejection,
      );
    });

    it('names ENCRYPTION_KEY', () => {
      expect((error as Error).message).toContain('ENCRYPTION_KEY is invalid');
    });

    it('names QBO_API_BASE_URL', () => {
      expect((error as Error).message).toContain('QBO_API_BASE_URL is invalid');
    });

    it('also names QBO_CLIENT_ID', () => {
      expect((error as Error).message).toContain('QBO_CLIENT_ID is missing');
    });
  });
});
