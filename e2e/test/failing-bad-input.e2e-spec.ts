import { withInfrastructure } from '@qbsync/testing';

import {
  type ConnectedAccount,
  connectAccount,
  listSyncEvents,
  type LoggedSyncEvent,
  waitForSyncEvent,
} from './support/gateway';
import {
  type AuditSession,
  createItem,
  injectFault,
  listSalesReceipts,
  openAuditSession,
  queuedFaults,
  salesReceiptsForOrder,
  updateCompanySettings,
} from './support/quickbooks';
import {
  deliverWebhook,
  orderWithId,
  type ShopifyOrderBody,
  type WebhookResponse,
} from './support/shopify';
import { useStack } from './support/stack';

/** Webhook bodies above this size are rejected before the connector reads them. */
const WEBHOOK_BODY_LIMIT_BYTES = 64 * 1024;

/** Order ids of the cases, each a copy of Shopify's sample order 450789469. */
const OrderIds = {
  wrongSignature: 900000001,
  missingSignature: 900000002,
  malformedJson: 900000003,
  unbalanced: 900000004,
  zeroQuantity: 900000005,
  unknownSku: 900000006,
  quickBooksFault: 900000007,
  oversized: 900000008,
  duplicateDocNumber: 900000009,
  unknownShop: 900000010,
} as const;

const infra = withInfrastructure();

