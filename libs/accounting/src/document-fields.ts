import { type Order } from '@qbsync/contracts';

import { AccountingError, AccountingErrorCode } from './accounting.errors';

/** Maximum length of a QuickBooks Online `DocNumber`. A Desktop `RefNumber` has a maximum of 11. */
export const QBO_DOC_NUMBER_MAX_LENGTH = 21;
/** QuickBooks Online's maximum `PrivateNote` length. */
export const PRIVATE_NOTE_MAX_LENGTH = 4000;

/**
 * Builds the document number from `prefix` and the channel order number without its leading '#'.
 * A number longer than `maxLength` keeps its last `maxLength` characters, because the end of an
 * order number contains its most distinctive digits. The same input is always cut the same way.
 */
export function formatDocNumber(
  order: Order,
  prefix: string,
  maxLength: number,
): { docNumber: string; truncated: boolean } {
  if (!Number.isSafeInteger(maxLength) || maxLength < 1) {
    throw new AccountingError(
      AccountingErrorCode.InvalidOption,
      `Invalid docNumberMaxLength ${maxLength}: expected a whole number of at least 1`,
    );
  }

  const orderNumber = order.orderNumber.trim().replace(/^#/, '') || order.channelOrderId;
  const fullNumber = `${prefix}${orderNumber}`;

  if (fullNumber.length <= maxLength) {
    return { docNumber: fullNumber, truncated: false };
  }

  // NOTE: a cut number can collide with another order's number. Callers that must not post one
  // can check `docNumberTruncated` and let QuickBooks assign the next number instead.
  return { docNumber: fullNumber.slice(-maxLength), truncated: true };
}

/**
 * Builds the number of the `sequence`-th document of one order: the order number after `prefix`
 * for the first (sequence 0), then `<number>-1`, `<number>-2`... as QuickBooks users number
 * repeat refunds and supplementary summaries. `docNumber` is undefined when the number is longer
 * than `maxLength`, because a cut number could name another order's document: the caller lets
 * QuickBooks assign its next number and logs `requested`.
 */
export function formatSequencedDocNumber(
  orderNumber: string,
  fallbackNumber: string,
  prefix: string,
  sequence: number,
  maxLength: number,
): { docNumber?: string; requested: string } {
  if (!Number.isSafeInteger(maxLength) || maxLength < 1) {
    throw new AccountingError(
      AccountingErrorCode.InvalidOption,
      `Invalid docNumberMaxLength ${maxLength}: expected a whole number of at least 1`,
    );
  }

  if (!Number.isSafeInteger(sequence) || sequence < 0) {
    throw new AccountingError(
      AccountingErrorCode.InvalidOption,
      `Invalid sequence ${sequence}: expected a whole number, 0 for an order's first document`,
    );
  }

  const number = orderNumber.trim().replace(/^#/, '') || fallbackNumber;
  const requested = `${prefix}${number}${sequence === 0 ? '' : `-${sequence}`}`;

  return requested.length <= maxLength ? { docNumber: requested, requested } : { requested };
}

/**
 * Returns the calendar date (YYYY-MM-DD) of the order's `processedAt`, else `createdAt`. Without a
 * time zone it is the date in the UTC offset that the timestamp carries, which is the order date
 * the channel shows the seller.
 */
export function formatTxnDate(order: Order, timeZone?: string): string {
  const timestamp = order.processedAt ?? order.createdAt;

  if (timeZone === undefined) {
    return timestamp.slice(0, 10);
  }

  return formatDateInTimeZone(new Date(timestamp), timeZone);
}

/** Returns a memo such as "shopify order 450789469 (#1001)". */
export function formatPrivateNote(order: Order): string {
  const note = `${order.channel} order ${order.channelOrderId} (${order.orderNumber})`;

  return note.slice(0, PRIVATE_NOTE_MAX_LENGTH);
}

function formatDateInTimeZone(date: Date, timeZone: string): string {
  let formatter: Intl.DateTimeFormat;

  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
  } catch (error) {
    throw new AccountingError(
      AccountingErrorCode.InvalidOption,
      `Invalid timeZone "${timeZone}": use an IANA time zone name such as America/New_York`,
      { cause: error },
    );
  }

  const parts = Object.fromEntries(
    formatter.formatToParts(date).map((part) => [part.type, part.value]),
  );

  return `${parts.year}-${parts.month}-${parts.day}`;
}
