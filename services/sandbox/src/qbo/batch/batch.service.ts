import { Injectable, Logger } from '@nestjs/common';

import { type Company, type JsonObject } from '../company/company';
import { EntityService } from '../api/entity.service';
import { entityForPath } from '../entities/entity-registry';
import { FaultInjector } from '../faults/fault-injector.service';
import {
  batchTooLargeFault,
  invalidValueFault,
  QboFault,
  requiredParamMissingFault,
  unsupportedOperationFault,
} from '../faults/qbo-fault';
import { QueryService } from '../query/query.service';

/** Intuit's maximum number of operations in one batch call. */
export const MAX_BATCH_ITEMS = 30;

const OPERATIONS = new Set(['create', 'update', 'delete']);

/** Keys of a batch item that are not the entity body. */
const ITEM_CONTROL_KEYS = new Set(['bId', 'operation', 'optionsData']);

/**
 * Runs `POST /v3/company/:realmId/batch`: up to 30 creates, updates, deletes and queries, each
 * with its own response under the `bId` the client chose. A failing item gets a `Fault` in its own
 * response entry and the call still returns HTTP 200, as QBO does.
 */
@Injectable()
export class BatchService {
  private readonly logger = new Logger(BatchService.name);

  constructor(
    private readonly entities: EntityService,
    private readonly queries: QueryService,
    private readonly faults: FaultInjector,
  ) {}

  run(company: Company, body: unknown): JsonObject {
    const items = readItems(body);
    const responses = items.map((item) => this.runItem(company, item));

    return { BatchItemResponse: responses };
  }

  private runItem(company: Company, item: JsonObject): JsonObject {
    const bId = String(item.bId);

    try {
      this.takeInjectedFault(company, item);
      if (typeof item.Query === 'string') {
        return { bId, ...this.queries.run(company, item.Query) };
      }

      return { bId, ...this.writeItem(company, item) };
    } catch (error) {
      if (!(error instanceof QboFault)) {
        throw error;
      }

      return { bId, Fault: { Error: error.errors, type: error.type } };
    }
  }

  private writeItem(company: Company, item: JsonObject): JsonObject {
    const operation = typeof item.operation === 'string' ? item.operation : '';

    if (!OPERATIONS.has(operation)) {
      throw invalidValueFault('operation', item.operation ?? null, 'create, update or delete');
    }

    const entityKeys = Object.keys(item).filter((key) => !ITEM_CONTROL_KEYS.has(key));

    if (entityKeys.length !== 1) {
      throw requiredParamMissingFault('an entity object (for example Customer) or Query');
    }

    const entity = entityForPath(entityKeys[0]);

    if (!entity) {
      throw unsupportedOperationFault(`${operation} of ${entityKeys[0]} in a batch`);
    }

    return this.entities.write(company, entity, item[entityKeys[0]], {
      operation: operation === 'create' ? undefined : operation,
      include: new Set(),
    });
  }

  /** Faults queued with method `BATCH` apply to single items of a batch, not the whole call. */
  private takeInjectedFault(company: Company, item: JsonObject): void {
    const entity =
      typeof item.Query === 'string'
        ? 'query'
        : (Object.keys(item).find((key) => !ITEM_CONTROL_KEYS.has(key)) ?? '');
    const rule = this.faults.take(company.realmId, 'BATCH', entity);

    if (!rule) {
      return;
    }

    company.stats.injectedFaults += 1;
    this.logger.log({
      message: 'Injected batch item fault',
      realmId: company.realmId,
      bId: item.bId,
    });
    throw new QboFault(rule.status, rule.status >= 500 ? 'SystemFault' : 'ValidationFault', [
      {
        code: rule.code ?? (rule.status >= 500 ? '10000' : '6000'),
        Message:
          rule.message ?? 'A business validation error has occurred while processing your request',
        Detail: rule.detail ?? 'Injected by the sandbox fault injector.',
      },
    ]);
  }
}

/** Checks the envelope: a `BatchItemRequest` array of 1 to 30 objects with distinct `bId`s. */
function readItems(body: unknown): JsonObject[] {
  const items = (body as { BatchItemRequest?: unknown } | null)?.BatchItemRequest;

  if (!Array.isArray(items) || items.length === 0) {
    throw requiredParamMissingFault('BatchItemRequest');
  }

  if (items.length > MAX_BATCH_ITEMS) {
    throw batchTooLargeFault(items.length, MAX_BATCH_ITEMS);
  }

  const seen = new Set<string>();

  for (const item of items) {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw invalidValueFault('BatchItemRequest', item, 'an object with bId');
    }

    const bId = (item as JsonObject).bId;

    if (typeof bId !== 'string' || bId === '' || seen.has(bId)) {
      throw invalidValueFault('bId', bId ?? null, 'a non-empty bId unique within the batch');
    }

    seen.add(bId);
  }

  return items as JsonObject[];
}
