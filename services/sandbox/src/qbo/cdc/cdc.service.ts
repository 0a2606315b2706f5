import { Injectable } from '@nestjs/common';

import { formatQboDateTime } from '../../common/qbo-time';
import { SandboxClock } from '../../common/sandbox-clock';
import {
  type Company,
  ENTITY_NAMES,
  type EntityName,
  type JsonObject,
  lastUpdated,
} from '../company/company';
import {
  invalidQueryFault,
  invalidValueFault,
  requiredParamMissingFault,
} from '../faults/qbo-fault';

/** How far back `changedSince` may reach, as Intuit documents for the CDC operation. */
export const CDC_MAX_LOOKBACK_MS = 30 * 24 * 60 * 60 * 1000;

/** Objects returned per entity at most; Intuit caps a CDC response at 1,000 objects. */
export const CDC_MAX_OBJECTS = 1000;

/**
 * Runs change data capture, `GET /v3/company/:realmId/cdc?entities=...&changedSince=...`: the
 * objects of each named entity created or changed since the instant, oldest first, and the ones
 * deleted since, as `{Id, status: "Deleted"}` stubs.
 */
@Injectable()
export class CdcService {
  constructor(private readonly clock: SandboxClock) {}

  run(company: Company, entitiesParam: string, changedSinceParam: string): JsonObject {
    const entities = parseEntities(entitiesParam);
    const changedSince = this.parseChangedSince(changedSinceParam);
    const responses = entities.map((entity) => changesOf(company, entity, changedSince));

    return { CDCResponse: [{ QueryResponse: responses }] };
  }

  private parseChangedSince(value: string): Date {
    if (value === '') {
      throw requiredParamMissingFault('changedSince');
    }

    const parsed = Date.parse(value);

    if (Number.isNaN(parsed)) {
      throw invalidValueFault(
        'changedSince',
        value,
        'a date-time such as 2026-07-01T09:00:00-07:00',
      );
    }

    if (this.clock.nowMs() - parsed > CDC_MAX_LOOKBACK_MS) {
      throw invalidValueFault('changedSince', value, 'a date-time within the last 30 days');
    }

    // LastUpdatedTime has whole seconds, so the cut-off is rounded down to keep boundary changes.
    return new Date(Math.floor(parsed / 1000) * 1000);
  }
}

function parseEntities(value: string): EntityName[] {
  const names = value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);

  if (names.length === 0) {
    throw requiredParamMissingFault('entities');
  }

  return names.map((name) => {
    const entity = ENTITY_NAMES.find((candidate) => candidate.toLowerCase() === name.toLowerCase());

    if (!entity) {
      throw invalidQueryFault(`Entity ${name} is not supported by change data capture`);
    }

    return entity;
  });
}

function changesOf(company: Company, entity: EntityName, since: Date): JsonObject {
  const changed: JsonObject[] = company
    .list(entity)
    .filter((object) => lastUpdated(object).getTime() >= since.getTime());
  const deleted: JsonObject[] = company.deletedSince(entity, since).map((tombstone) => ({
    domain: 'QBO',
    status: 'Deleted',
    Id: tombstone.id,
    MetaData: { LastUpdatedTime: formatQboDateTime(tombstone.deletedAt) },
  }));
  const objects = [...changed, ...deleted]
    .sort((left, right) => lastUpdated(left).getTime() - lastUpdated(right).getTime())
    .slice(0, CDC_MAX_OBJECTS);

  if (objects.length === 0) {
    return {};
  }

  return {
    [entity]: objects,
    startPosition: 1,
    maxResults: objects.length,
    totalCount: objects.length,
  };
}
