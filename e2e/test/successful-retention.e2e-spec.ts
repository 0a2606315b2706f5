import { RetentionJob } from '@qbsync/gateway/dist/sync-log/retention.job';
import { SyncEventPublisher } from '@qbsync/platform';
import { waitFor, withInfrastructure } from '@qbsync/testing';

import { callGateway, createAccount, listSyncEvents, requestGateway } from './support/gateway';
import { useStack } from './support/stack';

const MINUTE_MILLISECONDS = 60_000;
const DAY_MILLISECONDS = 24 * 60 * MINUTE_MILLISECONDS;

const infra = withInfrastructure();

describe('sync log retention', () => {
  const stack = useStack(infra);
  let accountId: string;

  beforeAll(async () => {
    accountId = await createAccount(stack.current, 'Retention shop');
  });

  describe('sync events', () => {
    const now = new Date();
    const ages = {
      'expired-event': 7 * DAY_MILLISECONDS + MINUTE_MILLISECONDS,
      'last-day-event': 7 * DAY_MILLISECONDS - MINUTE_MILLISECONDS,
      'recent-event': 60 * MINUTE_MILLISECONDS,
    };
    let purged: { syncEvents: number };

    beforeAll(async () => {
      // Another service publishes the events, as the qbo service publishes posting outcomes.
      const publisher = stack.current.services.qbo.app.get(SyncEventPublisher);

      for (const [eventId, age] of Object.entries(ages)) {
        await publisher.publish({
          eventId,
          accountId,
          channel: 'shopify',
          channelOrderId: eventId,
          stage: 'qbo',
          status: 'posted',
          message: `Posted ${eventId}`,
          occurredAt: new Date(now.getTime() - age).toISOString(),
        });
      }

      await waitFor(async () => (await listSyncEvents(stack.current, accountId)).length === 3, {
        description: 'the gateway to store the three sync events',
      });
      purged = await stack.current.services.gateway.app.get(RetentionJob).handleRetention(now);
    });

    it('purges one event', () => {
      expect(purged.syncEvents).toBe(1);
    });

    it('keeps events of the last 7 days', async () => {
      const events = await listSyncEvents(stack.current, accountId);

      expect(events.map((event) => event.eventId)).toEqual(['recent-event', 'last-day-event']);
    });
  });

  describe('OAuth states', () => {
    let purged: { oauthStates: number };
    let callbackStatus: number;

    beforeAll(async () => {
      const { authorizeUrl } = await requestGateway<{ authorizeUrl: string }>(
        stack.current,
        'POST',
        `/api/accounts/${accountId}/connections/quickbooks-online`,
        {},
      );
      const state = new URL(authorizeUrl).searchParams.get('state') ?? '';
      // A state is valid for 15 minutes after the connection starts.
      const later = new Date(Date.now() + 16 * MINUTE_MILLISECONDS);

      purged = await stack.current.services.gateway.app.get(RetentionJob).handleRetention(later);

      const query = new URLSearchParams({ code: 'code-1', state, realmId: '9341453908' });
      const callback = await callGateway(
        stack.current,
        'GET',
        `/oauth/quickbooks-online/callback?${query}`,
        { token: null },
      );

      callbackStatus = callback.status;
    });

    it('purges the expired state', () => {
      expect(purged.oauthStates).toBe(1);
    });

    it('callback with it returns 400', () => {
      expect(callbackStatus).toBe(400);
    });
  });
});
