import { unsupportedPropertyFault } from '../faults/qbo-fault';
import { type XsdCatalogue } from './xsd-catalogue';

export interface UnknownProperty {
  /** The XSD type that does not define the property. */
  typeName: string;
  property: string;
  /** Dotted path from the entity root, with array indexes, such as `Line[1].SalesItemLineDetail.Quantity`. */
  path: string;
}

/**
 * Finds the first property of `value` that its XSD type does not define, descending into
 * nested objects and arrays whose element type is a known complex type.
 */
export function findUnknownProperty(
  catalogue: XsdCatalogue,
  typeName: string,
  value: unknown,
  pathPrefix = '',
): UnknownProperty | undefined {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnknownProperty(catalogue, typeName, item, `${pathPrefix}[${index}]`);

      if (found) {
        return found;
      }
    }

    return undefined;
  }

  const properties = catalogue.propertiesOf(typeName);

  if (!properties || typeof value !== 'object' || value === null) {
    return undefined;
  }

  for (const [property, child] of Object.entries(value)) {
    const path = pathPrefix ? `${pathPrefix}.${property}` : property;

    if (!properties.has(property)) {
      return { typeName, property, path };
    }

    const childType = properties.get(property);
    const found = childType ? findUnknownProperty(catalogue, childType, child, path) : undefined;

    if (found) {
      return found;
    }
  }

  return undefined;
}

/** Throws the 2010 ValidationFault QBO returns for a property the entity does not define. */
export function assertKnownProperties(
  catalogue: XsdCatalogue,
  entity: string,
  body: unknown,
): void {
  const unknown = findUnknownProperty(catalogue, entity, body);

  if (unknown) {
    throw unsupportedPropertyFault(unknown.typeName, unknown.property, unknown.path);
  }
}
