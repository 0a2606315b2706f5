import { type Company, type EntityName, type JsonObject } from '../company/company';
import { type XsdCatalogue } from '../schema/xsd-catalogue';

/** Inputs an entity builder needs to validate a write and compute server-side fields. */
export interface WriteContext {
  company: Company;
  catalogue: XsdCatalogue;
  now: Date;
  /** Values of the `include` query parameter, such as `allowduplicatedocnum`. */
  include: ReadonlySet<string>;
  /** The stored object on update, undefined on create. */
  existing?: JsonObject;
}

/**
 * Validates one entity's request body and returns the fields to store, without Id, SyncToken,
 * MetaData, domain and sparse, which the write service adds.
 */
export interface EntityBuilder {
  readonly entity: EntityName;
  build(input: JsonObject, context: WriteContext): JsonObject;
}
