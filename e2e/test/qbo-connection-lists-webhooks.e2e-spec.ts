import { randomUUID } from 'node:crypto';

import { type CompanyLists, type QboConnectionStatus, Subjects } from '@qbsync/contracts';
import { waitFor, withInfrastructure } from '@qbsync/testing';
import { connect, type NatsConnection } from 'nats';

import { type ConnectedAccount, connectAccount } from './support/gateway';
import { type AuditSession, openAuditSession } from './support/quickbooks';
import { type Stack, useStack } from './support/stack';

const infra = withInfrastructure();

const VERIFIER_TOKEN = 'e2e-intuit-webhook-verifier-token';

interface RpcReply<T> {
  response?: T;
  err?: { code?: string; message?: string };
}

describe('QuickBooks Online connection: lists, webhooks and disconnect', () => {
  const stack = useStack(infra, {
    env: { qbo: { QBO_WEBHOOK_VERIFIER_TOKEN: VERIFIER_TOKEN } },
  });
  let nats: NatsConnection;

  beforeAll(async () => {
    nats = await connect({ servers: infra.current.natsUrl });
  });

  afterAll(async () => {
    await nats?.close();
  });

  /** Sends a request the way @nestjs/microservices does over NATS and returns the reply packet. */
  async function request<T>(subject: string, data: unknown): Promise<RpcReply<T>> {
    const packet = JSON.stringify({ pattern: subject, data, id: randomUUID() });
    const reply = await nats.request(subject, new TextEncoder().encode(packet), {
      timeout: 20_000,
    });

    return JSON.parse(new TextDecoder().decode(reply.data)) as RpcReply<T>;
  }

  async function sandboxControl(current: Stack, method: string, path: string, body?: unknown) {
    const response = await fetch(`${current.sandboxUrl}/__sandbox${path}`, {
      method,
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

    if (!response.ok) {
      throw new Error(
        `Sandbox ${method} ${path} returned ${response.status}: ${await response.text()}`,
      );
    }
  }

  async function createIncomeAccount(audit: AuditSession, name: string): Promise<void> {
    const response = await fetch(
      new URL(`/v3/company/${audit.realmId}/account`, audit.sandboxUrl),
      {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${audit.accessToken}`,
          Accept: 'application/json',
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({
          Name: name,
          AccountType: 'Income',
          AccountSubType: 'SalesOfProductIncome',
        }),
      },
    );

    if (!response.ok) {
      throw new Error(
        `Creating account ${name} returned ${response.status}: ${await response.text()}`,
      );
    }
  }

  describe('company lists', () => {
    let account: ConnectedAccount;

    beforeAll(async () => {
      account = await connectAccount(stack.current, { name: 'Lists shop' });
    });

    it('are loaded on connect and answered over NATS', async () => {
      const reply = await request<CompanyLists>(Subjects.QboCompanyListsGet, {
        accountId: account.accountId,
      });

      expect(reply.err).toBeUndefined();
      expect(reply.response).toMatchObject({
        accountId: account.accountId,
        target: 'qbo',
        homeCurrency: 'USD',
      });
      expect(reply.response!.accounts.map((entry) => entry.name)).toContain('Undeposited Funds');
      expect(reply.response!.terms.map((entry) => entry.name)).toContain('Net 30');
    });

    it('reject a request without accountId', async () => {
      const reply = await request<CompanyLists>(Subjects.QboCompanyListsGet, {});

      expect(reply.err).toMatchObject({ code: 'invalid_request' });
    });
  });

  describe('QuickBooks webhooks', () => {
    it.each(['legacy', 'cloudevents'] as const)('refresh the lists (%s body)', async (format) => {
      const current = stack.current;
      const account = await connectAccount(current, { name: `Webhook shop ${format}` });
      const audit = await openAuditSession(current, account.realmId);
      const accountName = `Marketplace Sales ${format}`;

      await sandboxControl(current, 'PUT', '/webhooks', {
        url: `${current.services.qbo.url}/webhooks/quickbooks`,
        verifierToken: VERIFIER_TOKEN,
        format,
        delayMs: 100,
      });
      await createIncomeAccount(audit, accountName);

      const names = await waitFor(
        async () => {
          const reply = await request<CompanyLists>(Subjects.QboCompanyListsGet, {
            accountId: account.accountId,
          });
          const accountNames = reply.response?.accounts.map((entry) => entry.name) ?? [];

          return accountNames.includes(accountName) ? accountNames : undefined;
        },
        { timeoutMs: 40_000, intervalMs: 1000, description: `account ${accountName} in the lists` },
      );

      await sandboxControl(current, 'DELETE', '/webhooks');
      expect(names).toContain(accountName);
    });

    it('reject a forged signature', async () => {
      const response = await fetch(`${stack.current.services.qbo.url}/webhooks/quickbooks`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'intuit-signature': 'bm90LWEtc2lnbmF0dXJl' },
        body: JSON.stringify({ eventNotifications: [] }),
      });

      expect(response.status).toBe(401);
    });
  });

  describe('disconnect', () => {
    it('revokes the tokens and reports the connection disconnected', async () => {
      const account = await connectAccount(stack.current, { name: 'Disconnect shop' });
      const reply = await request<QboConnectionStatus>(Subjects.QboConnectionDisconnect, {
        accountId: account.accountId,
      });
      const lists = await request<CompanyLists>(Subjects.QboCompanyListsGet, {
        accountId: account.accountId,
        refresh: true,
      });

      expect(reply.response).toMatchObject({
        accountId: account.accountId,
        status: 'disconnected',
      });
      expect(lists.err).toMatchObject({ code: 'not_connected' });
    });
  });
});
