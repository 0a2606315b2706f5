import { type QboFaultError } from '../api/qbo-api.errors';

/** User-facing fixes for the QuickBooks Online faults orders run into, by fault code. */
const FIXES: Record<string, string> = {
  '2010':
    'The document had a property QuickBooks does not accept; report this with the order id, it is a product defect',
  '2020':
    'A required field was empty; fill it in the channel (or add a rule that sets it), then save the order again in the channel to re-sync it',
  '2050':
    'A field was longer than QuickBooks allows; shorten it in the channel or with a rule, then save the order again in the channel to re-sync it',
  '2500':
    'A referenced customer, item, tax code or account no longer exists in QuickBooks; restore it or fix the mapping, then save the order again in the channel to re-sync it',
  '3200':
    'QuickBooks rejected the access token; reconnect the QuickBooks Online company, then save the order again in the channel to re-sync it',
  '610':
    'A referenced customer, item, account or tax code is inactive in QuickBooks; reactivate it or remap it, then save the order again in the channel to re-sync it',
  '5010':
    'The record changed in QuickBooks while the order was posting; save the order again in the channel to re-sync it',
  '6000':
    'QuickBooks rejected the document under its business rules; read the message, correct the order or the company settings, then save the order again in the channel to re-sync it',
  '6140':
    'Another transaction already uses this document number; turn off duplicate-number checking in QuickBooks or set an order number prefix, then save the order again in the channel to re-sync it',
  '6190':
    'The QuickBooks Online subscription has ended; reactivate it, then save the order again in the channel to re-sync it',
  '6210':
    'The document date falls in a closed period; move the closing date in QuickBooks Online or add a rule that changes the date, then save the order again in the channel to re-sync it',
  '6430':
    'An item posts to an A/R or A/P account; choose an income or expense account for the item in QuickBooks Online, then save the order again in the channel to re-sync it',
  '6540':
    'The document is part of a deposit; undo the deposit in QuickBooks Online first, then save the order again in the channel to re-sync it',
  '6240':
    'The name is already used by another customer, vendor or employee; rename one of them, then save the order again in the channel to re-sync it',
};

export function fixForFault(fault: QboFaultError): string {
  if (fault.httpStatus === 401) {
    return 'QuickBooks rejected the access token; reconnect the QuickBooks Online company, then save the order again in the channel to re-sync it';
  }

  return (
    FIXES[fault.code ?? ''] ??
    `QuickBooks refused the document (fault ${fault.code ?? fault.httpStatus}); correct what its message names, then save the order again in the channel to re-sync it`
  );
}
