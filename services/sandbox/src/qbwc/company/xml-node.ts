import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** An XML element with its attributes and children in document order. */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

type OrderedNode = Record<string, unknown> & { ':@'?: Record<string, string> };

/** The input is not a qbXML message QuickBooks could parse (HRESULT 0x80040400 in QuickBooks). */
export class QbxmlParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QbxmlParseError';
  }
}

/**
 * Parses XML keeping element order, which qbXML depends on: QuickBooks processes the requests of
 * a message in order. DOCTYPE declarations are refused, as QuickBooks' own parser does not load
 * external entities either.
 */
export function parseOrdered(xml: string): XmlElement {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    throw new QbxmlParseError('DOCTYPE and ENTITY declarations are not accepted');
  }

  const validation = XMLValidator.validate(xml);

  if (validation !== true) {
    throw new QbxmlParseError(
      `not well-formed XML: ${validation.err.msg} (line ${validation.err.line}, column ${validation.err.col})`,
    );
  }

  const parser = new XMLParser({
    preserveOrder: true,
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    htmlEntities: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
  });
  const nodes = parser.parse(xml) as OrderedNode[];
  const roots = nodes.map(toElement).filter((node): node is XmlElement => node !== undefined);

  if (roots.length !== 1 || !roots[0]) {
    throw new QbxmlParseError('expected exactly one root element');
  }

  return roots[0];
}

function toElement(node: OrderedNode): XmlElement | undefined {
  const name = Object.keys(node).find((key) => key !== ':@' && key !== '#text');

  if (!name) {
    return undefined;
  }

  const content = node[name] as OrderedNode[];
  const children: XmlElement[] = [];
  let text = '';

  for (const child of content) {
    if ('#text' in child) {
      text += String(child['#text']);
    } else {
      const element = toElement(child);

      if (element) {
        children.push(element);
      }
    }
  }

  return { name, attributes: node[':@'] ?? {}, children, text };
}

export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((candidate) => candidate.name === name);
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((candidate) => candidate.name === name);
}

export function childText(element: XmlElement, name: string): string | undefined {
  const found = child(element, name);

  return found ? found.text : undefined;
}

/** Reads a reference element (`<CustomerRef><FullName>…</FullName></CustomerRef>`). */
export function refOf(
  element: XmlElement,
  name: string,
): { listId?: string; fullName?: string } | undefined {
  const ref = child(element, name);

  if (!ref) {
    return undefined;
  }

  return { listId: childText(ref, 'ListID'), fullName: childText(ref, 'FullName') };
}

/** Escapes text for XML content or attributes. */
export function escape(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Renders `<name>children</name>`, skipping undefined children. */
export function tag(name: string, ...children: Array<string | undefined>): string {
  return `<${name}>${children.filter((part) => part !== undefined).join('')}</${name}>`;
}

export function textTag(
  name: string,
  value: string | number | boolean | undefined,
): string | undefined {
  return value === undefined || value === ''
    ? undefined
    : `<${name}>${escape(String(value))}</${name}>`;
}
