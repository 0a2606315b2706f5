import { createHmac, randomUUID } from 'node:crypto';

import { type QbdConnectionStatus } from '@qbsync/contracts';
import { type RunningService } from '@qbsync/platform';
import { createSandboxApp } from '@qbsync/sandbox/dist/app.factory';
import { fieldOf } from '@qbsync/sandbox/dist/qbwc/company/company-lists';
import { type QuickBooksCompany } from '@qbsync/sandbox/dist/qbwc/company/quickbooks-company';
import { QbwcStore } from '@qbsync/sandbox/dist/qbwc/qbwc.store';
import { withInfrastructure } from '@qbsync/testing';

import { startQbd } from './support/desktop';
import { requestGateway, waitForSyncEventMatching } from './support/gateway';
import { useStack } from './support/stack';

const infra = withInfrastructure();
const PUSH_SECRET = 'inventory-adjustments-e2e-0123456789';

type SandboxApp = Awaited<ReturnType<typeof createSandboxApp>>;

interface PushReply {
  batchId: string;
  accepted: number;
  duplicate: boolean;
  rejected: Array<{ reason: string }>;
}

function countAdjustment(
  adjustmentId: string,
  lines: unknown[],
  modifiedDate = '2026-11-30T18:00:00Z',
): Record<string, unknown> {
  return {
    AdjustmentId: adjustmentId,
    AdjustmentDate: '2026-11-30',
    ModifiedDate: modifiedDate,
    Memo: 'Stock count, back room',
    Lines: lines,
  };
}

