import { type SyncEvent, Subjects } from '@qbsync/contracts';
import { waitFor, withInfrastructure } from '@qbsync/testing';
import { connect, JSONCodec, type NatsConnection } from 'nats';

import { type ConnectedAccount, connectAccount, requestGateway } from './support/gateway';
import { useStack } from './support/stack';

const infra = withInfrastructure();

interface ListedConnection {
  connectionId: string;
  kind: string;
  status: string;
}

describe('connection status in the connection list', () => {
  const stack = useStack(infra);
  let nats: NatsConnection;
  let account: ConnectedAccount;
  let shopify: ListedConnection;

  beforeAll(async () => {
    nats = await connect({ servers: infra.current.natsUrl });
    account = await connectAccount(stack.current, { name: 'Status shop' });
    const connections = await requestGateway<ListedConnection[]>(
      stack.current,
      'GET',
      `/api/accounts/${account.accountId}/connections`,
    );

    shopify = connections.find((connection) => connection.kind === 'shopify')!;
  });

  afterAll(async () => {
    await nats.drain();
  });

  it('lists a new channel connection as connected', () => {
    expect(shopify.status).toBe('connected');
  });

  it('shows reconnect_needed after the channel rejects the grant', async () => {
    // Published as the connector's token store does when the token endpoint returns invalid_grant.
    const event: SyncEvent = {
      eventId: `${shopify.connectionId}:reconnect-needed:e2e`,
      accountId: account.accountId,
      connectionId: shopify.connectionId,
      channel: 'shopify',
      entity: 'connection',
      entityId: shopify.connectionId,
      stage: 'connector',
      status: 'failed',
      connectionStatus: 'reconnect_needed',
      message: `Shopify connection ${shopify.connectionId} needs to be reconnected`,
      fix: `Reconnect Shopify connection ${shopify.connectionId}`,
      occurredAt: new Date().toISOString(),
    };

    await nats.jetstream().publish(Subjects.SyncEventRecorded, JSONCodec().encode(event), {
      msgID: event.eventId,
    });
    const listed = await waitFor(
      async () => {
        const connections = await requestGateway<ListedConnection[]>(
          stack.current,
          'GET',
          `/api/accounts/${account.accountId}/connections`,
        );
        const found = connections.find(
          (connection) => connection.connectionId === shopify.connectionId,
        );

        return found?.status === 'reconnect_needed' ? found : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200, description: 'the connection marked reconnect_needed' },
    );

    expect(listed.kind).toBe('shopify');
  });
});
