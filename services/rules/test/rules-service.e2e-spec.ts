import { randomUUID } from 'node:crypto';

import {
  type Order,
  type OrderReady,
  type PayoutReady,
  type RefundReady,
  RuleSubjects,
  Subjects,
  type SyncEvent,
} from '@qbsync/contracts';
import { withInfrastructure } from '@qbsync/testing';
import { buildLine, buildOrder, buildRefund } from '@qbsync/testing/dist/orders';

import {
  type ImportReport,
  type RuleSetList,
  type RuleSetView,
} from '../src/api/rule-set-editor.service';
import { type PreviewReply, type ReplayReply } from '../src/api/rule-preview.service';
import { type RuleInput } from '../src/engine/rule.model';
import { RuleHitRecorder } from '../src/rule-hits/rule-hit.recorder';
import { type VersionSummary } from '../src/rule-sets/rule-set.repository';
import {
  answerCompanyLists,
  companyLists,
  type RulesHarness,
  startRulesHarness,
} from './support/rules-harness';

const infra = withInfrastructure();

interface ChangeReply {
  ruleSet: RuleSetView;
  validation: { listsChecked: boolean; listsNote?: string };
}

const amazonClass: RuleInput = {
  name: 'Amazon class',
  conditions: [{ field: 'channel', comparison: 'equals', value: 'amazon' }],
  action: { kind: 'class', value: 'Amazon' },
};

function newAccountId(): string {
  return `account-${randomUUID()}`;
}

