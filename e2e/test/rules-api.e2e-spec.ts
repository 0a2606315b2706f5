import { withInfrastructure } from '@qbsync/testing';
import request from 'supertest';

import { createAccount } from './support/gateway';
import { useStack } from './support/stack';

const infra = withInfrastructure();

const CSV_HEADER =
  'rule_id,position,name,scope,object,action,join,field,comparison,value,map_to,enabled';

describe('rules API', () => {
  const stack = useStack(infra);
  let accountId: string;
  let base: string;

  function api(): ReturnType<typeof request> {
    return request(stack.current.gatewayUrl);
  }

  function auth(): Record<string, string> {
    return { Authorization: `Bearer ${stack.current.apiToken}` };
  }

  beforeAll(async () => {
    accountId = await createAccount(stack.current, 'Rules API shop');
    base = `/api/accounts/${accountId}/rules`;
  });

  it('requires the API token', async () => {
    await api().get(base).expect(401);
  });

  it('returns 404 for an unknown account', async () => {
    const response = await api().get('/api/accounts/no-such-account/rules').set(auth()).expect(404);

    expect(response.body.message).toBe('account no-such-account not found');
  });

  it('starts with the version the account creation stored', async () => {
    const response = await api().get(base).set(auth()).expect(200);

    expect(response.body).toMatchObject({ accountId, target: 'qbo', version: 1, rules: [] });
  });

  it('creates, updates, reorders and deletes rules', async () => {
    await api()
      .post(base)
      .set(auth())
      .send({
        ruleId: 'amazon-memo',
        name: 'Amazon memo',
        conditions: [{ field: 'channel', comparison: 'equals', value: 'amazon' }],
        action: { kind: 'memo', value: 'Amazon order' },
      })
      .expect(201);
    const created = await api()
      .post(base)
      .set(auth())
      .send({
        ruleId: 'paypal',
        name: 'PayPal memo',
        position: 1,
        conditions: [{ field: 'payment_method', comparison: 'contains', value: 'paypal' }],
        action: { kind: 'memo', value: 'PayPal order' },
      })
      .expect(201);

    expect(created.body.ruleSet.rules.map((rule: { ruleId: string }) => rule.ruleId)).toEqual([
      'paypal',
      'amazon-memo',
    ]);
    // Whether QuickBooks names were checked depends on the qbo service's company lists.
    expect(typeof created.body.validation.listsChecked).toBe('boolean');

    await api()
      .put(`${base}/paypal`)
      .set(auth())
      .send({
        name: 'PayPal memo',
        enabled: false,
        conditions: [{ field: 'payment_method', comparison: 'contains', value: 'paypal' }],
        action: { kind: 'memo', value: 'PayPal order' },
      })
      .expect(200);
    await api()
      .post(`${base}/reorder`)
      .set(auth())
      .send({ ruleIds: ['amazon-memo', 'paypal'] })
      .expect(201);
    const deleted = await api().delete(`${base}/paypal`).set(auth()).expect(200);

    expect(deleted.body.rules).toEqual([
      expect.objectContaining({ ruleId: 'amazon-memo', position: 1 }),
    ]);
  });

  it('rejects an invalid rule with 400 naming the rule', async () => {
    const response = await api()
      .post(base)
      .set(auth())
      .send({
        name: 'Old orders',
        conditions: [{ field: 'order_date', comparison: 'contains', value: '2022' }],
        action: { kind: 'do_not_import' },
      })
      .expect(400);

    expect(response.body.message).toMatch(
      /^Rule "Old orders" conditions\[0\]: comparison contains does not fit date field "order_date"/,
    );
  });

  it('creates a rule from a template', async () => {
    const response = await api()
      .post(base)
      .set(auth())
      .send({ fromTemplate: 'one_shipping_item', ruleId: 'shipping', position: 1 })
      .expect(201);

    expect(response.body.ruleSet.rules[0]).toMatchObject({
      ruleId: 'shipping',
      template: 'one_shipping_item',
      action: { kind: 'shipping_item', value: 'Shipping' },
    });
    await api().delete(`${base}/shipping`).set(auth()).expect(200);
  });

  it('returns 404 for an unknown rule', async () => {
    await api().delete(`${base}/missing`).set(auth()).expect(404);
  });

  it('lists versions and restores one', async () => {
    const versions = await api().get(`${base}/versions`).set(auth()).expect(200);
    const newest = versions.body.versions[0].version;
    const restored = await api().post(`${base}/versions/2/restore`).set(auth()).expect(201);

    expect(restored.body.version).toBe(newest + 1);
    expect(restored.body.rules.map((rule: { ruleId: string }) => rule.ruleId)).toEqual([
      'amazon-memo',
    ]);
  });

  it('rejects a version that is not a number', async () => {
    const response = await api().get(`${base}/versions/latest`).set(auth()).expect(400);

    expect(response.body.message).toMatch(/^version: must be a version number/);
  });

  it('imports a CSV body and reports row errors', async () => {
    const response = await api()
      .post(`${base}/import?dryRun=true`)
      .set(auth())
      .set('Content-Type', 'text/csv')
      .send(
        `${CSV_HEADER}\nr1,1,Class,all,order,class,,channel,equals,ebay,eBay,true\nr2,2,Bad,all,order,class,,channel,near,ebay,eBay,true\n`,
      )
      .expect(201);

    expect(response.body).toMatchObject({
      stored: false,
      errors: [{ row: 3, column: 'comparison' }],
    });
  });

  it('imports a SKU mapping table and exports CSV', async () => {
    const imported = await api()
      .post(`${base}/mappings/sku_item`)
      .set(auth())
      .set('Content-Type', 'text/csv')
      .send('sku,item\nABC-1,Widget\n')
      .expect(201);
    const exported = await api().get(`${base}/export`).set(auth()).expect(200);

    expect(imported.body).toMatchObject({ stored: true });
    expect(exported.headers['x-rule-count']).toBe('2');
    expect(exported.headers['content-type']).toMatch(/^text\/csv/);
    expect(exported.text.split('\r\n')[0]).toBe(`${CSV_HEADER},type,template`);
    expect(exported.text).toContain('line.sku,equals,ABC-1,Widget,true,map_product,');
  });

  it('rejects an unknown mapping table', async () => {
    const response = await api()
      .post(`${base}/mappings/colors`)
      .set(auth())
      .set('Content-Type', 'text/csv')
      .send('a,b\n')
      .expect(400);

    expect(response.body.message).toMatch(/^table: must be sku_item/);
  });

  it('pages the rule list', async () => {
    const response = await api().get(`${base}?offset=1&limit=1`).set(auth()).expect(200);

    expect(response.body.ruleCount).toBe(2);
    expect(response.body.rules).toHaveLength(1);
    expect(response.body.rules[0].position).toBe(2);
  });

  it('rejects a page larger than 1,000 rules', async () => {
    const response = await api().get(`${base}?limit=5000`).set(auth()).expect(400);

    expect(response.body.message).toMatch(/^limit:/);
  });

  it('exports JSON', async () => {
    const response = await api().get(`${base}/export?format=json`).set(auth()).expect(200);

    expect(response.body.rules.length).toBeGreaterThan(0);
  });

  it('returns 404 for a preview without received orders', async () => {
    const response = await api().post(`${base}/preview`).set(auth()).send({}).expect(404);

    expect(response.body.message).toMatch(/^no order was received in the last 30 days/);
  });

  it('serves the catalogue', async () => {
    const response = await api().get(`${base}/catalogue`).set(auth()).expect(200);

    expect(response.body.templates.length).toBeGreaterThan(10);
    expect(response.body.comparisons).toContain('matches');
  });

  it('turns a product-mapping fix into a rule', async () => {
    await api()
      .post(`${base}/fixes/product-mapping`)
      .set(auth())
      .send({ sku: 'IPOD2008GREEN', itemName: 'iPod Nano 8GB' })
      .expect(201);
    const listed = await api().get(base).set(auth()).expect(200);
    const names = (listed.body.rules as Array<{ name: string }>).map((rule) => rule.name);

    expect(names).toContain('Map SKU IPOD2008GREEN to iPod Nano 8GB');
  });

  it('turns a missing-customer fix into a rule', async () => {
    await api()
      .post(`${base}/fixes/missing-customer`)
      .set(auth())
      .send({ email: 'bob.norman@mail.example.com', customerName: 'Bob Norman' })
      .expect(201);
    const listed = await api().get(base).set(auth()).expect(200);
    const names = (listed.body.rules as Array<{ name: string }>).map((rule) => rule.name);

    expect(names).toContain('Post orders of bob.norman@mail.example.com to Bob Norman');
  });

  it('rejects a fix without an item name', async () => {
    const response = await api()
      .post(`${base}/fixes/product-mapping`)
      .set(auth())
      .send({ sku: 'IPOD2008GREEN' })
      .expect(400);

    expect(response.body.message).toContain('itemName');
  });
});
