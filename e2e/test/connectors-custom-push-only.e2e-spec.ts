import { withInfrastructure } from '@qbsync/testing';

import {
  type ConnectorsHarness,
  createTestAccount,
  gatewayCall,
  startConnectorsHarness,
} from './connectors-harness';

const PUSH_SECRET = 'push-only-e2e-secret-0123456789';

interface TestReply {
  ok: boolean;
  checks: { name: string; ok: boolean; message: string }[];
}

/** A custom store connection with a push secret and no pull API: no poll, backfill or re-sync. */
describe('push-only custom store connection', () => {
  const infra = withInfrastructure();
  let harness: ConnectorsHarness;
  let accountId: string;
  let connectionId: string;
  let connectTest: TestReply;

  beforeAll(async () => {
    harness = await startConnectorsHarness(infra, { channel: 'custom', sandboxBaseUrl: false });
    accountId = await createTestAccount(harness, 'Push-only custom store e2e');

    const reply = await gatewayCall<{ connectionId: string; test: TestReply }>(
      harness,
      'POST',
      `/api/accounts/${accountId}/connections/custom`,
      { pushSecret: PUSH_SECRET },
    );

    connectionId = reply.body.connectionId;
    connectTest = reply.body.test;
  }, 180_000);

  afterAll(async () => {
    await harness?.stop();
  }, 60_000);

  it('says push-only in the connection test at connect', () => {
    expect(connectTest.ok).toBe(true);
    expect(connectTest.checks).toHaveLength(1);
    expect(connectTest.checks[0].message).toContain('push-only');
    expect(connectTest.checks[0].message).toContain('with baseUrl');
    expect(connectTest.checks[0].message).not.toContain('webhooks only');
  });

  it('says push-only in a later connection test', async () => {
    const reply = await gatewayCall<TestReply>(
      harness,
      'POST',
      `/api/accounts/${accountId}/connections/${connectionId}/test`,
    );

    expect(reply.status).toBe(201);
    expect(reply.body.checks[0].message).toContain('push-only');
    expect(reply.body.checks[0].message).toContain('username and password');
  });

  it('names the pull settings when a re-sync is refused', async () => {
    const reply = await gatewayCall<{ message: string }>(
      harness,
      'POST',
      `/api/accounts/${accountId}/connections/${connectionId}/resync`,
      { orderNumbers: ['1001'] },
    );

    expect(reply.status).toBe(400);
    expect(reply.body.message).toContain('cannot be re-synced');
    expect(reply.body.message).toContain('push-only');
    expect(reply.body.message).toContain('with baseUrl');
  });
});