describe('rules service', () => {
  let harness: RulesHarness;

  beforeAll(async () => {
    harness = await startRulesHarness(infra.current);
  }, 120_000);

  afterAll(async () => {
    await harness?.stop();
  });

  async function create(
    accountId: string,
    rule: RuleInput,
    position?: number,
  ): Promise<ChangeReply> {
    return harness.request(RuleSubjects.Create, {
      accountId,
      rule,
      ...(position ? { position } : {}),
    });
  }

  describe('rule API', () => {
    it('creates rules at a position', async () => {
      const accountId = newAccountId();

      await create(accountId, { ...amazonClass, ruleId: 'b' });
      const reply = await create(accountId, { ...amazonClass, ruleId: 'a', name: 'First' }, 1);

      expect(reply.ruleSet.rules.map((rule) => [rule.ruleId, rule.position])).toEqual([
        ['a', 1],
        ['b', 2],
      ]);
      expect(reply.ruleSet.version).toBe(2);
    });

    it('says company lists were not checked when nothing answers', async () => {
      const reply = await create(newAccountId(), amazonClass);

      expect(reply.validation.listsChecked).toBe(false);
      expect(reply.validation.listsNote).toMatch(
        /accepted without checking because the QuickBooks Online service did not answer/,
      );
    });

    it('rejects a class the company lacks, naming the rule', async () => {
      const accountId = newAccountId();
      const stop = answerCompanyLists(harness.nats, companyLists(accountId, ['Retail']));

      try {
        const error = await harness.requestError(RuleSubjects.Create, {
          accountId,
          rule: amazonClass,
        });

        expect(error.code).toBe('invalid_request');
        expect(error.message).toMatch(
          /^Rule "Amazon class" action.value: Map Order Class: "Amazon" is not in the QuickBooks company's classes; known: Retail/,
        );
      } finally {
        stop();
      }
    });

    it('accepts a class the company has', async () => {
      const accountId = newAccountId();
      const stop = answerCompanyLists(harness.nats, companyLists(accountId, ['Amazon']));

      try {
        const reply = await create(accountId, amazonClass);

        expect(reply.validation).toEqual({ listsChecked: true });
      } finally {
        stop();
      }
    });

    it('rejects an invalid rule with the rule and field named', async () => {
      const error = await harness.requestError(RuleSubjects.Create, {
        accountId: newAccountId(),
        rule: {
          ...amazonClass,
          name: 'Bad regex',
          conditions: [{ field: 'line.sku', comparison: 'matches', value: '(a+)+' }],
        },
      });

      expect(error).toEqual({
        code: 'invalid_request',
        message: expect.stringMatching(
          /^Rule "Bad regex" conditions\[0\]: a quantifier on a group/,
        ),
      });
    });

    it('rejects a malformed request naming the field', async () => {
      const error = await harness.requestError(RuleSubjects.Create, {
        accountId: newAccountId(),
        rule: { name: 'No action' },
      });

      expect(error.message).toMatch(/rule.action/);
    });

    it('updates, reorders and deletes rules', async () => {
      const accountId = newAccountId();

      await create(accountId, { ...amazonClass, ruleId: 'one' });
      await create(accountId, { ...amazonClass, ruleId: 'two', name: 'Two' });
      await harness.request(RuleSubjects.Update, {
        accountId,
        ruleId: 'one',
        rule: { ...amazonClass, name: 'Renamed' },
      });
      await harness.request(RuleSubjects.Reorder, { accountId, ruleIds: ['two', 'one'] });
      const afterDelete = await harness.request<RuleSetView>(RuleSubjects.Delete, {
        accountId,
        ruleId: 'two',
      });

      expect(afterDelete.rules).toEqual([
        expect.objectContaining({ ruleId: 'one', name: 'Renamed', position: 1 }),
      ]);
      expect(afterDelete.version).toBe(5);
    });

    it('creates a rule from a template with changes', async () => {
      const reply = await harness.request<ChangeReply>(RuleSubjects.Create, {
        accountId: newAccountId(),
        fromTemplate: 'class_per_channel',
        rule: {
          name: 'eBay class',
          conditions: [{ field: 'channel', comparison: 'equals', value: 'ebay' }],
        },
      });

      expect(reply.ruleSet.rules[0]).toMatchObject({
        name: 'eBay class',
        type: 'template',
        template: 'class_per_channel',
        conditions: [{ value: 'ebay' }],
        action: { kind: 'class', value: 'Amazon' },
      });
    });

    it('returns not_found for an unknown template', async () => {
      const error = await harness.requestError(RuleSubjects.Create, {
        accountId: newAccountId(),
        fromTemplate: 'nope',
      });

      expect(error.code).toBe('not_found');
      expect(error.message).toMatch(/^template nope not found; use one of skip_sku_contains/);
    });

    it('returns not_found for an unknown rule', async () => {
      const error = await harness.requestError(RuleSubjects.Delete, {
        accountId: newAccountId(),
        ruleId: 'missing',
      });

      expect(error).toEqual({ code: 'not_found', message: 'rule missing not found' });
    });

    it('rejects a reorder that leaves out a rule', async () => {
      const accountId = newAccountId();

      await create(accountId, { ...amazonClass, ruleId: 'one' });
      await create(accountId, { ...amazonClass, ruleId: 'two' });
      const error = await harness.requestError(RuleSubjects.Reorder, {
        accountId,
        ruleIds: ['two'],
      });

      expect(error.message).toBe(
        'ruleIds must list every rule of the account exactly once; missing: one',
      );
    });

    it('restores an old version as a new one', async () => {
      const accountId = newAccountId();

      await create(accountId, { ...amazonClass, ruleId: 'one' });
      await harness.request(RuleSubjects.Delete, { accountId, ruleId: 'one' });
      const restored = await harness.request<RuleSetView>(RuleSubjects.Restore, {
        accountId,
        version: 1,
      });
      const versions = await harness.request<{ versions: VersionSummary[] }>(
        RuleSubjects.Versions,
        { accountId },
      );

      expect(restored.version).toBe(3);
      expect(restored.rules.map((rule) => rule.ruleId)).toEqual(['one']);
      expect(versions.versions.map((version) => [version.version, version.change])).toEqual([
        [3, 'restored version 1'],
        [2, 'deleted rule one'],
        [1, 'created rule Amazon class'],
      ]);
    });

    it('gives racing changes distinct versions and keeps them all', async () => {
      const accountId = newAccountId();
      const ids = Array.from({ length: 6 }, (_, index) => `race-${index}`);

      await Promise.all(ids.map((ruleId) => create(accountId, { ...amazonClass, ruleId })));
      const list = await harness.request<RuleSetView>(RuleSubjects.List, { accountId });
      const versions = await harness.request<{ versions: VersionSummary[] }>(
        RuleSubjects.Versions,
        { accountId },
      );

      expect(list.rules.map((rule) => rule.ruleId).sort()).toEqual(ids);
      expect(versions.versions.map((version) => version.version)).toEqual([6, 5, 4, 3, 2, 1]);
    });
  });

  describe('orders', () => {
    const accountId = newAccountId();

    function order(overrides: Partial<Order>): Order {
      return buildOrder({ accountId, channelOrderId: randomUUID(), ...overrides });
    }

    beforeAll(async () => {
      await create(accountId, {
        ruleId: 'skip-digital',
        name: 'Skip digital',
        conditions: [{ field: 'line.sku', comparison: 'contains', value: 'DIGITAL' }],
        action: { kind: 'do_not_import' },
      });
      await create(accountId, {
        ruleId: 'six-pack',
        name: 'Six pack',
        conditions: [{ field: 'line.sku', comparison: 'equals', value: 'SIX' }],
        action: { kind: 'quantity_multiplier', value: '6' },
      });
      await create(accountId, {
        ruleId: 'invoices',
        name: 'Wholesale invoices',
        conditions: [{ field: 'tag', comparison: 'equals', value: 'wholesale' }],
        action: { kind: 'transaction_type', value: 'Invoice' },
      });
      await create(accountId, { ...amazonClass, ruleId: 'amazon' });
    });

    it('publishes the rewritten order with overrides and version', async () => {
      const sent = order({ channel: 'amazon', tags: ['wholesale'] });

      await harness.publish(Subjects.OrderReceived, sent);
      const ready = await harness.waitFor<OrderReady>(
        Subjects.OrderReadyForQbo,
        (message) => message.order.channelOrderId === sent.channelOrderId,
      );

      expect(ready).toMatchObject({
        documentKind: 'invoice',
        ruleSetVersion: 4,
        appliedRules: ['Wholesale invoices', 'Amazon class'],
        overrides: { transactionType: 'invoice', className: 'Amazon' },
      });
    });

    it('counts rule hits in the rule list', async () => {
      await harness.service.app.get(RuleHitRecorder).flush();
      const list = await harness.request<RuleSetList>(RuleSubjects.List, {
        accountId,
      });
      const amazon = list.rules.find((rule) => rule.ruleId === 'amazon');

      expect(amazon?.hits.count).toBeGreaterThanOrEqual(1);
      expect(amazon?.hits.lastHitAt).not.toBeNull();
    });

    it('records a skipped event naming the rule', async () => {
      const sent = order({ lines: [buildLine({ sku: 'EBOOK-DIGITAL' })] });

      await harness.publish(Subjects.OrderReceived, sent);
      const event = await harness.waitFor<SyncEvent>(
        Subjects.SyncEventRecorded,
        (message) => message.channelOrderId === sent.channelOrderId,
      );

      expect(event).toMatchObject({
        stage: 'rules',
        status: 'skipped',
        ruleSetVersion: 4,
        appliedRules: ['Skip digital'],
        message:
          'Not imported to QuickBooks: rule "Skip digital" excludes this order (rule-set version 4)',
      });
    });

    it('fails the order when a rule cannot apply, naming the rule', async () => {
      const sent = order({ lines: [buildLine({ sku: 'SIX', unitPrice: 1001 })] });

      await harness.publish(Subjects.OrderReceived, sent);
      const event = await harness.waitFor<SyncEvent>(
        Subjects.SyncEventRecorded,
        (message) => message.channelOrderId === sent.channelOrderId,
      );

      expect(event).toMatchObject({ stage: 'rules', status: 'failed' });
      expect(event.message).toMatch(/^Rule "Six pack" failed: cannot multiply the quantity/);
      expect(event.fix).toBe(
        'Change or disable rule "Six pack" under Rules, then re-sync the order',
      );
    });

    it('routes a refund with the rules that fit refunds', async () => {
      const refundAccount = newAccountId();

      await create(refundAccount, {
        ruleId: 'deposit',
        name: 'Refund deposit',
        type: 'map_value',
        action: { kind: 'deposit_account', value: 'Refunds Clearing' },
      });
      const refund = buildRefund({ accountId: refundAccount, channelRefundId: randomUUID() });

      await harness.publish(Subjects.RefundReceived, refund);
      const ready = await harness.waitFor<RefundReady>(
        Subjects.RefundReadyForQbo,
        (message) => message.refund.channelRefundId === refund.channelRefundId,
      );

      expect(ready).toMatchObject({
        target: 'qbo',
        ruleSetVersion: 1,
        appliedRules: ['Refund deposit'],
        overrides: { depositAccount: 'Refunds Clearing' },
      });
    });

    it('routes an order of a Desktop account to QuickBooks Desktop', async () => {
      const desktopAccount = newAccountId();

      await harness.request(Subjects.RuleSetPut, { accountId: desktopAccount, target: 'qbd' });
      const sent = buildOrder({ accountId: desktopAccount, channelOrderId: randomUUID() });

      await harness.publish(Subjects.OrderReceived, sent);
      const ready = await harness.waitFor<OrderReady>(
        Subjects.OrderReadyForQbd,
        (message) => message.order.channelOrderId === sent.channelOrderId,
      );

      expect(ready).toMatchObject({ target: 'qbd', ruleSetVersion: 1, appliedRules: [] });
    });

    it('routes a payout to the target', async () => {
      const payoutId = randomUUID();

      await harness.publish(Subjects.PayoutReceived, {
        schemaVersion: 1,
        accountId,
        connectionId: 'connection-1',
        channel: 'shopify',
        payoutId,
        status: 'paid',
        date: '2025-07-04',
        currency: 'USD',
        amount: 1000,
        transactions: [],
        source: {
          kind: 'webhook',
          receivedAt: '2025-07-04T10:00:00Z',
          rawRef: `shopify:payout:${payoutId}`,
        },
      });
      const ready = await harness.waitFor<PayoutReady>(
        Subjects.PayoutReadyForQbo,
        (message) => message.payout.payoutId === payoutId,
      );

      expect(ready.target).toBe('qbo');
    });
  });

  describe('preview and replay', () => {
    const accountId = newAccountId();
    const received = buildOrder({
      accountId,
      channel: 'amazon',
      channelOrderId: 'preview-1',
      orderNumber: '#5001',
      lines: [buildLine({ sku: 'HW-1' })],
    });

    beforeAll(async () => {
      await create(accountId, { ...amazonClass, ruleId: 'amazon' });
      await harness.publish(Subjects.OrderReceived, received);
      await harness.waitFor<OrderReady>(
        Subjects.OrderReadyForQbo,
        (message) => message.order.channelOrderId === 'preview-1',
      );
    });

    it('previews the stored rules on a received order', async () => {
      const reply = await harness.request<PreviewReply>(RuleSubjects.Preview, {
        accountId,
        order: '5001',
      });

      expect(reply).toMatchObject({
        ruleSet: 1,
        status: 'ready',
        documentKind: 'sales_receipt',
        overrides: { className: 'Amazon' },
        appliedRules: ['Amazon class'],
        order: { channelOrderId: 'preview-1', orderNumber: '#5001' },
      });
      expect(reply.document).toMatchObject({
        documentKind: 'sales_receipt',
        docNumber: '5001',
        total: 1000,
        channelTotal: 1000,
        preflightErrors: [],
        lines: [{ kind: 'item', itemName: 'HW-1', quantity: 1, amount: 1000 }],
      });
      expect(reply.rules[0]).toMatchObject({
        matched: true,
        conditions: [{ field: 'channel', actual: ['amazon'], result: true }],
        changes: [{ target: 'overrides.className', after: 'Amazon' }],
      });
    });

    it('previews a draft without storing it', async () => {
      const reply = await harness.request<PreviewReply>(RuleSubjects.Preview, {
        accountId,
        order: 'preview-1',
        rules: [
          {
            name: 'Renumber',
            type: 'map_value',
            action: { kind: 'order_number', value: 'AMZ-5001' },
          },
        ],
      });
      const list = await harness.request<RuleSetView>(RuleSubjects.List, { accountId });

      expect(reply.ruleSet).toBe('draft');
      expect(reply.before.orderNumber).toBe('#5001');
      expect(reply.after?.orderNumber).toBe('AMZ-5001');
      expect(list.rules.map((rule) => rule.name)).toEqual(['Amazon class']);
    });

    it('lists every matched rule and caps unmatched ones', async () => {
      const misses = Array.from({ length: 510 }, (_, index) => ({
        name: `Miss ${index}`,
        conditions: [{ field: 'channel', comparison: 'equals', value: `channel-${index}` }],
        action: { kind: 'memo', value: 'never' },
      }));
      const reply = await harness.request<PreviewReply>(RuleSubjects.Preview, {
        accountId,
        order: 'preview-1',
        rules: [...misses, amazonClass],
      });

      expect(reply.omittedRules).toBe(10);
      expect(reply.rules).toHaveLength(501);
      expect(reply.rules.at(-1)).toMatchObject({ name: 'Amazon class', matched: true });
    });

    it('returns not_found for an order it never received', async () => {
      const error = await harness.requestError(RuleSubjects.Preview, { accountId, order: '#404' });

      expect(error.code).toBe('not_found');
    });

    it('replays a draft and reports what would change', async () => {
      const reply = await harness.request<ReplayReply>(RuleSubjects.Replay, {
        accountId,
        days: 1,
        rules: [{ ...amazonClass, action: { kind: 'class', value: 'Marketplace' } }],
      });

      expect(reply).toMatchObject({ ordersScanned: 1, ordersChanged: 1, truncated: false });
      expect(reply.rules).toEqual([
        { ruleId: 'draft-1', name: 'Amazon class', matchedOrders: 1, changedOrders: 1 },
      ]);
      expect(reply.changes[0]).toMatchObject({
        channelOrderId: 'preview-1',
        differences: ['overrides.className'],
      });
    });
  });

  describe('import and export', () => {
    const header =
      'rule_id,position,name,scope,object,action,join,field,comparison,value,map_to,enabled';

    it('reports a dry run without storing', async () => {
      const accountId = newAccountId();
      const report = await harness.request<ImportReport>(RuleSubjects.Import, {
        accountId,
        format: 'csv',
        dryRun: true,
        content: `${header}\nr1,1,Class,all,order,class,,channel,equals,amazon,Amazon,true\n`,
      });
      const list = await harness.request<RuleSetView>(RuleSubjects.List, { accountId });

      expect(report).toMatchObject({ stored: false, dryRun: true, created: ['r1'], errors: [] });
      expect(list.rules).toEqual([]);
    });

    it('reports row-level errors and stores nothing', async () => {
      const accountId = newAccountId();
      const report = await harness.request<ImportReport>(RuleSubjects.Import, {
        accountId,
        format: 'csv',
        content: `${header}\nr1,1,Class,all,order,klass,,channel,equals,amazon,Amazon,true\n`,
      });

      expect(report.stored).toBe(false);
      expect(report.errors).toEqual([
        { row: 2, column: 'action', message: expect.stringMatching(/^"klass" is not an action/) },
      ]);
    });

    it('reports invalid rules by name', async () => {
      const report = await harness.request<ImportReport>(RuleSubjects.Import, {
        accountId: newAccountId(),
        format: 'csv',
        content: `${header}\nr1,1,Old orders,all,order,do_not_import,,order_date,less_than,last year,,true\n`,
      });

      expect(report.stored).toBe(false);
      expect(report.problems[0]).toMatchObject({
        ruleName: 'Old orders',
        message: expect.stringMatching(/is not a date/),
      });
    });

    it('imports a mapping table and exports it losslessly', async () => {
      const accountId = newAccountId();
      const imported = await harness.request<ImportReport>(RuleSubjects.Import, {
        accountId,
        format: 'mapping_csv',
        table: 'sku_item',
        content: 'sku,item\nABC-1,Widget\nABC-2,Gadget\n',
      });
      const exported = await harness.request<{ content: string }>(RuleSubjects.Export, {
        accountId,
        format: 'csv',
      });
      const again = await harness.request<ImportReport>(RuleSubjects.Import, {
        accountId,
        format: 'csv',
        content: exported.content,
      });

      expect(imported).toMatchObject({ stored: true, version: 1 });
      expect(imported.created).toHaveLength(2);
      expect(again.unchanged).toHaveLength(2);
      expect(again.created).toEqual([]);
      expect(again.updated).toEqual([]);
    });

    it('pages the rule list and the export', async () => {
      const accountId = newAccountId();
      const rules = Array.from({ length: 5 }, (_, index) => ({
        ...amazonClass,
        ruleId: `page-${index}`,
      }));

      await harness.request(RuleSubjects.Import, { accountId, format: 'json', content: { rules } });
      const list = await harness.request<RuleSetView>(RuleSubjects.List, {
        accountId,
        offset: 2,
        limit: 2,
      });
      const exported = await harness.request<{ content: string; ruleCount: number }>(
        RuleSubjects.Export,
        { accountId, format: 'csv', offset: 4, limit: 2 },
      );

      expect(list.ruleCount).toBe(5);
      expect(list.rules.map((rule) => [rule.ruleId, rule.position])).toEqual([
        ['page-2', 3],
        ['page-3', 4],
      ]);
      expect(exported.ruleCount).toBe(5);
      expect(exported.content.split('\r\n')[1]).toMatch(/^page-4,5,/);
    });

    it('imports and exports JSON', async () => {
      const accountId = newAccountId();

      await harness.request(RuleSubjects.Import, {
        accountId,
        format: 'json',
        content: { rules: [{ ...amazonClass, ruleId: 'j1' }] },
      });
      const exported = await harness.request<{ content: { rules: { ruleId: string }[] } }>(
        RuleSubjects.Export,
        { accountId, format: 'json' },
      );

      expect(exported.content.rules.map((rule) => rule.ruleId)).toEqual(['j1']);
    });
  });
});
