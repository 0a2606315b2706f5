import { type Company, type EntityName, type JsonObject } from '../company/company';
import { CURRENCY_NAMES, HOME_CURRENCY, homeCurrencyRef } from '../company/currencies';
import { referenceTo } from '../company/entity-meta';
import {
  businessValidationFault,
  invalidEnumerationFault,
  invalidReferenceFault,
  invalidValueFault,
  objectNotFoundFault,
  requiredParamMissingFault,
  stringLengthFault,
} from '../faults/qbo-fault';
import { type XsdCatalogue } from '../schema/xsd-catalogue';
import { type Decimal, parseDecimal } from './decimal';

/** Reads an optional string element, checking its type and maximum length. */
export function optionalString(
  input: JsonObject,
  element: string,
  maxLength?: number,
  path = element,
): string | undefined {
  const value = input[element];

  if (value === undefined || value === null) {
    return undefined;
  }

  if (typeof value !== 'string') {
    throw invalidValueFault(path, value, 'a string');
  }

  if (maxLength !== undefined && value.length > maxLength) {
    throw stringLengthFault(path, maxLength, value.length);
  }

  return value;
}

/** Reads a string element that must be present and not blank. */
export function requiredString(input: JsonObject, element: string, maxLength?: number): string {
  const value = optionalString(input, element, maxLength);

  if (value === undefined || value.trim() === '') {
    throw requiredParamMissingFault(element);
  }

  return value;
}

export function optionalBoolean(
  input: JsonObject,
  element: string,
  path = element,
): boolean | undefined {
  const value = input[element];

  if (value === undefined || value === null) {
    return undefined;
  }

  if (typeof value !== 'boolean') {
    throw invalidValueFault(path, value, 'true or false');
  }

  return value;
}

export function optionalDecimal(
  input: JsonObject,
  element: string,
  path = element,
): Decimal | undefined {
  const value = input[element];

  if (value === undefined || value === null) {
    return undefined;
  }

  const parsed = parseDecimal(value);

  if (!parsed) {
    throw invalidValueFault(path, value, 'a decimal number');
  }

  return parsed;
}

const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** Reads an `xs:date` element (`YYYY-MM-DD`). */
export function optionalDate(
  input: JsonObject,
  element: string,
  path = element,
): string | undefined {
  const value = optionalString(input, element, undefined, path);

  if (value !== undefined && (!datePattern.test(value) || Number.isNaN(Date.parse(value)))) {
    throw invalidValueFault(path, value, 'a date in the form YYYY-MM-DD');
  }

  return value;
}

/** Checks a value against an enumeration of the XSD, raising 2170 Invalid Enumeration. */
export function checkEnumeration(
  catalogue: XsdCatalogue,
  enumeration: string,
  element: string,
  value: string,
): void {
  const allowed = catalogue.enumeration(enumeration);

  if (allowed && !allowed.includes(value)) {
    throw invalidEnumerationFault(element, value);
  }
}

/** Returns the Id in a ReferenceType (`{value, name}`), or undefined when the element is absent. */
export function referenceId(
  input: JsonObject,
  element: string,
  path = element,
): string | undefined {
  const reference = input[element];

  if (reference === undefined || reference === null) {
    return undefined;
  }

  const value = typeof reference === 'object' ? (reference as JsonObject).value : undefined;

  if (typeof value !== 'string' && typeof value !== 'number') {
    throw requiredParamMissingFault(`${path}.value`);
  }

  return String(value);
}

/**
 * Looks up a referenced object. Raises 2500 Invalid Reference Id when it does not exist and 610
 * Object Not Found when it was made inactive, as QBO does.
 */
export function resolveReference(
  company: Company,
  entity: EntityName,
  id: string,
  element: string,
): JsonObject {
  const target = company.get(entity, id);

  if (!target) {
    throw invalidReferenceFault(element, entity, id);
  }

  if (target.Active === false) {
    throw objectNotFoundFault(element);
  }

  return target;
}

/** Resolves an optional reference element and returns it as `{value, name}` with the name filled. */
export function optionalReference(
  input: JsonObject,
  company: Company,
  entity: EntityName,
  element: string,
  path = element,
): { value: string; name?: string } | undefined {
  const id = referenceId(input, element, path);

  if (id === undefined) {
    return undefined;
  }

  const target = resolveReference(company, entity, id, path);

  return referenceTo(id, displayNameOf(entity, target));
}

export function requiredReference(
  input: JsonObject,
  company: Company,
  entity: EntityName,
  element: string,
): { value: string; name?: string } {
  const reference = optionalReference(input, company, entity, element);

  if (!reference) {
    throw requiredParamMissingFault(element);
  }

  return reference;
}

/** Returns the name QBO copies into `ref.name` for the entity. */
export function displayNameOf(entity: EntityName, object: JsonObject): unknown {
  if (entity === 'Customer') {
    return object.DisplayName;
  }

  if (entity === 'Account' || entity === 'Item') {
    return object.FullyQualifiedName ?? object.Name;
  }

  return object.Name;
}

/** Compares two list names for uniqueness, trimmed and case-insensitively. */
export function sameName(left: unknown, right: string): boolean {
  return typeof left === 'string' && left.trim().toLowerCase() === right.trim().toLowerCase();
}

/**
 * Resolves CurrencyRef. An unknown code is an invalid reference (2500), and a foreign currency
 * while multicurrency is off is a business validation error (6000).
 */
export function resolveCurrency(
  input: JsonObject,
  company: Company,
): { value: string; name: string } {
  const code = referenceId(input, 'CurrencyRef');

  if (code === undefined || code === HOME_CURRENCY) {
    return homeCurrencyRef();
  }

  const name = CURRENCY_NAMES[code];

  if (!name) {
    throw invalidReferenceFault('CurrencyRef', 'Currency', code);
  }

  if (!company.settings.multiCurrencyEnabled) {
    throw businessValidationFault(
      `Multicurrency is off for this company, so CurrencyRef must be ${HOME_CURRENCY}, not ${code}.`,
      'CurrencyRef',
    );
  }

  return { value: code, name };
}