describe('bad input', () => {
  const stack = useStack(infra, {
    env: { connectors: { WEBHOOK_BODY_LIMIT_BYTES: String(WEBHOOK_BODY_LIMIT_BYTES) } },
  });
  let account: ConnectedAccount;
  let audit: AuditSession;

  beforeAll(async () => {
    // With "fail", an order line whose SKU has no QuickBooks item fails instead of creating it.
    account = await connectAccount(stack.current, {
      name: 'Bad input shop',
      missingItemAction: 'fail',
    });
    audit = await openAuditSession(stack.current, account.realmId);
    for (const sku of ['IPOD2008GREEN', 'IPOD2008RED', 'IPOD2008BLACK']) {
      await createItem(audit, sku);
    }
  });

  describe('wrong signature', () => {
    let response: WebhookResponse;

    beforeAll(async () => {
      response = await deliverWebhook(
        stack.current,
        account,
        orderWithId(OrderIds.wrongSignature),
        {
          signature: Buffer.alloc(32, 7).toString('base64'),
        },
      );
    });

    it('returns 401', () => {
      expect(response.status).toBe(401);
    });

    it('names the signature header', () => {
      expect(response.body.message).toContain('X-Shopify-Hmac-Sha256');
    });
  });

  describe('unknown shop', () => {
    let response: WebhookResponse;

    beforeAll(async () => {
      response = await deliverWebhook(
        stack.current,
        { ...account, shopDomain: 'not-connected.myshopify.com' },
        orderWithId(OrderIds.unknownShop),
      );
    });

    it('returns 401', () => {
      expect(response.status).toBe(401);
    });

    it('says the shop is not connected', () => {
      expect(response.body.message).toContain('shop not-connected.myshopify.com is not connected');
    });
  });

  describe('missing signature', () => {
    let response: WebhookResponse;

    beforeAll(async () => {
      response = await deliverWebhook(
        stack.current,
        account,
        orderWithId(OrderIds.missingSignature),
        { signature: null },
      );
    });

    it('returns 401', () => {
      expect(response.status).toBe(401);
    });

    it('names the signature header', () => {
      expect(response.body.message).toContain('X-Shopify-Hmac-Sha256');
    });
  });

  describe('malformed JSON', () => {
    const orderId = String(OrderIds.malformedJson);
    let response: WebhookResponse;
    let rejected: LoggedSyncEvent;

    beforeAll(async () => {
      // A body cut short in transit: signed as received, but not JSON.
      const text = JSON.stringify(orderWithId(OrderIds.malformedJson)).slice(0, 2000);

      response = await deliverWebhook(stack.current, account, Buffer.from(text, 'utf8'));
      rejected = await waitForSyncEvent(stack.current, account.accountId, orderId, 'rejected');
    });

    it('returns 422', () => {
      expect(response.status).toBe(422);
    });

    it('response names the body', () => {
      expect(response.body.message).toContain('body: is not valid JSON');
    });

    it('sync log gives the reason', () => {
      expect(rejected.message).toContain('body: is not valid JSON');
    });

    it('sync log gives a fix', () => {
      expect(rejected.fix).toEqual(expect.any(String));
    });
  });

  describe('totals that do not add up', () => {
    const orderId = String(OrderIds.unbalanced);
    let response: WebhookResponse;
    let rejected: LoggedSyncEvent;

    beforeAll(async () => {
      const order = withTotalPrice(orderWithId(OrderIds.unbalanced), '600.00');

      response = await deliverWebhook(stack.current, account, order);
      rejected = await waitForSyncEvent(stack.current, account.accountId, orderId, 'rejected');
    });

    it('connector accepts it', () => {
      expect(response.status).toBe(200);
    });

    it('sync log names the channel total', () => {
      expect(rejected.message).toContain('the channel total is 600.00 USD');
    });

    it('sync log names the computed total', () => {
      expect(rejected.message).toContain('compute to 598.94 USD');
    });

    it('sync log gives a fix', () => {
      expect(rejected.fix).toEqual(expect.any(String));
    });

    it('posts no sales receipt', async () => {
      expect(await salesReceiptsForOrder(audit, orderId)).toEqual([]);
    });
  });

  describe('zero quantity', () => {
    const orderId = String(OrderIds.zeroQuantity);
    let response: WebhookResponse;
    let rejected: LoggedSyncEvent;

    beforeAll(async () => {
      const order = orderWithId(OrderIds.zeroQuantity);

      (order.line_items as Array<Record<string, unknown>>)[0]!.quantity = 0;
      response = await deliverWebhook(stack.current, account, order);
      rejected = await waitForSyncEvent(stack.current, account.accountId, orderId, 'rejected');
    });

    it('returns 422', () => {
      expect(response.status).toBe(422);
    });

    it('response names the field', () => {
      expect(response.body.message).toContain('line_items[0].quantity');
    });

    it('sync log names the field', () => {
      expect(rejected.message).toContain('line_items[0].quantity');
    });
  });

  describe('unknown SKU', () => {
    const orderId = String(OrderIds.unknownSku);
    const sku = 'E2E-NEW-SKU';
    let failed: LoggedSyncEvent;
    let posted: LoggedSyncEvent;

    beforeAll(async () => {
      const order = orderWithId(OrderIds.unknownSku);

      (order.line_items as Array<Record<string, unknown>>)[0]!.sku = sku;
      await deliverWebhook(stack.current, account, order);
      failed = await waitForSyncEvent(stack.current, account.accountId, orderId, 'failed');

      // The user follows the fix: create the item, then save the order again in Shopify.
      await createItem(audit, sku);
      await deliverWebhook(
        stack.current,
        account,
        { ...order, updated_at: '2008-01-11T09:30:00-05:00' },
        { topic: 'orders/updated' },
      );
      posted = await waitForSyncEvent(stack.current, account.accountId, orderId, 'posted');
    });

    it('failure names the SKU', () => {
      expect(failed.message).toContain(`"${sku}"`);
    });

    it('fix says to create the item', () => {
      expect(failed.fix).toContain(`Create an item named "${sku}"`);
    });

    it('re-delivery posts it', () => {
      expect(posted.status).toBe('posted');
    });

    it('posts one sales receipt', async () => {
      expect(await salesReceiptsForOrder(audit, orderId)).toHaveLength(1);
    });
  });

  describe('duplicate doc number, then fixed', () => {
    const orderId = String(OrderIds.duplicateDocNumber);
    let failed: LoggedSyncEvent;
    let posted: LoggedSyncEvent;

    beforeAll(async () => {
      // Every copy of the sample order is #1001, and the unknown SKU case posted one already.
      const order = orderWithId(OrderIds.duplicateDocNumber);

      await updateCompanySettings(stack.current, account.realmId, { warnDuplicateDocNumber: true });
      await deliverWebhook(stack.current, account, order);
      failed = await waitForSyncEvent(stack.current, account.accountId, orderId, 'failed');

      // The user follows the fix: turn off the check in QuickBooks, then save the order again.
      await updateCompanySettings(stack.current, account.realmId, {
        warnDuplicateDocNumber: false,
      });
      await deliverWebhook(
        stack.current,
        account,
        { ...order, updated_at: '2008-01-11T09:30:00-05:00' },
        { topic: 'orders/updated' },
      );
      posted = await waitForSyncEvent(stack.current, account.accountId, orderId, 'posted');
    });

    it("failure has QuickBooks' message", () => {
      expect(failed.message).toContain('Duplicate Document Number Error');
    });

    it('fix names the setting', () => {
      expect(failed.fix).toContain('turn off duplicate-number checking');
    });

    it('re-delivery posts it', () => {
      expect(posted.status).toBe('posted');
    });

    it('posts one sales receipt', async () => {
      expect(await salesReceiptsForOrder(audit, orderId)).toHaveLength(1);
    });
  });

  describe('QuickBooks business rule fault', () => {
    const orderId = String(OrderIds.quickBooksFault);
    const detail = 'Business Validation Error: The transaction date is before the closing date.';
    let failed: LoggedSyncEvent;

    beforeAll(async () => {
      await injectFault(stack.current, account.realmId, {
        match: { method: 'POST', entity: 'SalesReceipt' },
        status: 400,
        code: '6000',
        detail,
      });
      await deliverWebhook(stack.current, account, orderWithId(OrderIds.quickBooksFault));
      failed = await waitForSyncEvent(stack.current, account.accountId, orderId, 'failed');
    });

    it('failure has the fault code', () => {
      expect(failed.message).toContain('QuickBooks fault 6000');
    });

    it("failure has QuickBooks' message", () => {
      expect(failed.message).toContain(detail);
    });

    it('failure has a fix', () => {
      expect(failed.fix).toEqual(expect.any(String));
    });

    it('fault was used', async () => {
      expect(await queuedFaults(stack.current, account.realmId)).toEqual([]);
    });

    it('posts no sales receipt', async () => {
      expect(await salesReceiptsForOrder(audit, orderId)).toEqual([]);
    });
  });

  describe('oversized body', () => {
    let response: WebhookResponse;

    beforeAll(async () => {
      const order = {
        ...orderWithId(OrderIds.oversized),
        note: 'x'.repeat(WEBHOOK_BODY_LIMIT_BYTES),
      };

      response = await deliverWebhook(stack.current, account, order);
    });

    it('returns 413', () => {
      expect(response.status).toBe(413);
    });

    it('says the body is too large', () => {
      expect(response.body.message).toContain('larger than');
    });

    it('logs a rejection naming the limit', async () => {
      const rejected = await waitForSyncEvent(
        stack.current,
        account.accountId,
        String(OrderIds.oversized),
        'rejected',
      );

      expect(rejected.message).toContain('WEBHOOK_BODY_LIMIT_BYTES');
    });

    it('posts no sales receipt', async () => {
      expect(await salesReceiptsForOrder(audit, OrderIds.oversized)).toEqual([]);
    });
  });

  // These run last: by now the pipeline has finished every later order, so an order that slipped
  // past the connector would have reached the sync log or QuickBooks.
  describe('rejected deliveries', () => {
    const rejectedOrderIds = [
      OrderIds.wrongSignature,
      OrderIds.missingSignature,
      OrderIds.unknownShop,
    ].map(String);

    it.each(rejectedOrderIds)('order %s has no sync event', async (orderId) => {
      expect(await listSyncEvents(stack.current, account.accountId, { orderId })).toEqual([]);
    });

    it.each(rejectedOrderIds)('order %s has no receipt', async (orderId) => {
      expect(await salesReceiptsForOrder(audit, orderId)).toEqual([]);
    });

    it('no order posts twice', async () => {
      const notes = (await listSalesReceipts(audit)).map((receipt) => receipt.PrivateNote);

      expect(notes).toHaveLength(new Set(notes).size);
    });
  });
});

/** Sets the order's total as Shopify reports it, in the plain field and in both currencies. */
function withTotalPrice(order: ShopifyOrderBody, amount: string): ShopifyOrderBody {
  return {
    ...order,
    total_price: amount,
    total_price_set: {
      shop_money: { amount, currency_code: 'USD' },
      presentment_money: { amount, currency_code: 'USD' },
    },
  };
}
