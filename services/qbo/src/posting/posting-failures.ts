import { QboFaultError, QboTransportError } from '../api/qbo-api.errors';
import { QboReconnectNeededError } from '../connection/qbo-token.service';
import { PostingError } from './posting.errors';
import { fixForFault } from './qbo-fault-fixes';

/** Failures a later attempt may not meet: no response, throttling, server faults, our own I/O. */
export function isTransient(error: unknown): boolean {
  if (error instanceof QboFaultError) {
    return error.isTransient;
  }

  return !(error instanceof PostingError || error instanceof QboReconnectNeededError);
}

/**
 * Turns a posting failure into the sync-log message and fix. The message names the order and
 * keeps QuickBooks' own text (code, message, detail), and the fix names what to change.
 */
export function describeFailure(
  error: unknown,
  orderNumber: string,
): { message: string; fix: string } {
  const prefix = `Order ${orderNumber} was not posted`;

  if (error instanceof PostingError) {
    return { message: `${prefix}: ${error.message}`, fix: error.fix };
  }

  if (error instanceof QboReconnectNeededError) {
    return {
      message: `${prefix}: ${error.message}`,
      fix: 'Reconnect the QuickBooks Online company (POST /api/accounts/:accountId/connections/quickbooks-online), then re-sync the order',
    };
  }

  if (error instanceof QboFaultError) {
    // QboFaultError's message contains QuickBooks' code, message and detail. The element, when
    // QuickBooks sends one, names the field it rejected.
    const elements = error.errors.map((entry) => entry.element).filter(Boolean);

    return {
      message: `${prefix}: ${error.message}${elements.length ? ` (element ${elements.join(', ')})` : ''}`,
      fix: fixForFault(error),
    };
  }

  if (error instanceof QboTransportError) {
    return {
      message: `${prefix}: ${error.message}`,
      fix: 'QuickBooks Online did not answer after several attempts; re-sync the order later',
    };
  }

  return {
    message: `${prefix}: unexpected error: ${(error as Error)?.message ?? String(error)}`,
    fix: 'Re-sync the order; if it fails again, report it with the order id',
  };
}
