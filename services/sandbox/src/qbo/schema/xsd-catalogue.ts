import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import { XMLParser } from 'fast-xml-parser';

type XmlNode = Record<string, unknown>;

interface ComplexTypeDefinition {
  base?: string;
  /** Element and attribute names declared on the type itself, with their type names. */
  properties: Map<string, string | undefined>;
  groupRefs: string[];
  /** True for `xs:any` content, which accepts any property. */
  open: boolean;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  isArray: (_tagName, _jPath, _isLeafNode, isAttribute) => !isAttribute,
});

const loadedCatalogues = new Map<string, XsdCatalogue>();

/**
 * The property names that each QuickBooks entity type accepts, read from Intuit's XSD files.
 * JSON objects use the XSD element and attribute names as keys, and a type with simple content
 * (such as ReferenceType) carries its text as `value`. Inherited properties come from the chain of
 * `complexContent/extension` bases, so SalesReceipt includes SalesTransaction, Transaction and
 * IntuitEntity.
 */
export class XsdCatalogue {
  private readonly complexTypes = new Map<string, ComplexTypeDefinition>();
  private readonly groups = new Map<string, XmlNode>();
  private readonly enumerations = new Map<string, string[]>();
  private readonly resolved = new Map<string, ReadonlyMap<string, string | undefined> | null>();

  private constructor() {}

  /** Loads `schemaFile` and the files it includes. Catalogues are cached by absolute path. */
  static load(schemaFile: string): XsdCatalogue {
    const absolute = path.resolve(schemaFile);
    let catalogue = loadedCatalogues.get(absolute);

    if (!catalogue) {
      catalogue = new XsdCatalogue();
      catalogue.readSchema(absolute, new Set());
      loadedCatalogues.set(absolute, catalogue);
    }

    return catalogue;
  }

  hasComplexType(typeName: string): boolean {
    return this.complexTypes.has(typeName);
  }

  /**
   * Returns every property name of the type, own and inherited, mapped to its type name.
   * Returns undefined for unknown types and for open types (`xs:any`), which accept anything.
   */
  propertiesOf(typeName: string): ReadonlyMap<string, string | undefined> | undefined {
    if (!this.resolved.has(typeName)) {
      this.resolved.set(typeName, this.resolveProperties(typeName, new Set()));
    }

    return this.resolved.get(typeName) ?? undefined;
  }

  /** Returns the values of a simple type's enumeration, or undefined if it has none. */
  enumeration(simpleTypeName: string): readonly string[] | undefined {
    return this.enumerations.get(simpleTypeName);
  }

  private resolveProperties(
    typeName: string,
    visiting: Set<string>,
  ): Map<string, string | undefined> | null {
    const definition = this.complexTypes.get(typeName);

    if (!definition || definition.open || visiting.has(typeName)) {
      return null;
    }

    visiting.add(typeName);
    const properties = new Map<string, string | undefined>();

    if (definition.base) {
      const inherited = this.resolveProperties(definition.base, visiting);

      for (const [name, type] of inherited ?? []) {
        properties.set(name, type);
      }
    }

    for (const groupName of definition.groupRefs) {
      const group = this.groups.get(groupName);

      if (group) {
        const groupDefinition = emptyDefinition();

        collectParticles(group, groupDefinition, groupName, this);
        groupDefinition.properties.forEach((type, name) => properties.set(name, type));
      }
    }

    definition.properties.forEach((type, name) => properties.set(name, type));

    return properties;
  }

  private readSchema(file: string, visited: Set<string>): void {
    if (visited.has(file)) {
      return;
    }

    visited.add(file);
    const document = parser.parse(readFileSync(file, 'utf8')) as XmlNode;
    const schema = childNodes(document, 'schema')[0] ?? {};

    for (const include of childNodes(schema, 'include')) {
      const location = attribute(include, 'schemaLocation');

      if (location) {
        this.readSchema(path.resolve(path.dirname(file), location), visited);
      }
    }

    for (const node of childNodes(schema, 'complexType')) {
      this.registerComplexType(attribute(node, 'name') ?? '', node);
    }

    for (const node of childNodes(schema, 'simpleType')) {
      this.registerSimpleType(attribute(node, 'name') ?? '', node);
    }

    for (const node of childNodes(schema, 'group')) {
      this.groups.set(attribute(node, 'name') ?? '', node);
    }
  }

