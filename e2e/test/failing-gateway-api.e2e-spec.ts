import { withInfrastructure } from '@qbsync/testing';

import { callGateway, createAccount, type HttpResult } from './support/gateway';
import { useStack } from './support/stack';

type ErrorBody = { statusCode: number; message: string };

const infra = withInfrastructure();

describe('gateway API', () => {
  const stack = useStack(infra);
  let accountId: string;

  beforeAll(async () => {
    accountId = await createAccount(stack.current, 'Gateway API shop');
  });

  describe('without a bearer token', () => {
    let response: HttpResult<ErrorBody>;

    beforeAll(async () => {
      response = await callGateway(stack.current, 'GET', `/api/accounts/${accountId}`, {
        token: null,
      });
    });

    it('returns 401', () => {
      expect(response.status).toBe(401);
    });

    it('names the header to send', () => {
      expect(response.body.message).toContain('Authorization: Bearer');
    });
  });

  describe('with a wrong bearer token', () => {
    it('returns 401', async () => {
      const response = await callGateway(stack.current, 'GET', `/api/accounts/${accountId}`, {
        token: 'x'.repeat(stack.current.apiToken.length),
      });

      expect(response.status).toBe(401);
    });
  });

  describe('account with an empty name', () => {
    let response: HttpResult<ErrorBody>;

    beforeAll(async () => {
      response = await callGateway(stack.current, 'POST', '/api/accounts', {
        body: { name: '  ' },
      });
    });

    it('returns 400', () => {
      expect(response.status).toBe(400);
    });

    it('names the field', () => {
      expect(response.body.message).toBe('name: must not be empty');
    });
  });

  describe('account with an unknown target', () => {
    let response: HttpResult<ErrorBody>;

    beforeAll(async () => {
      response = await callGateway(stack.current, 'POST', '/api/accounts', {
        body: { name: 'Desktop shop', target: 'xero' },
      });
    });

    it('returns 400', () => {
      expect(response.status).toBe(400);
    });

    it('names the field', () => {
      expect(response.body.message).toMatch(/^target: /);
    });
  });

  describe('account with an unknown QuickBooks target', () => {
    let response: HttpResult<ErrorBody>;

    beforeAll(async () => {
      response = await callGateway(stack.current, 'POST', '/api/accounts', {
        body: { name: 'Other books', target: 'xero' },
      });
    });

    it('returns 400', () => {
      expect(response.status).toBe(400);
    });

    it('names the field', () => {
      expect(response.body.message).toMatch(/^target: /);
    });
  });

  describe('QuickBooks Online on a Desktop account', () => {
    let response: HttpResult<ErrorBody>;

    beforeAll(async () => {
      const account = await callGateway<{ accountId: string }>(
        stack.current,
        'POST',
        '/api/accounts',
        {
          body: { name: 'Desktop only shop', target: 'qbd' },
        },
      );

      response = await callGateway(
        stack.current,
        'POST',
        `/api/accounts/${account.body.accountId}/connections/quickbooks-online`,
        { body: {} },
      );
    });

    it('returns 400', () => {
      expect(response.status).toBe(400);
    });

    it('names the target to use', () => {
      expect(response.body.message).toContain('target qbo');
    });
  });

  describe('Shopify connection with an invalid shop domain', () => {
    let response: HttpResult<ErrorBody>;

    beforeAll(async () => {
      response = await callGateway(
        stack.current,
        'POST',
        `/api/accounts/${accountId}/connections/shopify`,
        { body: { shopDomain: 'shop.example.com', webhookSecret: 'e2e-shopify-client-secret' } },
      );
    });

    it('returns 400', () => {
      expect(response.status).toBe(400);
    });

    it('names the field', () => {
      expect(response.body.message).toMatch(/^shopDomain: /);
    });
  });

  describe('QuickBooks callback with an unknown state', () => {
    let response: HttpResult<ErrorBody>;

    beforeAll(async () => {
      const query = new URLSearchParams({ code: 'code-1', state: 'forged', realmId: '9341453908' });

      response = await callGateway(
        stack.current,
        'GET',
        `/oauth/quickbooks-online/callback?${query}`,
        { token: null },
      );
    });

    it('returns 400', () => {
      expect(response.status).toBe(400);
    });

    it('names the state', () => {
      expect(response.body.message).toMatch(/^state is unknown or expired/);
    });
  });

  describe('QuickBooks callback after the user declined', () => {
    let response: HttpResult<ErrorBody>;

    beforeAll(async () => {
      // QuickBooks redirects without a code when the user declines access.
      const query = new URLSearchParams({ error: 'access_denied', state: 'forged' });

      response = await callGateway(
        stack.current,
        'GET',
        `/oauth/quickbooks-online/callback?${query}`,
        { token: null },
      );
    });

    it('returns 400', () => {
      expect(response.status).toBe(400);
    });

    it('says access was not granted', () => {
      expect(response.body.message).toContain('QuickBooks did not grant access (access_denied)');
    });

    it('names the route that starts again', () => {
      expect(response.body.message).toContain(
        'POST /api/accounts/:accountId/connections/quickbooks-online',
      );
    });
  });

  describe('sync events with an invalid status', () => {
    let response: HttpResult<ErrorBody>;

    beforeAll(async () => {
      response = await callGateway(
        stack.current,
        'GET',
        `/api/accounts/${accountId}/sync-events?status=done`,
      );
    });

    it('returns 400', () => {
      expect(response.status).toBe(400);
    });

    it('names the parameter', () => {
      expect(response.body.message).toMatch(/^status: /);
    });
  });

  describe('sync events with a limit too large', () => {
    it('returns 400 naming limit', async () => {
      const response = await callGateway<ErrorBody>(
        stack.current,
        'GET',
        `/api/accounts/${accountId}/sync-events?limit=5001`,
      );

      expect(response.body.message).toMatch(/^limit: /);
    });
  });

  describe('unknown account', () => {
    it('returns 404', async () => {
      const response = await callGateway(stack.current, 'GET', '/api/accounts/no-such-account');

      expect(response.status).toBe(404);
    });
  });
});
