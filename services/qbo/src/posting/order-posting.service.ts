import { Injectable } from '@nestjs/common';
import { AccountingError, buildSalesReceiptPlan, type PostingPlan } from '@qbsync/accounting';
import { minorToDecimal, type OrderReady } from '@qbsync/contracts';
import { AppLogger, type LogFields, SyncEventPublisher } from '@qbsync/platform';

import { QboApiClient } from '../api/qbo-api.client';
import { QboFaultError, QboTransportError } from '../api/qbo-api.errors';
import { QboConnectionRepository } from '../connection/qbo-connection.repository';
import { QboReconnectNeededError, QboTokenService } from '../connection/qbo-token.service';
import { QboSession } from '../matching/qbo-session';
import { type LedgerKey, PostingLedgerRepository } from './posting-ledger.repository';
import { PostingError, PostingErrorCode } from './posting.errors';
import { fixForFault } from './qbo-fault-fixes';
import { type PostedDocument, SalesReceiptPoster } from './sales-receipt.poster';

/** A pending claim older than this belongs to a replica that stopped mid-post. */
const STALE_CLAIM_MILLISECONDS = 90_000;

export type PostingOutcome = 'done' | 'retry';

/**
 * Posts one ready order to QuickBooks Online exactly once. It claims the order in the posting
 * ledger, builds the sales receipt from the posting plan and posts it with a stable `requestid`.
 * The outcome goes to the ledger and the sync activity log.
 */
@Injectable()
export class OrderPostingService {
  private readonly logger: AppLogger;

  constructor(
    private readonly ledger: PostingLedgerRepository,
    private readonly connections: QboConnectionRepository,
    private readonly tokens: QboTokenService,
    private readonly client: QboApiClient,
    private readonly poster: SalesReceiptPoster,
    private readonly syncEvents: SyncEventPublisher,
    logger: AppLogger,
  ) {
    this.logger = logger.child(OrderPostingService.name);
  }

  /** `lastAttempt`: no redelivery follows, so a transient failure is recorded as a failure. */
  async post(ready: OrderReady, lastAttempt: boolean): Promise<PostingOutcome> {
    const { order } = ready;
    const key: LedgerKey = {
      accountId: order.accountId,
      channel: order.channel,
      channelOrderId: order.channelOrderId,
      documentKind: ready.documentKind,
    };
    const plan = await this.buildPlan(ready);

    if (!plan) {
      return 'done';
    }

    const claim = await this.ledger.claim(
      key,
      this.client.newRequestId(),
      STALE_CLAIM_MILLISECONDS,
    );

    if (claim.outcome === 'already_posted') {
      await this.recordSkipped(ready, claim.entry.documentId);

      return 'done';
    }

    if (claim.outcome === 'busy') {
      return 'retry';
    }

    try {
      const session = await this.openSession(order.accountId);
      const posted = await this.poster.post(
        session,
        ready,
        plan,
        claim.entry.requestId,
        claim.mayHaveLanded,
      );

      await this.ledger.markPosted(
        key,
        {
          realmId: session.realmId,
          documentId: posted.id,
          docNumber: posted.docNumber,
          documentTotal: posted.total,
        },
        claim.entry.attempts,
      );
      await this.recordPosted(ready, plan, posted, session.realmId, claim.entry.attempts);

      return 'done';
    } catch (error) {
      return this.handleFailure(ready, key, error, lastAttempt, claim.entry.attempts);
    }
  }

  private async buildPlan(ready: OrderReady): Promise<PostingPlan | undefined> {
    try {
      return buildSalesReceiptPlan(ready.order);
    } catch (error) {
      if (!(error instanceof AccountingError)) {
        throw error;
      }

      await this.recordOutcome(ready, 'rejected', error.message, {
        eventSuffix: 'rejected',
        fix: 'Check the order in the channel: its lines, discounts, shipping and tax must add up to its total. Correct it there and it re-syncs.',
      });

      return undefined;
    }
  }

  private async openSession(accountId: string): Promise<QboSession> {
    const connection = await this.connections.findByAccountId(accountId);

    if (!connection) {
      throw new PostingError(
        'The account has no QuickBooks Online company connected',
        'Connect a QuickBooks Online company to the account, then save the order again in the channel to re-sync it',
        PostingErrorCode.NotConnected,
      );
    }

    const fresh = await this.tokens.getFreshConnection(connection);

    return new QboSession(fresh, this.client, this.tokens);
  }

