/**
 * The handling of a QuickBooks Desktop status code for a queued request, and the user's fix.
 * Codes and messages are QuickBooks' own (qbXML SDK status codes), and the fixes are ours.
 */
export interface StatusDisposition {
  /** `retry`: a later session may succeed (record in use, closed period); `fail`: needs a fix. */
  action: 'fail' | 'retry' | 'refresh_and_retry';
  fix: string;
}

/** Sessions in which a transient failure is retried before it becomes an error. */
export const MAX_TRANSIENT_RETRIES = 5;

export function dispositionFor(statusCode: number, requestName: string): StatusDisposition {
  switch (statusCode) {
    case 3100:
      return {
        action: 'fail',
        fix: 'The name is already used by another list entry (often a vendor or employee). Rename that entry in QuickBooks, or map the order to another customer or item name with a rule, then re-sync',
      };
    case 3140:
      return {
        action: 'fail',
        fix: 'A name this document refers to is missing, renamed or inactive in QuickBooks. Add or reactivate it in QuickBooks, or change the setting or rule that names it, then re-sync',
      };
    case 3170:
      return {
        action: 'fail',
        fix: 'QuickBooks could not change the record; open it in QuickBooks to see why, then re-sync',
      };
    case 3175:
    case 3176:
      return {
        action: 'retry',
        fix: 'The record is open in QuickBooks on another window or workstation; close it there. The next Web Connector session retries',
      };
    case 3180:
      return {
        action: 'retry',
        fix: 'QuickBooks could not save the transaction, usually because its date is in a closed period. Check the closing date in Company > Preferences > Accounting; the next sessions retry',
      };
    case 3200:
      return {
        action: 'refresh_and_retry',
        fix: 'Someone changed the record in QuickBooks meanwhile; the service read it again and retried',
      };
    case 3210:
      return {
        action: 'fail',
        fix: 'The payment is more than the amount due, usually because a credit was already applied in QuickBooks. Remove the stray credit or payment in QuickBooks, then re-sync',
      };
    case 3250:
      return {
        action: 'fail',
        fix: `This QuickBooks edition or company file has the feature ${requestName} needs turned off (inventory sites need Enterprise with Advanced Inventory; units of measure and multicurrency need their preference). Turn it on in QuickBooks or remove the setting or rule that uses it`,
      };
    default:
      if (statusCode >= 0x80040000 || statusCode < 0) {
        return {
          action: 'fail',
          fix: 'QuickBooks could not read the request. This is a defect of the service: report it with the order id',
        };
      }

      return {
        action: 'fail',
        fix: "Read QuickBooks' message above, correct the named record or setting, then re-sync",
      };
  }
}
