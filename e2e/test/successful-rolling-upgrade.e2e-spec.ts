import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Subjects } from '@qbsync/contracts';
import { withInfrastructure } from '@qbsync/testing';
import { connect, JSONCodec, type NatsConnection } from 'nats';

import { type ConnectedAccount, connectAccount, waitForSyncEvent } from './support/gateway';
import { openAuditSession, salesReceiptsForOrder } from './support/quickbooks';
import { useStack } from './support/stack';

const PREVIOUS_RELEASE = join(__dirname, '../../fixtures/contracts/release-0.1');

interface RecordedOrder {
  accountId: string;
  connectionId: string;
  channelOrderId: string;
  orderNumber: string;
}

/** Loads a message that release 0.1 published, readdressed to this test's account and order id. */
function recorded<T>(subject: string, account: ConnectedAccount, orderId: string): T {
  const text = readFileSync(join(PREVIOUS_RELEASE, `${subject}.json`), 'utf8')
    .replaceAll('ACCOUNT_ID', account.accountId)
    .replaceAll('CONNECTION_ID', `upgrade-${account.accountId}`);
  const message = JSON.parse(text) as T & { order?: RecordedOrder } & Partial<RecordedOrder>;
  const order = (message.order ?? message) as RecordedOrder;

  order.channelOrderId = orderId;
  order.orderNumber = `#U${orderId}`;

  return message;
}

const infra = withInfrastructure();

// During a rolling upgrade the streams still hold what the old release published, and old pods
// keep publishing until they stop. The new services must read those messages and post them.
describe('rolling upgrade from release 0.1', () => {
  const stack = useStack(infra);
  let account: ConnectedAccount;
  let nats: NatsConnection;

  beforeAll(async () => {
    account = await connectAccount(stack.current, { name: 'Rolling upgrade shop' });
    nats = await connect({ servers: infra.natsUrl });
  });

  afterAll(async () => {
    await nats.drain();
  });

  it('posts an order a 0.1 connector published', async () => {
    const orderId = '9100000001';

    await nats
      .jetstream()
      .publish(
        Subjects.OrderReceived,
        JSONCodec().encode(recorded(Subjects.OrderReceived, account, orderId)),
      );

    const posted = await waitForSyncEvent(stack.current, account.accountId, orderId, 'posted');

    expect(posted.documentTotal).toBe(59894);
  });

  it('posts an order a 0.1 rules service routed', async () => {
    const orderId = '9100000002';

    await nats
      .jetstream()
      .publish(
        Subjects.OrderReadyForQbo,
        JSONCodec().encode(recorded(Subjects.OrderReadyForQbo, account, orderId)),
      );

    await waitForSyncEvent(stack.current, account.accountId, orderId, 'posted');
    const audit = await openAuditSession(stack.current, account.realmId);
    const receipts = await salesReceiptsForOrder(audit, orderId);

    expect(receipts.map((receipt) => receipt.TotalAmt)).toEqual([598.94]);
  });
});
