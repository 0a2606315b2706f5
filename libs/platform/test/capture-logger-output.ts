import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const PACKAGE_ROOT = path.resolve(__dirname, '..');
const LOGGER_SOURCE = path.join(PACKAGE_ROOT, 'src', 'logging', 'logger.ts');

/** One call on an `AppLogger`, optionally on a child logger with `context` and `childFields`. */
export interface LogCall {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields?: Record<string, unknown>;
  context?: string;
  childFields?: Record<string, unknown>;
  /** Message of an `Error` passed to `error()`. */
  errorMessage?: string;
}

export interface CapturedOutput {
  /** Standard output exactly as written. */
  text: string;
  /** Each output line parsed as JSON. */
  lines: Array<Record<string, unknown>>;
}

/**
 * Compiles `src/logging/logger.ts` with @swc/core through a require hook, like the Jest transform
 * does, and makes the calls on an `AppLogger` over the logger that `createRootLogger` returns.
 */
const CHILD_SCRIPT = `
const fs = require('node:fs');
const swc = require('@swc/core');
const [loggerPath, level] = process.argv.slice(1);

require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

const { AppLogger, createRootLogger } = require(loggerPath);
const root = new AppLogger(createRootLogger('logger-spec', level));
const calls = JSON.parse(fs.readFileSync(0, 'utf8'));

for (const call of calls) {
  const logger = call.context ? root.child(call.context, call.childFields) : root;

  if (call.level === 'error') {
    logger.error(call.message, call.errorMessage ? new Error(call.errorMessage) : undefined, call.fields);
  } else {
    logger[call.level](call.message, call.fields);
  }
}
`;

/**
 * Runs `createRootLogger` in a child Node process and returns what it wrote to standard output.
 * createRootLogger takes no destination stream and pino writes to file descriptor 1 directly, so a
 * Jest worker cannot capture the output in its own process.
 */
export function captureLoggerOutput(calls: LogCall[], level = 'debug'): CapturedOutput {
  const result = spawnSync(process.execPath, ['-e', CHILD_SCRIPT, LOGGER_SOURCE, level], {
    cwd: PACKAGE_ROOT,
    input: JSON.stringify(calls),
    encoding: 'utf8',
    timeout: 30_000,
  });

  if (result.status !== 0) {
    throw new Error(`The logger process failed with status ${result.status}: ${result.stderr}`);
  }

  const lines = result.stdout
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);

  return { text: result.stdout, lines };
}
