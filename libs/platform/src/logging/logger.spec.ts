import {
  type CapturedOutput,
  captureLoggerOutput,
  type LogCall,
} from '../../test/capture-logger-output';
import { AppLogger, createRootLogger } from './logger';

const TOP_LEVEL_SECRET_FIELDS = [
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'webhookSecret',
  'clientSecret',
  'password',
  'authorization',
];
const NESTED_SECRET_FIELDS = ['accessToken', 'refreshToken', 'webhookSecret'];

/** Returns a recognisable secret value, so that the raw output can be searched for any leak. */
function secretFor(name: string): string {
  return `leaked-${name}-value`;
}

function lineWithMessage(output: CapturedOutput, message: string): Record<string, unknown> {
  const line = output.lines.find((candidate) => candidate.msg === message);

  if (!line) {
    throw new Error(`No log line with the message "${message}" in:\n${output.text}`);
  }

  return line;
}

describe('createRootLogger', () => {
  describe('redaction', () => {
    const calls: LogCall[] = [
      ...TOP_LEVEL_SECRET_FIELDS.map((field) => ({
        level: 'info' as const,
        message: `top ${field}`,
        fields: { accountId: 'account-1', [field]: secretFor(field) },
      })),
      ...NESTED_SECRET_FIELDS.map((field) => ({
        level: 'warn' as const,
        message: `nested ${field}`,
        fields: { connection: { realmId: '9341453908', [field]: secretFor(`nested-${field}`) } },
      })),
      {
        level: 'warn',
        message: 'deep accessToken',
        fields: { request: { body: { accessToken: secretFor('deep') } } },
      },
      {
        level: 'warn',
        message: 'capitalised header',
        fields: { headers: { Authorization: secretFor('capitalised') } },
      },
      {
        level: 'error',
        message: 'request headers',
        errorMessage: 'HTTP 401',
        fields: { headers: { authorization: secretFor('header') } },
      },
      {
        level: 'info',
        message: 'child fields',
        context: 'ShopifyWebhookService',
        childFields: { connectionId: 'connection-1', webhookSecret: secretFor('child') },
      },
    ];
    let output: CapturedOutput;

    beforeAll(() => {
      output = captureLoggerOutput(calls);
    });

    it.each(TOP_LEVEL_SECRET_FIELDS)('redacts a top-level %s', (field) => {
      expect(lineWithMessage(output, `top ${field}`)[field]).toBe('[redacted]');
    });

    it.each(NESTED_SECRET_FIELDS)('redacts %s one level down', (field) => {
      const line = lineWithMessage(output, `nested ${field}`);

      expect((line.connection as Record<string, unknown>)[field]).toBe('[redacted]');
    });

    it('redacts headers.authorization', () => {
      const line = lineWithMessage(output, 'request headers');

      expect(line.headers).toEqual({ authorization: '[redacted]' });
    });

    it('redacts child logger fields', () => {
      expect(lineWithMessage(output, 'child fields').webhookSecret).toBe('[redacted]');
    });

    it('writes no secret value anywhere', () => {
      expect(output.text).not.toMatch(/leaked-/);
    });

    it('keeps the ids beside a secret', () => {
      expect(lineWithMessage(output, 'top accessToken').accountId).toBe('account-1');
    });

    it('keeps the other fields of a nested object', () => {
      const line = lineWithMessage(output, 'nested refreshToken');

      expect((line.connection as Record<string, unknown>).realmId).toBe('9341453908');
    });

    it('redacts an accessToken two levels down', () => {
      const line = lineWithMessage(output, 'deep accessToken');
      const request = line.request as { body: Record<string, unknown> };

      expect(request.body.accessToken).toBe('[redacted]');
    });

    it('redacts a capitalised Authorization header', () => {
      const line = lineWithMessage(output, 'capitalised header');

      expect(line.headers).toEqual({ Authorization: '[redacted]' });
    });
  });

  describe('output format', () => {
    let output: CapturedOutput;

    beforeAll(() => {
      output = captureLoggerOutput(
        [
          { level: 'debug', message: 'below the level' },
          { level: 'info', message: 'plain', fields: { accountId: 'account-1', orderId: '1042' } },
          { level: 'info', message: 'with context', context: 'QboTokenService' },
          { level: 'error', message: 'with error', errorMessage: 'QuickBooks fault 6000' },
        ],
        'info',
      );
    });

    it('writes one JSON object per line', () => {
      expect(output.text.trim().split('\n')).toHaveLength(output.lines.length);
    });

    it('leaves out lines below the level', () => {
      expect(output.lines.map((line) => line.msg)).not.toContain('below the level');
    });

    it('names the service', () => {
      expect(lineWithMessage(output, 'plain').service).toBe('logger-spec');
    });

    it('writes the level as a label', () => {
      expect(lineWithMessage(output, 'plain').level).toBe('info');
    });

    it('writes an ISO timestamp', () => {
      expect(lineWithMessage(output, 'plain').time).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/);
    });

    it('writes ids as fields', () => {
      expect(lineWithMessage(output, 'plain')).toMatchObject({
        accountId: 'account-1',
        orderId: '1042',
      });
    });

    it('adds the child context', () => {
      expect(lineWithMessage(output, 'with context').context).toBe('QboTokenService');
    });

    it('serialises an error with its message', () => {
      expect(lineWithMessage(output, 'with error').err).toMatchObject({
        type: 'Error',
        message: 'QuickBooks fault 6000',
      });
    });
  });
});

describe(AppLogger.name, () => {
  describe('pino', () => {
    it('exposes the wrapped pino logger', () => {
      const root = createRootLogger('logger-spec', 'silent');

      expect(new AppLogger(root).pino).toBe(root);
    });
  });

  describe('child', () => {
    it('binds the context', () => {
      const child = new AppLogger(createRootLogger('logger-spec', 'silent')).child('Worker', {
        accountId: 'account-1',
      });

      expect(child.pino.bindings()).toMatchObject({ context: 'Worker', accountId: 'account-1' });
    });
  });
});
