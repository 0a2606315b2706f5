import { Inject, Injectable } from '@nestjs/common';

import { SandboxClock } from '../../common/sandbox-clock';
import { type Company, type EntityName, type JsonObject } from '../company/company';
import { withEntityMeta } from '../company/entity-meta';
import { builderFor, isDeletable } from '../entities/entity-registry';
import { type EntityBuilder, type WriteContext } from '../entities/write-context';
import {
  invalidValueFault,
  objectNotFoundFault,
  requiredParamMissingFault,
  staleObjectFault,
  unsupportedOperationFault,
} from '../faults/qbo-fault';
import { XSD_CATALOGUE } from '../qbo.tokens';
import { assertKnownProperties } from '../schema/property-check';
import { type XsdCatalogue } from '../schema/xsd-catalogue';

/** Fields the server owns. Values for them in a request body are ignored. */
const SERVER_FIELDS = ['Id', 'SyncToken', 'MetaData', 'domain', 'sparse', 'status'];

export interface WriteOptions {
  /** The `operation` query parameter: absent or `update` to save, `delete` to delete. */
  operation?: string;
  include: ReadonlySet<string>;
}

/** Reads and writes entities of one company the way QBO's create, update and delete calls do. */
@Injectable()
export class EntityService {
  constructor(
    @Inject(XSD_CATALOGUE) private readonly catalogue: XsdCatalogue,
    private readonly clock: SandboxClock,
  ) {}

  /** Returns a stored object, or raises 610 Object Not Found (HTTP 400, as QBO responds). */
  read(company: Company, entity: EntityName, id: string): JsonObject {
    const object = company.get(entity, id);

    if (!object) {
      throw objectNotFoundFault('Id');
    }

    return object;
  }

  /** Creates, updates or deletes an object and returns the payload for the response envelope. */
  write(company: Company, entity: EntityName, body: unknown, options: WriteOptions): JsonObject {
    const input = requireObject(body);

    if (options.operation === 'delete') {
      return this.remove(company, entity, input);
    }

    if (options.operation !== undefined && options.operation !== 'update') {
      throw unsupportedOperationFault(`${options.operation} for ${entity}`);
    }

    const builder = builderFor(entity);

    if (!builder) {
      throw unsupportedOperationFault(`create or update for ${entity}`);
    }

    assertKnownProperties(this.catalogue, entity, input);
    const stored =
      input.Id === undefined
        ? this.create(company, builder, input, options)
        : this.update(company, builder, input, options);

    return { [entity]: stored };
  }

  private create(
    company: Company,
    builder: EntityBuilder,
    input: JsonObject,
    options: WriteOptions,
  ): JsonObject {
    const now = this.clock.now();
    const fields = builder.build(withoutServerFields(input), this.context(company, now, options));
    const stored = withEntityMeta(fields, company.allocateId(), 0, now);

    company.put(builder.entity, stored);

    return stored;
  }

  /**
   * Replaces an object. A sparse update (`sparse: true`) changes only the fields sent, while a full
   * update clears every writable field the request leaves out.
   */
  private update(
    company: Company,
    builder: EntityBuilder,
    input: JsonObject,
    options: WriteOptions,
  ): JsonObject {
    const existing = this.checkVersion(company, builder.entity, input);
    const changes = withoutServerFields(input);
    const merged =
      input.sparse === true ? { ...withoutServerFields(existing), ...changes } : changes;
    const now = this.clock.now();
    const fields = builder.build(merged, { ...this.context(company, now, options), existing });
    const stored = withEntityMeta(fields, String(existing.Id), Number(existing.SyncToken) + 1, now);

    stored.MetaData = {
      ...(stored.MetaData as JsonObject),
      CreateTime: (existing.MetaData as JsonObject).CreateTime,
    };
    company.put(builder.entity, stored);

    return stored;
  }

  private remove(company: Company, entity: EntityName, input: JsonObject): JsonObject {
    if (!isDeletable(entity)) {
      throw unsupportedOperationFault(`delete for ${entity}`);
    }

    const existing = this.checkVersion(company, entity, input);

    company.remove(entity, String(existing.Id), this.clock.now());

    return { [entity]: { domain: 'QBO', status: 'Deleted', Id: existing.Id } };
  }

  /** Finds the object an update or delete names and checks its SyncToken (5010 when stale). */
  private checkVersion(company: Company, entity: EntityName, input: JsonObject): JsonObject {
    if (input.Id === undefined || input.Id === null) {
      throw requiredParamMissingFault('Id');
    }

    if (input.SyncToken === undefined || input.SyncToken === null) {
      throw requiredParamMissingFault('SyncToken');
    }

    const existing = this.read(company, entity, String(input.Id));

    if (String(input.SyncToken) !== existing.SyncToken) {
      throw staleObjectFault();
    }

    return existing;
  }

  private context(company: Company, now: Date, options: WriteOptions): WriteContext {
    return { company, catalogue: this.catalogue, now, include: options.include };
  }
}

function requireObject(body: unknown): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidValueFault('body', body === undefined ? null : body, 'a JSON object');
  }

  return body as JsonObject;
}

function withoutServerFields(object: JsonObject): JsonObject {
  const copy = { ...object };

  for (const field of SERVER_FIELDS) {
    delete copy[field];
  }

  return copy;
}
