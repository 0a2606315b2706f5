import { type QboPostingSettingsInput } from '@qbsync/contracts';
import { withInfrastructure } from '@qbsync/testing';

import {
  callGateway,
  type ConnectedAccount,
  connectAccount,
  type LoggedSyncEvent,
  waitForSyncEvent,
} from './support/gateway';
import {
  type AuditSession,
  injectFault,
  openAuditSession,
  query,
  queuedFaults,
  salesReceiptsForOrder,
  updateCompanySettings,
} from './support/quickbooks';
import { deliverWebhook, orderWithId, type ShopifyOrderBody } from './support/shopify';
import { type Stack, useStack } from './support/stack';

const infra = withInfrastructure();

/** Order ids of this file, so each case reads its own events. */
const OrderIds = {
  duplicateNumber: 9300000001,
  invalidReference: 9300000002,
  expiredToken: 9300000003,
  nameClash: 9300000004,
  foreignCurrency: 9300000005,
  longNumber: 9300000006,
} as const;

async function putSettings(
  stack: Stack,
  accountId: string,
  settings: QboPostingSettingsInput,
): Promise<void> {
  const result = await callGateway(
    stack,
    'PUT',
    `/api/accounts/${accountId}/connections/quickbooks-online/settings`,
    { body: settings },
  );

  if (result.status !== 200) {
    throw new Error(`Saving settings returned ${result.status}: ${JSON.stringify(result.body)}`);
  }
}

/** Returns the order as saved again in Shopify: a later `updated_at`, which the connector passes on. */
function savedAgain(order: ShopifyOrderBody): ShopifyOrderBody {
  return { ...order, updated_at: '2008-01-11T09:30:00-05:00' };
}

