import { randomBytes } from 'node:crypto';

import { type InventoryAdjustment, Subjects } from '@qbsync/contracts';
import { withInfrastructure } from '@qbsync/testing';

import {
  type ConnectorsHarness,
  createTestAccount,
  gatewayCall,
  sandboxCall,
  startConnectorsHarness,
  waitForMessages,
} from './connectors-harness';

/** Inventory adjustments read through the custom store pull API, from the sandbox's stand-in. */
describe('custom store inventory adjustments by pull', () => {
  const infra = withInfrastructure();
  let harness: ConnectorsHarness;
  let connectionId: string;
  let adjustments: Array<{ payload: InventoryAdjustment; messageId?: string }>;
  const storeId = `store-${randomBytes(4).toString('hex')}`;
  const modified = new Date(Date.now() - 60 * 60 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

  beforeAll(async () => {
    harness = await startConnectorsHarness(infra, { channel: 'custom', sandboxBaseUrl: false });
    await sandboxCall(harness, 'POST', '/__sandbox/custom-stores', {
      storeId,
      username: 'merchant',
      password: 'pull-password',
    });
    await sandboxCall(
      harness,
      'POST',
      `/__sandbox/custom-stores/${storeId}/inventory-adjustments`,
      {
        inventoryAdjustments: [
          {
            AdjustmentId: 'ADJ-P1',
            AdjustmentDate: modified.slice(0, 10),
            ModifiedDate: modified,
            Lines: [{ Sku: 'MUG-1', QuantityDifference: -3 }],
          },
          {
            AdjustmentId: 'ADJ-P2',
            AdjustmentDate: modified.slice(0, 10),
            ModifiedDate: modified,
            Lines: [{ Sku: 'MUG-1', QuantityDifference: 1, NewQuantity: 4 }],
          },
        ],
      },
    );

    const accountId = await createTestAccount(harness, 'Custom store adjustments e2e');
    const reply = await gatewayCall<{ connectionId: string }>(
      harness,
      'POST',
      `/api/accounts/${accountId}/connections/custom`,
      {
        baseUrl: `${harness.sandboxUrl}/custom-store/${storeId}`,
        username: 'merchant',
        password: 'pull-password',
        backfillDays: 1,
      },
    );

    connectionId = reply.body.connectionId;
    adjustments = await waitForMessages<InventoryAdjustment>(
      harness,
      Subjects.InventoryAdjustmentReceived,
      connectionId,
      1,
    );
  }, 180_000);

  afterAll(async () => {
    await harness?.stop();
  }, 60_000);

  it('publishes the valid adjustment', () => {
    expect(adjustments).toHaveLength(1);
    expect(adjustments[0]!.payload).toMatchObject({
      adjustmentId: 'ADJ-P1',
      lines: [{ sku: 'MUG-1', quantityDifference: -3 }],
      source: { kind: 'poll' },
    });
  });

  it('keys the message by id and revision', () => {
    expect(adjustments[0]!.messageId).toBe(
      `${connectionId}:inventory-adjustment:ADJ-P1:${modified}`,
    );
  });
});
