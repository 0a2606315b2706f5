import { withInfrastructure } from '@qbsync/testing';

import {
  type ConnectedAccount,
  connectAccount,
  requestGateway,
  waitForSyncEvent,
} from './support/gateway';
import { type AuditSession, openAuditSession, salesReceiptsForOrder } from './support/quickbooks';
import { deliverWebhook, orderWithId, SAMPLE_ORDER_ID, sampleOrder } from './support/shopify';
import { useStack } from './support/stack';

const infra = withInfrastructure();

describe('rules change how an order posts', () => {
  const stack = useStack(infra);
  let account: ConnectedAccount;
  let audit: AuditSession;

  beforeAll(async () => {
    account = await connectAccount(stack.current, { name: 'Rules shop' });
    audit = await openAuditSession(stack.current, account.realmId);
    await requestGateway(stack.current, 'POST', `/api/accounts/${account.accountId}/rules`, {
      ruleId: 'skip-test-orders',
      name: 'Skip test orders',
      conditions: [{ field: 'tag', comparison: 'equals', value: 'rules-e2e-skip' }],
      action: { kind: 'do_not_import' },
    });
    await requestGateway(stack.current, 'POST', `/api/accounts/${account.accountId}/rules`, {
      ruleId: 'reference-number',
      name: 'Reference number as order number',
      conditions: [{ field: 'reference_number', comparison: 'map_all' }],
      action: { kind: 'order_number' },
    });
    await requestGateway(stack.current, 'POST', `/api/accounts/${account.accountId}/rules`, {
      ruleId: 'online-class',
      name: 'Shopify sales in the Online class',
      conditions: [{ field: 'reference_number', comparison: 'map_all' }],
      action: { kind: 'class', value: 'Online' },
    });
  });

  it('posts the document under the number a rule mapped', async () => {
    const orderId = String(SAMPLE_ORDER_ID);

    await deliverWebhook(stack.current, account, sampleOrder());
    const posted = await waitForSyncEvent(
      stack.current,
      account.accountId,
      orderId,
      'posted',
      60_000,
    );
    const receipts = await salesReceiptsForOrder(audit, orderId);

    // Version 1 is the target the account creation stored; the three rules made versions 2 to 4.
    expect(posted.ruleSetVersion).toBe(4);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]!.DocNumber).toBe(orderId);
  });

  it('posts the document in the class a rule chose', async () => {
    const [receipt] = await salesReceiptsForOrder(audit, SAMPLE_ORDER_ID);

    expect((receipt as { ClassRef?: { name?: string } }).ClassRef?.name).toBe('Online');
  });

  it('skips an order a rule excludes and posts nothing', async () => {
    const skippedId = 450789901;
    const order = { ...orderWithId(skippedId), tags: 'rules-e2e-skip' };

    await deliverWebhook(stack.current, account, order);
    const skipped = await waitForSyncEvent(
      stack.current,
      account.accountId,
      String(skippedId),
      'skipped',
      60_000,
    );

    expect(skipped.stage).toBe('rules');
    expect(skipped.message).toBe(
      'Not imported to QuickBooks: rule "Skip test orders" excludes this order (rule-set version 4)',
    );
    expect(await salesReceiptsForOrder(audit, skippedId)).toEqual([]);
  });
});
