import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppLogger } from '@qbsync/platform';

import { QboApiClient } from '../api/qbo-api.client';
import { QboAccess } from '../connection/qbo-access';
import { QboConnectionRepository } from '../connection/qbo-connection.repository';
import { type QboConfig } from '../qbo.config';
import { QboChangeFeed, type QboEntityChange } from '../webhooks/qbo-change-feed';
import { readCompanyLists } from './company-lists.reader';
import { CompanyListsRepository } from './company-lists.repository';
import { type CompanyListsSnapshot } from './company-lists.types';

/** Entities whose changes make the cache reload. */
export const LIST_ENTITY_NAMES = new Set([
  'Account',
  'TaxCode',
  'TaxRate',
  'Class',
  'Department',
  'PaymentMethod',
  'Term',
  'CompanyCurrency',
  'Preferences',
]);

/** How long a replica uses its in-memory copy before it rereads the shared one from the database. */
const MEMORY_MILLISECONDS = 30_000;

/** Several stale-reference faults or webhooks within this time cause one reload. */
const RELOAD_DEBOUNCE_MILLISECONDS = 2_000;

/**
 * The company lists cache: accounts, tax codes and rates, classes, locations, payment methods,
 * terms, currencies and preferences of each connected company. It is loaded on connect, reloaded
 * on a schedule, after a webhook or change data capture reports a list change, and after
 * QuickBooks rejects a reference (2500 or 610). Readers get the database copy shared by every
 * replica, kept in memory for up to 30 seconds.
 *
 * Posting code reads it with `get(accountId)`, which costs no API call once loaded.
 */
@Injectable()
export class CompanyListsService implements OnModuleInit {
  private readonly logger: AppLogger;
  private readonly memory = new Map<string, { lists: CompanyListsSnapshot; readAtMs: number }>();
  private readonly loading = new Map<string, Promise<CompanyListsSnapshot>>();
  private readonly pendingRealmReloads = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly repository: CompanyListsRepository,
    private readonly connections: QboConnectionRepository,
    private readonly access: QboAccess,
    private readonly client: QboApiClient,
    private readonly feed: QboChangeFeed,
    @Inject(APP_CONFIG) private readonly config: QboConfig,
    logger: AppLogger,
  ) {
    this.logger = logger.child(CompanyListsService.name);
  }

  onModuleInit(): void {
    this.client.onStaleReference((realmId, fault) =>
      this.reloadRealmSoon(realmId, `QuickBooks fault ${fault.code ?? ''}`),
    );
    this.feed.subscribe((changes, source) => this.onChanges(changes, source));
  }

  private onChanges(changes: QboEntityChange[], source: string): void {
    const realms = new Set(
      changes
        .filter((change) => LIST_ENTITY_NAMES.has(change.entity))
        .map((change) => change.realmId),
    );

    for (const realmId of realms) {
      this.reloadRealmSoon(realmId, `${source} reported a list change`);
    }
  }

  /** Returns the account's lists, reading QuickBooks only when none are stored or `refresh` is set. */
  async get(accountId: string, options: { refresh?: boolean } = {}): Promise<CompanyListsSnapshot> {
    if (options.refresh) {
      return this.reload(accountId, 'requested');
    }

    const remembered = this.memory.get(accountId);

    if (remembered && Date.now() - remembered.readAtMs < MEMORY_MILLISECONDS) {
      return remembered.lists;
    }

    const stored = await this.repository.find(accountId);

    if (stored) {
      this.remember(stored);

      return stored;
    }

    return this.reload(accountId, 'first use');
  }

  /** Reads the lists from QuickBooks and stores them; concurrent calls share one read. */
  reload(accountId: string, reason: string): Promise<CompanyListsSnapshot> {
    const running = this.loading.get(accountId);

    if (running) {
      return running;
    }

    const load = this.load(accountId, reason).finally(() => this.loading.delete(accountId));

    this.loading.set(accountId, load);

    return load;
  }

  /** Reloads the lists of every account connected to the realm. */
  async reloadRealm(realmId: string, reason: string): Promise<void> {
    const connections = await this.connections.findByRealmId(realmId);

    await Promise.all(
      connections.map((connection) =>
        this.reload(connection.accountId, reason).catch((error: unknown) =>
          this.logger.warn('Could not reload QuickBooks company lists', {
            accountId: connection.accountId,
            realmId,
            reason: (error as Error).message,
          }),
        ),
      ),
    );
  }

  /** Schedules one reload of the realm's lists for a burst of reports. */
  reloadRealmSoon(realmId: string, reason: string): void {
    if (this.pendingRealmReloads.has(realmId)) {
      return;
    }

    const timer = setTimeout(() => {
      this.pendingRealmReloads.delete(realmId);
      this.reloadRealm(realmId, reason).catch((error: unknown) =>
        this.logger.error('Could not reload the lists of a realm', error, { realmId, reason }),
      );
    }, RELOAD_DEBOUNCE_MILLISECONDS);

    timer.unref();
    this.pendingRealmReloads.set(realmId, timer);
  }

  /** Age after which the scheduled job reloads a snapshot. */
  get refreshIntervalMs(): number {
    return this.config.QBO_LISTS_REFRESH_MINUTES * 60_000;
  }

  private async load(accountId: string, reason: string): Promise<CompanyListsSnapshot> {
    const lists = await this.access.withConnection(accountId, (connection) =>
      readCompanyLists(this.client, connection),
    );

    await this.repository.save(lists);
    this.remember(lists);
    this.logger.info('Loaded QuickBooks company lists', {
      accountId,
      realmId: lists.realmId,
      reason,
      accounts: lists.accounts.length,
      taxCodes: lists.taxCodes.length,
    });

    return lists;
  }

  private remember(lists: CompanyListsSnapshot): void {
    this.memory.set(lists.accountId, { lists, readAtMs: Date.now() });
  }
}
