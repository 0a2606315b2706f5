import { type ApiResponse } from '../api/api-outcome';

export type JsonObject = Record<string, unknown>;

/** The entities the sandbox stores. Their names are the XSD complexType names. */
export const ENTITY_NAMES = [
  'Customer',
  'Item',
  'Account',
  'TaxCode',
  'TaxRate',
  'SalesReceipt',
  'Invoice',
  'Payment',
  'Estimate',
  'RefundReceipt',
  'CreditMemo',
  'Deposit',
  'CompanyInfo',
  'Preferences',
  'Class',
  'Department',
  'PaymentMethod',
  'Term',
  'CompanyCurrency',
] as const;

export type EntityName = (typeof ENTITY_NAMES)[number];

/** Company behaviour that QBO controls through settings the API cannot change. */
export interface CompanySettings {
  /** Rejects a SalesReceipt whose DocNumber another one uses, like "Warn if duplicate number". */
  warnDuplicateDocNumber: boolean;
  /** Allows a CurrencyRef other than the home currency. */
  multiCurrencyEnabled: boolean;
  /** Requests a realm may make per minute before 429 ThrottleExceeded, or 0 for no limit. QBO's
   * production limit is 500 per realm. */
  requestsPerMinute: number;
  /** Requests per second per realm, or 0 for no limit. QBO's production limit is 10. */
  requestsPerSecond: number;
  /** Requests of one realm in progress at once, or 0 for no limit. QBO's production limit is 10. */
  concurrentRequests: number;
  /** Batch calls per minute per realm, or 0 for no limit. QBO's production limit is 40. */
  batchesPerMinute: number;
}

export const DEFAULT_SETTINGS: CompanySettings = {
  warnDuplicateDocNumber: false,
  multiCurrencyEnabled: false,
  requestsPerMinute: 0,
  requestsPerSecond: 0,
  concurrentRequests: 0,
  batchesPerMinute: 0,
};

/** The limits Intuit applies to each realm and app in production. */
export const INTUIT_LIMITS: Pick<
  CompanySettings,
  'requestsPerMinute' | 'requestsPerSecond' | 'concurrentRequests' | 'batchesPerMinute'
> = {
  requestsPerMinute: 500,
  requestsPerSecond: 10,
  concurrentRequests: 10,
  batchesPerMinute: 40,
};

/** A create, update or delete of one stored object, as webhooks and change data capture see it. */
export interface EntityChange {
  realmId: string;
  entity: EntityName;
  id: string;
  operation: 'Create' | 'Update' | 'Delete';
  /** Time of the change on the sandbox clock. */
  changedAt: Date;
}

/** An object removed by `operation=delete`, kept so that change data capture can report it. */
export interface Tombstone {
  id: string;
  deletedAt: Date;
}

/** Counters shown by `GET /__sandbox/realms/:realmId/stats`. */
export interface RequestStats {
  /** Calls by entity name (or `query`) and HTTP method. */
  requests: Record<string, Record<string, number>>;
  totalRequests: number;
  injectedFaults: number;
  replayedResponses: number;
  throttledRequests: number;
  /** Throttled calls by the limit they broke, such as `requests-per-second`. */
  throttledByLimit: Record<string, number>;
}

export interface StoredResponse {
  response: ApiResponse;
  storedAtMs: number;
}

/** Ids of seeded objects that transactions use as defaults. */
export interface CompanyDefaults {
  undepositedFundsAccountId: string;
  discountAccountId: string;
}

/** One QuickBooks company (realm) held in memory. */
export class Company {
  readonly settings: CompanySettings = { ...DEFAULT_SETTINGS };
  /** Responses to writes by `requestid`, replayed when a client retries with the same id. */
  readonly requestLog = new Map<string, StoredResponse>();
  readonly stats: RequestStats = {
    requests: {},
    totalRequests: 0,
    injectedFaults: 0,
    replayedResponses: 0,
    throttledRequests: 0,
    throttledByLimit: {},
  };

  /** Arrival times of recent requests and batch calls, and the calls in progress, for the limits. */
  readonly traffic = {
    requestTimesMs: [] as number[],
    batchTimesMs: [] as number[],
    inFlight: 0,
    throttleFaults: 0,
  };

  /** Called after every change of a stored object; the webhook sender listens here. */
  onChange?: (change: EntityChange) => void;
  defaults: CompanyDefaults = { undepositedFundsAccountId: '', discountAccountId: '' };

  private readonly objects = new Map<EntityName, Map<string, JsonObject>>();
  private readonly tombstones = new Map<EntityName, Tombstone[]>();
  private nextId = 1;
  private nextDocNumber = 1001;

  constructor(readonly realmId: string) {
    for (const name of ENTITY_NAMES) {
      this.objects.set(name, new Map());
    }
  }

  /** Returns the next Id. The sandbox keeps one counter per company, so Ids are unique across entities. */
  allocateId(): string {
    return String(this.nextId++);
  }

  /** Returns the next automatic DocNumber for a sales transaction. */
  allocateDocNumber(): string {
    return String(this.nextDocNumber++);
  }

  get(entity: EntityName, id: string): JsonObject | undefined {
    return this.collection(entity).get(id);
  }

  list(entity: EntityName): JsonObject[] {
    return [...this.collection(entity).values()];
  }

  find(entity: EntityName, predicate: (object: JsonObject) => boolean): JsonObject | undefined {
    for (const object of this.collection(entity).values()) {
      if (predicate(object)) {
        return object;
      }
    }

    return undefined;
  }

  /** Stores an object under its `Id`, replacing any earlier version. */
  put(entity: EntityName, object: JsonObject): void {
    const objects = this.collection(entity);
    const id = String(object.Id);
    const operation = objects.has(id) ? 'Update' : 'Create';

    objects.set(id, object);
    this.notify(entity, id, operation, lastUpdated(object));
  }

  /** Removes an object and keeps a tombstone with the time of `deletedAt`. */
  remove(entity: EntityName, id: string, deletedAt: Date = new Date()): boolean {
    const removed = this.collection(entity).delete(id);

    if (removed) {
      const tombstones = this.tombstones.get(entity) ?? [];

      tombstones.push({ id, deletedAt });
      this.tombstones.set(entity, tombstones);
      this.notify(entity, id, 'Delete', deletedAt);
    }

    return removed;
  }

  deletedSince(entity: EntityName, since: Date): Tombstone[] {
    return (this.tombstones.get(entity) ?? []).filter(
      (tombstone) => tombstone.deletedAt.getTime() >= since.getTime(),
    );
  }

  countObjects(): Record<string, number> {
    const counts: Record<string, number> = {};

    for (const [name, objects] of this.objects) {
      counts[name] = objects.size;
    }

    return counts;
  }

  private notify(
    entity: EntityName,
    id: string,
    operation: EntityChange['operation'],
    changedAt: Date,
  ): void {
    this.onChange?.({ realmId: this.realmId, entity, id, operation, changedAt });
  }

  private collection(entity: EntityName): Map<string, JsonObject> {
    const objects = this.objects.get(entity);

    if (!objects) {
      throw new Error(`Unknown entity ${entity}`);
    }

    return objects;
  }
}

/** Reads `MetaData.LastUpdatedTime`, the time QBO reports for an object's latest change. */
export function lastUpdated(object: JsonObject): Date {
  const metaData = object.MetaData as { LastUpdatedTime?: string } | undefined;
  const parsed = metaData?.LastUpdatedTime ? Date.parse(metaData.LastUpdatedTime) : NaN;

  return Number.isNaN(parsed) ? new Date() : new Date(parsed);
}
