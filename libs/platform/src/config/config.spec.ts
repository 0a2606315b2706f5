import { z } from 'zod';

import { baseConfigSchema, ConfigValidationError, loadConfig } from './config';

describe('loadConfig', () => {
  const schema = baseConfigSchema.extend({ HTTP_PORT: z.coerce.number().int().default(3000) });

  it('returns typed values with defaults', () => {
    const config = loadConfig(schema, { NATS_URL: 'nats://127.0.0.1:4222' });

    expect(config.HTTP_PORT).toBe(3000);
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('names a missing variable', () => {
    expect(() => loadConfig(schema, {})).toThrow(/NATS_URL is missing/);
  });

  it('names every invalid variable at once', () => {
    let error: unknown;

    try {
      loadConfig(schema, { NATS_URL: 'localhost', LOG_LEVEL: 'loud', HTTP_PORT: 'eighty' });
    } catch (caught) {
      error = caught;
    }

    expect(error).toBeInstanceOf(ConfigValidationError);
    const problems = (error as ConfigValidationError).problems.join('\n');

    expect(problems).toMatch(/NATS_URL is invalid/);
    expect(problems).toMatch(/LOG_LEVEL is invalid/);
    expect(problems).toMatch(/HTTP_PORT is invalid/);
  });
});