describe('QuickBooks Online faults', () => {
  const stack = useStack(infra);
  let account: ConnectedAccount;
  let audit: AuditSession;

  beforeAll(async () => {
    account = await connectAccount(stack.current, { name: 'Fault shop' });
    audit = await openAuditSession(stack.current, account.realmId);
  });

  describe('duplicate document number 6140, then a prefix', () => {
    const orderId = String(OrderIds.duplicateNumber);
    let failed: LoggedSyncEvent;
    let posted: LoggedSyncEvent;

    beforeAll(async () => {
      const order = orderWithId(OrderIds.duplicateNumber);

      await putSettings(stack.current, account.accountId, { transactionMode: 'invoice' });
      await injectFault(stack.current, account.realmId, {
        match: { method: 'POST', entity: 'invoice' },
        status: 400,
        code: '6140',
        message: 'Duplicate Document Number Error',
        detail: 'Duplicate Document Number Error : You must specify a different number.',
      });
      await deliverWebhook(stack.current, account, order);
      failed = await waitForSyncEvent(stack.current, account.accountId, orderId, 'failed');

      // The user follows the fix: a prefix, then the order saved again in Shopify.
      await putSettings(stack.current, account.accountId, {
        transactionMode: 'invoice',
        docNumberPrefix: 'WEB-',
      });
      await deliverWebhook(stack.current, account, savedAgain(order), { topic: 'orders/updated' });
      posted = await waitForSyncEvent(stack.current, account.accountId, orderId, 'posted');
    }, 60_000);

    it('failure names the order', () => {
      expect(failed.message).toContain('Order #1001 was not posted');
    });

    it("failure keeps QuickBooks' message", () => {
      expect(failed.message).toContain('QuickBooks fault 6140: Duplicate Document Number Error');
    });

    it('fix says to set a prefix', () => {
      expect(failed.fix).toContain('prefix');
    });

    it('re-sync posts with the prefix', async () => {
      const invoices = await query<{ DocNumber: string }>(
        audit,
        'Invoice',
        `select * from Invoice where Id = '${posted.documentId}'`,
      );

      expect(invoices[0]?.DocNumber).toBe('WEB-1001');
    });
  });

  describe('invalid reference 2500', () => {
    const orderId = String(OrderIds.invalidReference);
    let posted: LoggedSyncEvent;

    beforeAll(async () => {
      await putSettings(stack.current, account.accountId, {});
      await injectFault(stack.current, account.realmId, {
        match: { method: 'POST', entity: 'salesreceipt' },
        status: 400,
        code: '2500',
        message: 'Invalid Reference Id',
        detail: 'Invalid Reference Id : Something you are trying to use has been made inactive.',
      });
      await deliverWebhook(stack.current, account, orderWithId(OrderIds.invalidReference));
      posted = await waitForSyncEvent(stack.current, account.accountId, orderId, 'posted');
    }, 60_000);

    it('looks the references up again and posts', () => {
      expect(posted.documentTotal).toBe(59894);
    });

    it('posts one sales receipt', async () => {
      expect(await salesReceiptsForOrder(audit, orderId)).toHaveLength(1);
    });

    it('fault was used', async () => {
      expect(await queuedFaults(stack.current, account.realmId)).toEqual([]);
    });
  });

  describe('expired access token 401', () => {
    const orderId = String(OrderIds.expiredToken);
    let posted: LoggedSyncEvent;

    beforeAll(async () => {
      await injectFault(stack.current, account.realmId, {
        match: { method: 'POST', entity: 'salesreceipt' },
        status: 401,
        code: '3200',
        message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
      });
      await deliverWebhook(stack.current, account, orderWithId(OrderIds.expiredToken));
      posted = await waitForSyncEvent(stack.current, account.accountId, orderId, 'posted');
    }, 60_000);

    it('refreshes the token and posts', () => {
      expect(posted.status).toBe('posted');
    });
  });

  describe('customer name clash 6240 with a suffix', () => {
    const orderId = String(OrderIds.nameClash);
    let posted: LoggedSyncEvent;

    beforeAll(async () => {
      await putSettings(stack.current, account.accountId, {
        customerMatching: { mode: 'last_first', nameClashSuffix: ' (C)' },
      });
      await injectFault(stack.current, account.realmId, {
        match: { method: 'POST', entity: 'customer' },
        status: 400,
        code: '6240',
        message: 'Duplicate Name Exists Error',
        detail:
          'The name supplied already exists. : Another customer, vendor or employee is already using this name.',
      });
      await deliverWebhook(stack.current, account, orderWithId(OrderIds.nameClash));
      posted = await waitForSyncEvent(stack.current, account.accountId, orderId, 'posted');
    }, 60_000);

    it('creates the customer with the suffix', async () => {
      const customers = await query<{ Id: string }>(
        audit,
        'Customer',
        "select * from Customer where DisplayName = 'Norman, Bob (C)'",
      );

      expect(posted.status).toBe('posted');
      expect(customers).toHaveLength(1);
    });
  });

  describe('foreign currency', () => {
    const orderId = String(OrderIds.foreignCurrency);
    let posted: LoggedSyncEvent;
    let receipt: {
      CurrencyRef?: { value: string };
      ExchangeRate?: number;
      CustomerRef?: { name?: string };
    };

    beforeAll(async () => {
      const order = orderWithId(OrderIds.foreignCurrency);

      await putSettings(stack.current, account.accountId, {});
      await updateCompanySettings(stack.current, account.realmId, { multiCurrencyEnabled: true });
      await deliverWebhook(stack.current, account, {
        ...order,
        currency: 'EUR',
        presentment_currency: 'EUR',
      });
      posted = await waitForSyncEvent(stack.current, account.accountId, orderId, 'posted');
      [receipt] = await query(
        audit,
        'SalesReceipt',
        `select * from SalesReceipt where Id = '${posted.documentId}'`,
      );
    }, 60_000);

    it('posts in the order currency', () => {
      expect(receipt.CurrencyRef?.value).toBe('EUR');
    });

    it('uses a customer of that currency', () => {
      expect(receipt.CustomerRef?.name).toBe('Bob Norman EUR');
    });
  });

  describe('order number over 21 characters', () => {
    const orderId = String(OrderIds.longNumber);
    let posted: LoggedSyncEvent;

    beforeAll(async () => {
      await deliverWebhook(stack.current, account, {
        ...orderWithId(OrderIds.longNumber),
        name: '#1234567890123456789012345',
        order_number: 1234567890,
      });
      posted = await waitForSyncEvent(stack.current, account.accountId, orderId, 'posted');
    }, 60_000);

    it('lets QuickBooks number the document', async () => {
      const [receipt] = await query<{ DocNumber?: string }>(
        audit,
        'SalesReceipt',
        `select * from SalesReceipt where Id = '${posted.documentId}'`,
      );

      expect(receipt?.DocNumber).toBeUndefined();
    });

    it('says so in the log', () => {
      expect(posted.message).toContain('longer than');
    });
  });
});
