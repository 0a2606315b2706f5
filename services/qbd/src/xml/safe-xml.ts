import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** An XML document that cannot be accepted: malformed, too large, or carrying a DTD. */
export class UnsafeXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeXmlError';
  }
}

export interface ParseXmlOptions {
  /** Largest accepted document, in characters. */
  maxLength: number;
  /** Kind of document, for error messages ("SOAP request", "qbXML response"). */
  label: string;
  /** Returns true for element names that always parse as arrays, even when they occur once. */
  isArray?: (name: string) => boolean;
}

export type XmlNode = Record<string, unknown>;

/**
 * Parses XML into plain objects: attributes become `@_name` keys, text becomes `#text` where an
 * element also has attributes. A DOCTYPE or ENTITY declaration is rejected before parsing, so no
 * external entity is ever resolved and no entity can expand ("billion laughs"). Only the five
 * predefined entities and numeric character references are decoded.
 */
export function parseXml(xml: string, options: ParseXmlOptions): XmlNode {
  if (xml.length > options.maxLength) {
    throw new UnsafeXmlError(
      `${options.label} is ${xml.length} characters long, more than the ${options.maxLength} accepted`,
    );
  }

  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) {
    throw new UnsafeXmlError(
      `${options.label} contains a DOCTYPE or ENTITY declaration, which is not accepted`,
    );
  }

  const validation = XMLValidator.validate(xml, { allowBooleanAttributes: false });

  if (validation !== true) {
    const { msg, line, col } = validation.err;

    throw new UnsafeXmlError(
      `${options.label} is not well-formed XML: ${msg} (line ${line}, column ${col})`,
    );
  }

  const isArray = options.isArray;
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: true,
    htmlEntities: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    isArray: (name: string) => (isArray ? isArray(name) : false),
  });

  return parser.parse(xml) as XmlNode;
}

/** Returns the text of a parsed element: a string, or `#text` of an element with attributes. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') {
    return value;
  }

  if (value && typeof value === 'object' && '#text' in value) {
    const text = (value as XmlNode)['#text'];

    return typeof text === 'string' ? text : String(text);
  }

  return undefined;
}
