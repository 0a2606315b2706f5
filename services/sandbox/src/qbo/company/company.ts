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
  'CompanyInfo',
  'Preferences',
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
}

export const DEFAULT_SETTINGS: CompanySettings = {
  warnDuplicateDocNumber: false,
  multiCurrencyEnabled: false,
  requestsPerMinute: 0,
};

/** Counters shown by `GET /__sandbox/realms/:realmId/stats`. */
export interface RequestStats {
  /** Calls by entity name (or `query`) and HTTP method. */
  requests: Record<string, Record<string, number>>;
  totalRequests: number;
  injectedFaults: number;
  replayedResponses: number;
  throttledRequests: number;
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
  };

  readonly throttleWindow = { startMs: 0, count: 0 };
  defaults: CompanyDefaults = { undepositedFundsAccountId: '', discountAccountId: '' };

  private readonly objects = new Map<EntityName, Map<string, JsonObject>>();
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
    this.collection(entity).set(String(object.Id), object);
  }

  remove(entity: EntityName, id: string): boolean {
    return this.collection(entity).delete(id);
  }

  countObjects(): Record<string, number> {
    const counts: Record<string, number> = {};

    for (const [name, objects] of this.objects) {
      counts[name] = objects.size;
    }

    return counts;
  }

  private collection(entity: EntityName): Map<string, JsonObject> {
    const objects = this.objects.get(entity);

    if (!objects) {
      throw new Error(`Unknown entity ${entity}`);
    }

    return objects;
  }
}
