import { type Payout, type SyncEvent } from '@qbsync/contracts';
import { type SyncEventPublisher } from '@qbsync/platform';

import { type QboApiClient } from '../api/qbo-api.client';
import { type QboConnectionRepository } from '../connection/qbo-connection.repository';
import { type QboTokenService } from '../connection/qbo-token.service';
import { QboSession } from '../matching/qbo-session';
import { PostingError, PostingErrorCode } from '../posting/posting.errors';

/** A pending claim older than this belongs to a replica that stopped mid-post. */
export const STALE_CLAIM_MILLISECONDS = 90_000;

/** The document fields a payout's sync event may carry besides its message. */
export type PayoutSyncFields = Partial<
  Pick<SyncEvent, 'fix' | 'documentId' | 'documentNumber' | 'documentTotal' | 'realmId'>
>;

/**
 * Opens a posting session on the account's QuickBooks Online company, refreshing the access token
 * when it is about to expire. Throws a `NotConnected` posting error when no company is connected.
 */
export async function openPayoutSession(
  connections: QboConnectionRepository,
  tokens: QboTokenService,
  client: QboApiClient,
  accountId: string,
): Promise<QboSession> {
  const connection = await connections.findByAccountId(accountId);

  if (!connection) {
    throw new PostingError(
      'The account has no QuickBooks Online company connected',
      'Connect a QuickBooks Online company to the account, then re-sync the payout',
      PostingErrorCode.NotConnected,
    );
  }

  const fresh = await tokens.getFreshConnection(connection);

  return new QboSession(fresh, client, tokens);
}

/**
 * Publishes a sync event about a payout. Its event id is the payout's id followed by
 * `eventIdSuffix`, so one outcome of one delivery is logged once.
 */
export async function publishPayoutEvent(
  syncEvents: SyncEventPublisher,
  payout: Payout,
  documentKind: string,
  status: SyncEvent['status'],
  eventIdSuffix: string,
  fields: PayoutSyncFields & { message: string },
): Promise<void> {
  await syncEvents.publish({
    eventId: `${payout.accountId}:${payout.channel}:payout:${payout.payoutId}:${eventIdSuffix}`,
    accountId: payout.accountId,
    connectionId: payout.connectionId,
    channel: payout.channel,
    entity: 'payout',
    entityId: payout.payoutId,
    stage: 'qbo',
    status,
    documentKind,
    currency: payout.currency,
    channelTotal: payout.amount,
    ...fields,
  });
}
