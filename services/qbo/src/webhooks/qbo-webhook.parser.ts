import { createHmac, timingSafeEqual } from 'node:crypto';

import { type QboEntityChange } from './qbo-change-feed';

/** The body did not have either of the shapes QuickBooks sends. */
export class QboWebhookFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QboWebhookFormatError';
  }
}

/**
 * Checks `intuit-signature`: the base64 HMAC-SHA256 of the exact body bytes under the app's
 * verifier token, compared in constant time.
 */
export function isValidIntuitSignature(
  body: Buffer,
  signature: string | undefined,
  verifierToken: string,
): boolean {
  if (!signature) {
    return false;
  }

  const expected = createHmac('sha256', verifierToken).update(body).digest();
  const received = Buffer.from(signature, 'base64');

  return received.length === expected.length && timingSafeEqual(received, expected);
}

const OPERATIONS: Record<string, QboEntityChange['operation']> = {
  create: 'Create',
  created: 'Create',
  update: 'Update',
  updated: 'Update',
  delete: 'Delete',
  deleted: 'Delete',
  merge: 'Merge',
  merged: 'Merge',
  void: 'Void',
  voided: 'Void',
  emailed: 'Emailed',
};

/**
 * Reads both notification shapes: the legacy `{eventNotifications: [{realmId, dataChangeEvent:
 * {entities: [...]}}]}` and the CloudEvents 1.0 array, whose `type` is
 * `qbo.<entity>.<verb>.v1` and whose `intuitaccountid` is the realm.
 *
 * NOTE: the CloudEvents field names (`type`, `intuitentityid`, `intuitaccountid`) follow Intuit's
 * announcement of the format. No sample body published by Intuit was at hand to test against.
 */
export function parseWebhookBody(text: string): QboEntityChange[] {
  let body: unknown;

  try {
    body = JSON.parse(text);
  } catch {
    throw new QboWebhookFormatError('The webhook body is not valid JSON');
  }

  if (Array.isArray(body)) {
    return body.map(readCloudEvent);
  }

  const notifications = (body as { eventNotifications?: unknown } | null)?.eventNotifications;

  if (Array.isArray(notifications)) {
    return notifications.flatMap(readLegacyNotification);
  }

  throw new QboWebhookFormatError(
    'The webhook body is neither {eventNotifications: [...]} nor an array of CloudEvents',
  );
}

function readLegacyNotification(notification: unknown): QboEntityChange[] {
  const { realmId, dataChangeEvent } = (notification ?? {}) as {
    realmId?: unknown;
    dataChangeEvent?: { entities?: unknown };
  };

  if (typeof realmId !== 'string' || !Array.isArray(dataChangeEvent?.entities)) {
    throw new QboWebhookFormatError(
      'eventNotifications[]: realmId or dataChangeEvent.entities is missing',
    );
  }

  return dataChangeEvent.entities.map((entry: unknown) => {
    const { name, id, operation, lastUpdated } = (entry ?? {}) as Record<string, unknown>;

    if (typeof name !== 'string' || (typeof id !== 'string' && typeof id !== 'number')) {
      throw new QboWebhookFormatError('dataChangeEvent.entities[]: name or id is missing');
    }

    return {
      realmId,
      entity: name,
      id: String(id),
      operation: OPERATIONS[String(operation).toLowerCase()] ?? 'Unknown',
      changedAt: readDate(lastUpdated),
    };
  });
}

function readCloudEvent(event: unknown): QboEntityChange {
  const { type, intuitentityid, intuitaccountid, time } = (event ?? {}) as Record<string, unknown>;
  const match = typeof type === 'string' ? /^qbo\.([a-z]+)\.([a-z]+)\.v\d+$/i.exec(type) : null;

  if (!match || typeof intuitaccountid !== 'string' || typeof intuitentityid !== 'string') {
    throw new QboWebhookFormatError(
      'CloudEvent: type must be qbo.<entity>.<verb>.v<n> with intuitaccountid and intuitentityid',
    );
  }

  return {
    realmId: intuitaccountid,
    entity: entityName(match[1]),
    id: intuitentityid,
    operation: OPERATIONS[match[2].toLowerCase()] ?? 'Unknown',
    changedAt: readDate(time),
  };
}

/** CloudEvents name entities in lower case; the rest of the service uses QuickBooks' casing. */
const ENTITY_NAMES = [
  'Account',
  'Bill',
  'BillPayment',
  'Class',
  'CompanyCurrency',
  'CreditMemo',
  'Customer',
  'Department',
  'Deposit',
  'Employee',
  'Estimate',
  'Invoice',
  'Item',
  'JournalEntry',
  'Payment',
  'PaymentMethod',
  'Preferences',
  'Purchase',
  'PurchaseOrder',
  'RefundReceipt',
  'SalesReceipt',
  'TaxCode',
  'TaxRate',
  'Term',
  'TimeActivity',
  'Transfer',
  'Vendor',
  'VendorCredit',
];

function entityName(lowerCase: string): string {
  return ENTITY_NAMES.find((name) => name.toLowerCase() === lowerCase.toLowerCase()) ?? lowerCase;
}

function readDate(value: unknown): Date | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }

  const parsed = Date.parse(value);

  return Number.isNaN(parsed) ? undefined : new Date(parsed);
}
