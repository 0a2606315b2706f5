import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';

import { parseRequest } from './parse-body';

const schema = z.object({
  accountId: z.string().min(1),
  limit: z.coerce.number().int().min(1).max(5000).default(100),
  lines: z.array(z.object({ sku: z.string().min(1) })).optional(),
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }

  throw new Error('Expected the action to throw');
}

function responseOf(error: unknown): { statusCode: number; error: string; message: string } {
  return (error as BadRequestException).getResponse() as {
    statusCode: number;
    error: string;
    message: string;
  };
}

describe('parseRequest', () => {
  it('returns the parsed value', () => {
    expect(parseRequest(schema, { accountId: 'account-1', limit: '20' })).toEqual({
      accountId: 'account-1',
      limit: 20,
    });
  });

  it('applies defaults', () => {
    expect(parseRequest(schema, { accountId: 'account-1' }).limit).toBe(100);
  });

  it('throws BadRequestException for invalid input', () => {
    expect(catchError(() => parseRequest(schema, {}))).toBeInstanceOf(BadRequestException);
  });

  it('answers with HTTP 400', () => {
    expect((catchError(() => parseRequest(schema, {})) as BadRequestException).getStatus()).toBe(
      400,
    );
  });

  it('keeps the usual error body shape', () => {
    expect(responseOf(catchError(() => parseRequest(schema, {})))).toMatchObject({
      statusCode: 400,
      error: 'Bad Request',
    });
  });

  it('names a missing field', () => {
    expect(responseOf(catchError(() => parseRequest(schema, {}))).message).toMatch(/^accountId: /);
  });

  it('names an invalid field', () => {
    const error = catchError(() => parseRequest(schema, { accountId: 'a', limit: '0' }));

    expect(responseOf(error).message).toMatch(/^limit: /);
  });

  it('names a nested field by its path', () => {
    const error = catchError(() => parseRequest(schema, { accountId: 'a', lines: [{ sku: '' }] }));

    expect(responseOf(error).message).toMatch(/^lines\[0\]\.sku: /);
  });

  it('names every invalid field', () => {
    const error = catchError(() => parseRequest(schema, { limit: 'many' }));

    expect(responseOf(error).message).toMatch(/accountId: .*; limit: /);
  });

  it('says what a field must be', () => {
    const error = catchError(() => parseRequest(schema, { accountId: 'a', limit: '6000' }));

    expect(responseOf(error).message).toContain('5000');
  });

  it('marks an input that is not an object', () => {
    expect(responseOf(catchError(() => parseRequest(schema, 'text'))).message).toMatch(
      /^\(message\): /,
    );
  });
});
