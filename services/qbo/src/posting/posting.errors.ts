/** Failure to post an order, with the reason and the fix the user can make. */
export class PostingError extends Error {
  constructor(
    message: string,
    readonly fix: string,
    readonly code: PostingErrorCode,
  ) {
    super(message);
    this.name = 'PostingError';
  }
}

export enum PostingErrorCode {
  OrderDoesNotBalance = 'order_does_not_balance',
  ItemNotFound = 'item_not_found',
  ItemAmbiguous = 'item_ambiguous',
  CustomerNotFound = 'customer_not_found',
  TaxCodeMissing = 'tax_code_missing',
  ListEntryNotFound = 'list_entry_not_found',
  OriginalNotPosted = 'original_not_posted',
  CustomerNameTaken = 'customer_name_taken',
  AccountNotFound = 'account_not_found',
  NotConnected = 'not_connected',
  ReconnectNeeded = 'reconnect_needed',
  QuickBooksRejected = 'quickbooks_rejected',
}