  private async handleFailure(
    ready: OrderReady,
    key: LedgerKey,
    error: unknown,
    lastAttempt: boolean,
    attempt: number,
  ): Promise<PostingOutcome> {
    if (isTransient(error) && !lastAttempt) {
      await this.ledger.release(key, (error as Error).message);
      this.logger.warn('QuickBooks did not complete the posting; it will be retried', {
        ...this.fields(ready),
        reason: (error as Error).message,
      });

      return 'retry';
    }

    const { message, fix } = describeFailure(error);

    await this.ledger.markFailed(key, message, attempt);
    await this.recordOutcome(ready, 'failed', message, { eventSuffix: `failed:${attempt}`, fix });

    return 'done';
  }

  private async recordPosted(
    ready: OrderReady,
    plan: PostingPlan,
    posted: PostedDocument,
    realmId: string,
    attempt: number,
  ): Promise<void> {
    const { order } = ready;
    // A gift-card redemption is posted as a negative line, so QuickBooks' total is what the buyer
    // paid by other means: the channel total less the gift cards.
    const expectedTotal = plan.channelTotal - plan.giftCardTotal;
    const matches = posted.total === expectedTotal;
    const notes = [...posted.warnings];

    if (plan.adjustment) {
      notes.push(
        `a rounding difference of ${minorToDecimal(plan.adjustment.amount, plan.currency)} was posted to an adjustment line`,
      );
    }

    if (!matches) {
      notes.push(
        `QuickBooks computed ${minorToDecimal(posted.total, plan.currency)} but the order calls for ${minorToDecimal(expectedTotal, plan.currency)}`,
      );
    }

    const message = `Posted as sales receipt ${posted.docNumber ?? posted.id}${notes.length ? `; ${notes.join('; ')}` : ''}`;

    await this.recordOutcome(ready, 'posted', message, {
      eventSuffix: `posted:${attempt}`,
      documentId: posted.id,
      documentNumber: posted.docNumber,
      documentTotal: posted.total,
      realmId,
    });
    if (!matches) {
      this.logger.warn('Posted document total differs from the channel total', {
        ...this.fields(ready),
        orderNumber: order.orderNumber,
      });
    }
  }

  private async recordSkipped(ready: OrderReady, documentId: string | undefined): Promise<void> {
    await this.recordOutcome(
      ready,
      'skipped',
      `Already posted as sales receipt id ${documentId ?? 'unknown'}; this delivery changed nothing in QuickBooks`,
      {
        eventSuffix: `skipped:${ready.order.updatedAt}`,
        documentId,
      },
    );
  }

  private async recordOutcome(
    ready: OrderReady,
    status: 'posted' | 'skipped' | 'failed' | 'rejected',
    message: string,
    extra: {
      eventSuffix: string;
      fix?: string;
      documentId?: string;
      documentNumber?: string;
      documentTotal?: number;
      realmId?: string;
    },
  ): Promise<void> {
    const { order } = ready;
    const { eventSuffix, ...fields } = extra;

    await this.syncEvents.publish({
      eventId: `${order.accountId}:${order.channel}:${order.channelOrderId}:${ready.documentKind}:${eventSuffix}`,
      accountId: order.accountId,
      connectionId: order.connectionId,
      channel: order.channel,
      channelOrderId: order.channelOrderId,
      orderNumber: order.orderNumber,
      stage: 'qbo',
      status,
      message,
      documentKind: ready.documentKind,
      currency: order.currency,
      channelTotal: order.totals.total,
      ruleSetVersion: ready.ruleSetVersion,
      ...fields,
    });
  }

  private fields(ready: OrderReady): LogFields {
    return {
      accountId: ready.order.accountId,
      channel: ready.order.channel,
      orderId: ready.order.channelOrderId,
    };
  }
}

/** Failures a later attempt may not meet: no response, throttling, server faults, our own I/O. */
function isTransient(error: unknown): boolean {
  if (error instanceof QboFaultError) {
    return error.isTransient;
  }

  return !(error instanceof PostingError || error instanceof QboReconnectNeededError);
}

function describeFailure(error: unknown): { message: string; fix: string } {
  if (error instanceof PostingError) {
    return { message: error.message, fix: error.fix };
  }

  if (error instanceof QboReconnectNeededError) {
    return {
      message: error.message,
      fix: 'Reconnect the QuickBooks Online company (POST /api/accounts/:accountId/connections/quickbooks-online), then save the order again in the channel to re-sync it',
    };
  }

  if (error instanceof QboFaultError) {
    return { message: error.message, fix: fixForFault(error) };
  }

  if (error instanceof QboTransportError) {
    return {
      message: error.message,
      fix: 'QuickBooks Online did not answer after several attempts; save the order again in the channel later to re-sync it',
    };
  }

  return {
    message: `Unexpected error: ${(error as Error)?.message ?? String(error)}`,
    fix: 'Re-sync the order; if it fails again, report it with the order id',
  };
}