describe('QuickBooks Desktop inventory adjustments', () => {
  const stack = useStack(infra, { env: { connectors: { CHANNEL: 'custom' } } });
  let qbd: RunningService<object>;
  let desktop: SandboxApp;
  let desktopUrl: string;
  let company: QuickBooksCompany;
  let companyId: string;
  let accountId: string;
  let connectionId: string;
  let pairing: QbdConnectionStatus;

  async function connectCustomStore(target: 'qbd' | 'qbo'): Promise<[string, string]> {
    const account = await requestGateway<{ accountId: string }>(
      stack.current,
      'POST',
      '/api/accounts',
      { name: `Inventory adjustments ${target}`, target },
    );
    const connection = await requestGateway<{ connectionId: string }>(
      stack.current,
      'POST',
      `/api/accounts/${account.accountId}/connections/custom`,
      { pushSecret: PUSH_SECRET },
    );

    return [account.accountId, connection.connectionId];
  }

  async function push(connection: string, body: unknown): Promise<PushReply> {
    const response = await send(connection, body);

    expect(response.status).toBe(202);

    return (await response.json()) as PushReply;
  }

  async function send(connection: string, body: unknown): Promise<Response> {
    const raw = Buffer.from(JSON.stringify(body));

    return fetch(`${stack.current.connectorsUrl}/webhooks/custom/${connection}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-signature': createHmac('sha256', PUSH_SECRET).update(raw).digest('base64'),
      },
      body: raw,
    });
  }

  async function runSessions(): Promise<void> {
    const response = await fetch(`${desktopUrl}/qbwc-sandbox/companies/${companyId}/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        appUrl: `${qbd.url}/qbwc`,
        userName: pairing.userName,
        password: pairing.password,
        maxSessions: 10,
      }),
    });

    expect(response.status).toBe(201);
  }

  function onHand(itemName: string): string | undefined {
    const item = company.findList('Item', { fullName: itemName });

    return item ? fieldOf(item, 'QuantityOnHand') : undefined;
  }

  function adjustmentCount(): number {
    return [...company.transactions.values()].filter((txn) => txn.type === 'InventoryAdjustment')
      .length;
  }

  beforeAll(async () => {
    qbd = await startQbd(infra, 'qbsync-qbd-inventory-adjustments');

    // A sandbox of its own, so the test can stock the company file with inventory items.
    desktop = await createSandboxApp({ port: 0, host: '127.0.0.1' }, { logger: false });
    await desktop.listen(0, '127.0.0.1');
    desktopUrl = (await desktop.getUrl()).replace('[::1]', '127.0.0.1');
    companyId = randomUUID();
    company = desktop.get(QbwcStore).create(companyId, {});
    company.addListRecord('Account', 'AccountRet', 'Inventory Adjustments', {
      fields: [['AccountType', 'CostOfGoodsSold']],
    });
    company.addListRecord('Item', 'ItemInventoryRet', 'IPOD2008GREEN', {
      fields: [['QuantityOnHand', '10']],
    });
    company.addListRecord('Item', 'ItemInventoryRet', 'IPOD2008BLACK', {
      fields: [['QuantityOnHand', '3']],
    });

    [accountId, connectionId] = await connectCustomStore('qbd');
    pairing = await requestGateway<QbdConnectionStatus>(
      stack.current,
      'POST',
      `/api/accounts/${accountId}/connections/quickbooks-desktop`,
      {},
    );
    // The first session reads the company file's lists into the service's list copy.
    await runSessions();

    await push(connectionId, {
      InventoryAdjustments: [
        countAdjustment('ADJ-1', [
          { Sku: 'IPOD2008GREEN', QuantityDifference: -2 },
          { Sku: 'IPOD2008BLACK', NewQuantity: 14 },
        ]),
      ],
    });
    await waitForSyncEventMatching(
      stack.current,
      accountId,
      'adjustment ADJ-1 queued',
      (event) => event.entityId === 'ADJ-1' && event.status === 'received' && event.stage === 'qbd',
    );
    await runSessions();
  }, 240_000);

  afterAll(async () => {
    await qbd?.stop();
    await desktop?.close();
  }, 60_000);

  it('changes the quantities on hand', () => {
    expect(onHand('IPOD2008GREEN')).toBe('8');
    expect(onHand('IPOD2008BLACK')).toBe('14');
    expect(adjustmentCount()).toBe(1);
  });

  it('logs the posted adjustment', async () => {
    const posted = await waitForSyncEventMatching(
      stack.current,
      accountId,
      'adjustment ADJ-1 posted',
      (event) => event.entityId === 'ADJ-1' && event.status === 'posted',
    );

    expect(posted.entity).toBe('inventory');
    expect(posted.message).toMatch(/^Posted to QuickBooks Desktop as inventory adjustment ADJ-1/);
  });

  it('changes nothing on a redelivery', async () => {
    const body = {
      InventoryAdjustments: [
        countAdjustment('ADJ-1', [
          { Sku: 'IPOD2008GREEN', QuantityDifference: -2 },
          { Sku: 'IPOD2008BLACK', NewQuantity: 14 },
        ]),
      ],
    };
    const again = await push(connectionId, body);
    // A later revision of a queued adjustment is not posted again either.
    const revised = countAdjustment(
      'ADJ-1',
      [{ Sku: 'IPOD2008GREEN', QuantityDifference: -5 }],
      '2026-11-30T19:00:00Z',
    );

    await push(connectionId, { InventoryAdjustments: [revised] });
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await runSessions();

    expect(again.duplicate).toBe(true);
    expect(onHand('IPOD2008GREEN')).toBe('8');
    expect(onHand('IPOD2008BLACK')).toBe('14');
    expect(adjustmentCount()).toBe(1);
  });

  it('fails an unknown SKU with the fix', async () => {
    await push(connectionId, {
      InventoryAdjustments: [
        countAdjustment('ADJ-2', [
          { Sku: 'IPOD2008GREEN', QuantityDifference: 1 },
          { Sku: 'NOSUCHSKU', QuantityDifference: 1 },
        ]),
      ],
    });
    const failed = await waitForSyncEventMatching(
      stack.current,
      accountId,
      'adjustment ADJ-2 failed',
      (event) => event.entityId === 'ADJ-2' && event.status === 'failed',
    );

    expect(failed.stage).toBe('qbd');
    expect(failed.message).toContain('line 2: SKU NOSUCHSKU matches no QuickBooks item');
    expect(failed.fix).toContain('Create inventory item NOSUCHSKU in QuickBooks');
    await runSessions();
    expect(onHand('IPOD2008GREEN')).toBe('8');
  });

  it('rejects a line without a quantity by field', async () => {
    const response = await send(connectionId, {
      InventoryAdjustments: [countAdjustment('ADJ-3', [{ Sku: 'IPOD2008GREEN' }])],
    });

    expect(response.status).toBe(422);
    expect(await response.text()).toContain(
      'InventoryAdjustments[0]: adjustment ADJ-3 Lines[0].QuantityDifference: is missing',
    );
  });

  it('skips adjustments of a QuickBooks Online account', async () => {
    const [onlineAccountId, onlineConnectionId] = await connectCustomStore('qbo');

    await push(onlineConnectionId, {
      InventoryAdjustments: [
        countAdjustment('ADJ-9', [{ Sku: 'IPOD2008GREEN', QuantityDifference: 1 }]),
      ],
    });
    const skipped = await waitForSyncEventMatching(
      stack.current,
      onlineAccountId,
      'adjustment ADJ-9 skipped',
      (event) => event.entityId === 'ADJ-9' && event.status === 'skipped',
    );

    expect(skipped.stage).toBe('rules');
    expect(skipped.message).toContain(
      'QuickBooks Online is not supported for inventory adjustments',
    );
  });
});