  /** Registers a named or inline complex type. Called back by collectParticles for inline ones. */
  registerComplexType(name: string, node: XmlNode): void {
    const definition = emptyDefinition();

    collectContent(node, definition, name, this);
    this.complexTypes.set(name, definition);
  }

  private registerSimpleType(name: string, node: XmlNode): void {
    const restriction = childNodes(node, 'restriction')[0];
    const values = childNodes(restriction ?? {}, 'enumeration')
      .map((item) => attribute(item, 'value'))
      .filter((value): value is string => value !== undefined);

    if (values.length > 0) {
      this.enumerations.set(name, values);
    }
  }
}

function emptyDefinition(): ComplexTypeDefinition {
  return { properties: new Map(), groupRefs: [], open: false };
}

/** Reads the content model of a complexType, or of an extension inside it. */
function collectContent(
  node: XmlNode,
  definition: ComplexTypeDefinition,
  ownerName: string,
  catalogue: XsdCatalogue,
): void {
  collectParticles(node, definition, ownerName, catalogue);
  collectAttributes(node, definition);
  for (const content of childNodes(node, 'complexContent')) {
    for (const extension of [
      ...childNodes(content, 'extension'),
      ...childNodes(content, 'restriction'),
    ]) {
      definition.base = localName(attribute(extension, 'base'));
      collectContent(extension, definition, ownerName, catalogue);
    }
  }

  for (const content of childNodes(node, 'simpleContent')) {
    for (const extension of childNodes(content, 'extension')) {
      definition.properties.set('value', localName(attribute(extension, 'base')));
      collectAttributes(extension, definition);
    }
  }
}

function collectAttributes(node: XmlNode, definition: ComplexTypeDefinition): void {
  for (const item of childNodes(node, 'attribute')) {
    const name = attribute(item, 'name');

    if (name) {
      definition.properties.set(name, localName(attribute(item, 'type')));
    }
  }
}

/** Reads elements from sequence, choice and all compositors, at any depth. */
function collectParticles(
  node: XmlNode,
  definition: ComplexTypeDefinition,
  ownerName: string,
  catalogue: XsdCatalogue,
): void {
  for (const element of childNodes(node, 'element')) {
    const name = attribute(element, 'name') ?? localName(attribute(element, 'ref'));

    if (!name) {
      continue;
    }

    let typeName = localName(attribute(element, 'type'));
    const inline = childNodes(element, 'complexType')[0];

    if (inline) {
      typeName = `${ownerName}.${name}`;
      catalogue.registerComplexType(typeName, inline);
    }

    definition.properties.set(name, typeName);
  }

  for (const compositor of ['sequence', 'choice', 'all']) {
    for (const child of childNodes(node, compositor)) {
      collectParticles(child, definition, ownerName, catalogue);
    }
  }

  for (const group of childNodes(node, 'group')) {
    const ref = localName(attribute(group, 'ref'));

    if (ref) {
      definition.groupRefs.push(ref);
    }
  }

  if (childNodes(node, 'any').length > 0) {
    definition.open = true;
  }
}

function childNodes(node: XmlNode, key: string): XmlNode[] {
  const value = node[key];

  if (!Array.isArray(value)) {
    return [];
  }

  return value.filter((item): item is XmlNode => typeof item === 'object' && item !== null);
}

function attribute(node: XmlNode, name: string): string | undefined {
  const value = node[`@_${name}`];

  return typeof value === 'string' ? value : undefined;
}

/**
 * Drops a namespace prefix from a type reference. XML Schema built-ins keep their `xs:` prefix,
 * so they never collide with Intuit's types.
 */
function localName(reference: string | undefined): string | undefined {
  if (!reference || reference.startsWith('xs:')) {
    return reference;
  }

  const colon = reference.indexOf(':');

  return colon === -1 ? reference : reference.slice(colon + 1);
}
