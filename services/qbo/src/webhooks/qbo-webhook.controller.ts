import { Controller, Headers, HttpCode, HttpException, Inject, Post, Req } from '@nestjs/common';
import { APP_CONFIG, AppLogger, MetricsService } from '@qbsync/platform';
import { type Request } from 'express';
import { type Counter } from 'prom-client';

import { type QboConfig } from '../qbo.config';
import { QboChangeFeed, type QboEntityChange } from './qbo-change-feed';
import {
  isValidIntuitSignature,
  parseWebhookBody,
  QboWebhookFormatError,
} from './qbo-webhook.parser';

/** Path of the webhook endpoint to enter in the Intuit developer portal; its body arrives raw. */
export const QBO_WEBHOOK_PATH = '/webhooks/quickbooks';

/** Recently seen changes, to drop the repeats QuickBooks sends when a delivery is retried. */
const SEEN_LIMIT = 10_000;

/**
 * Receives QuickBooks Online webhooks. It responds as soon as the signature and shape are checked,
 * because Intuit expects a response within 3 seconds and retries otherwise. The changes go to the
 * change feed, whose listeners reread what changed.
 */
@Controller()
export class QboWebhookController {
  private readonly logger: AppLogger;
  private readonly seen = new Set<string>();
  private readonly received: Counter<'outcome'>;

  constructor(
    private readonly feed: QboChangeFeed,
    @Inject(APP_CONFIG) private readonly config: QboConfig,
    metrics: MetricsService,
    logger: AppLogger,
  ) {
    this.logger = logger.child(QboWebhookController.name);
    this.received = metrics.counter('qbsync_qbo_webhooks_total', 'QuickBooks webhooks received', [
      'outcome',
    ]);
  }

  @Post(QBO_WEBHOOK_PATH)
  @HttpCode(200)
  receive(
    @Req() request: Request,
    @Headers('intuit-signature') signature: string | undefined,
  ): { accepted: number } {
    const verifierToken = this.config.QBO_WEBHOOK_VERIFIER_TOKEN;

    if (!verifierToken) {
      this.received.inc({ outcome: 'disabled' });
      throw new HttpException(
        'QuickBooks webhooks are off: set QBO_WEBHOOK_VERIFIER_TOKEN to the verifier token from the Intuit developer portal',
        503,
      );
    }

    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);

    if (!isValidIntuitSignature(body, signature, verifierToken)) {
      this.received.inc({ outcome: 'bad_signature' });
      this.logger.warn('Rejected a QuickBooks webhook with a missing or wrong intuit-signature', {
        bytes: body.length,
      });
      throw new HttpException('intuit-signature is missing or does not match the body', 401);
    }

    let changes: QboEntityChange[];

    try {
      changes = parseWebhookBody(body.toString('utf8'));
    } catch (error) {
      if (!(error instanceof QboWebhookFormatError)) {
        throw error;
      }

      this.received.inc({ outcome: 'invalid' });
      this.logger.warn('Rejected a QuickBooks webhook with an unreadable body', {
        reason: error.message,
      });
      throw new HttpException(error.message, 400);
    }

    const fresh = changes.filter((change) => this.isFirstReport(change));

    this.received.inc({ outcome: 'accepted' });
    // The listeners only schedule work, so no QuickBooks call delays the response.
    this.feed.publish(fresh, 'webhook');

    return { accepted: fresh.length };
  }

  private isFirstReport(change: QboEntityChange): boolean {
    const key = [
      change.realmId,
      change.entity,
      change.id,
      change.operation,
      change.changedAt?.getTime(),
    ].join('|');

    if (this.seen.has(key)) {
      return false;
    }

    if (this.seen.size >= SEEN_LIMIT) {
      this.seen.delete(this.seen.values().next().value as string);
    }

    this.seen.add(key);

    return true;
  }
}
