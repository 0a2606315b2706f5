import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { ClientProxyFactory, type ClientProxy, Transport } from '@nestjs/microservices';
import {
  type CompanyLists,
  companyListsSchema,
  parseMessage,
  type PostingTarget,
  Subjects,
} from '@qbsync/contracts';
import { APP_CONFIG, AppLogger } from '@qbsync/platform';
import { lastValueFrom, timeout } from 'rxjs';

import { type RulesConfig } from '../rules.config';

export type CompanyListsResult = { ok: true; lists: CompanyLists } | { ok: false; reason: string };

/** Milliseconds fetched lists are reused, so validating a batch of rules sends one request. */
const CACHE_MILLISECONDS = 60_000;

/**
 * Asks the posting service of the account's target for the company's cached QuickBooks lists
 * (Subjects.QboCompanyListsGet or QbdCompanyListsGet). Any failure, including no responder within
 * RULES_COMPANY_LISTS_TIMEOUT_MS, returns a reason instead of throwing, because rules are still
 * accepted when the lists cannot be read.
 */
@Injectable()
export class CompanyListsClient implements OnApplicationShutdown {
  private readonly client: ClientProxy;
  private readonly logger: AppLogger;
  private readonly cache = new Map<string, { lists: CompanyLists; expiresAt: number }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: RulesConfig,
    logger: AppLogger,
  ) {
    this.client = ClientProxyFactory.create({
      transport: Transport.NATS,
      options: { servers: config.NATS_URL.split(',') },
    });
    this.logger = logger.child(CompanyListsClient.name);
  }

  async get(accountId: string, target: PostingTarget): Promise<CompanyListsResult> {
    const key = `${target}|${accountId}`;
    const cached = this.cache.get(key);

    if (cached && cached.expiresAt > Date.now()) {
      return { ok: true, lists: cached.lists };
    }

    const subject = target === 'qbo' ? Subjects.QboCompanyListsGet : Subjects.QbdCompanyListsGet;
    const service = target === 'qbo' ? 'QuickBooks Online' : 'QuickBooks Desktop';

    try {
      const reply = await lastValueFrom(
        this.client
          .send<unknown>(subject, { accountId, refresh: false })
          .pipe(timeout(this.config.RULES_COMPANY_LISTS_TIMEOUT_MS)),
      );
      const parsed = parseMessage(companyListsSchema, reply);

      if (!parsed.ok) {
        this.logger.warn('Company lists reply is invalid', {
          accountId,
          subject,
          error: parsed.error,
        });

        return { ok: false, reason: `the ${service} service sent invalid company lists` };
      }

      this.cache.set(key, { lists: parsed.value, expiresAt: Date.now() + CACHE_MILLISECONDS });

      return { ok: true, lists: parsed.value };
    } catch (error) {
      const reply = error as { name?: string; message?: string };
      let reason: string;

      if (reply.name === 'TimeoutError') {
        reason = `the ${service} service did not answer within ${this.config.RULES_COMPANY_LISTS_TIMEOUT_MS} ms`;
      } else if (reply.message?.startsWith('Empty response')) {
        // NATS reports "no responders" at once when no service subscribes to the subject, and
        // Nest turns that into an EmptyResponseException, which its package does not export.
        reason = `the ${service} service did not answer: nothing listens on ${subject}`;
      } else {
        reason = `the ${service} service could not send the company lists (${reply.message ?? 'unknown error'})`;
      }

      this.logger.warn('Company lists unavailable; rule values are not checked', {
        accountId,
        subject,
        reason,
      });

      return { ok: false, reason };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client.close();
  }
}
