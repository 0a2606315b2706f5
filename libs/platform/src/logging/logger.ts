import { type LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/**
 * Fields that may hold secrets, up to two levels below the log line; pino replaces their values
 * before writing. Deeper secrets are not found, so log ids rather than whole request objects.
 */
const REDACTED_PATHS = [
  'accessToken',
  'refreshToken',
  'access_token',
  'refresh_token',
  'webhookSecret',
  'clientSecret',
  'password',
  'authorization',
  'headers.authorization',
  'headers.Authorization',
  '*.headers.authorization',
  '*.headers.Authorization',
  '*.accessToken',
  '*.refreshToken',
  '*.webhookSecret',
  '*.*.accessToken',
  '*.*.refreshToken',
  '*.*.webhookSecret',
];

export function createRootLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  });
}

/** Ids that identify what a log line is about; written as fields, never inside the message. */
export interface LogFields {
  accountId?: string;
  channel?: string;
  orderId?: string;
  connectionId?: string;
  realmId?: string;
  companyFile?: string;
  [key: string]: unknown;
}

/**
 * Structured logger for one component: `info(message, fields)`, `error(message, error, fields)`.
 * It wraps a pino child logger whose `context` field names the component.
 */
export class AppLogger {
  constructor(private readonly pinoLogger: Logger) {}

  child(context: string, fields: LogFields = {}): AppLogger {
    return new AppLogger(this.pinoLogger.child({ context, ...fields }));
  }

  debug(message: string, fields: LogFields = {}): void {
    this.pinoLogger.debug(fields, message);
  }

  info(message: string, fields: LogFields = {}): void {
    this.pinoLogger.info(fields, message);
  }

  warn(message: string, fields: LogFields = {}): void {
    this.pinoLogger.warn(fields, message);
  }

  error(message: string, error?: unknown, fields: LogFields = {}): void {
    this.pinoLogger.error({ ...fields, err: error }, message);
  }

  get pino(): Logger {
    return this.pinoLogger;
  }
}

/** Routes Nest's own log lines (module init, routes) through the same JSON logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly pinoLogger: Logger) {}

  log(message: unknown, context?: string): void {
    this.pinoLogger.info({ context }, String(message));
  }

  error(message: unknown, trace?: string, context?: string): void {
    this.pinoLogger.error({ context, trace }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.pinoLogger.warn({ context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.pinoLogger.debug({ context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.pinoLogger.trace({ context }, String(message));
  }
}
