/**
 * Escapes text for an XML element or a double-quoted attribute. Characters outside ASCII become
 * numeric character references, because QuickBooks reads qbXML in the Windows code page unless
 * the declaration names another encoding, and a reference survives any encoding. Characters that
 * XML 1.0 forbids are dropped.
 */
export function escapeXml(value: string): string {
  let escaped = '';

  for (const character of value) {
    const codePoint = character.codePointAt(0) ?? 0;

    switch (character) {
      case '&':
        escaped += '&amp;';
        break;
      case '<':
        escaped += '&lt;';
        break;
      case '>':
        escaped += '&gt;';
        break;
      case '"':
        escaped += '&quot;';
        break;
      case "'":
        escaped += '&apos;';
        break;
      default:
        if (codePoint === 0x9 || codePoint === 0xa || codePoint === 0xd) {
          escaped += character;
        } else if (codePoint < 0x20 || (codePoint >= 0xfffe && codePoint <= 0xffff)) {
          // Not allowed in XML 1.0 at all, not even as a reference.
        } else if (codePoint > 0x7e) {
          escaped += `&#${codePoint};`;
        } else {
          escaped += character;
        }
    }
  }

  return escaped;
}

/** A child of an element: rendered XML, or undefined/false for an optional element left out. */
export type XmlChild = string | undefined | false | null;

/** Renders `<name attrs>children</name>`; optional children that are absent are skipped. */
export function element(
  name: string,
  children: XmlChild[] | XmlChild,
  attributes: Record<string, string | undefined> = {},
): string {
  const attributeText = Object.entries(attributes)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(value)}"`)
    .join('');
  const content = (Array.isArray(children) ? children : [children])
    .filter((child): child is string => typeof child === 'string')
    .join('');

  return `<${name}${attributeText}>${content}</${name}>`;
}

/** Renders an element with escaped text, or nothing when `value` is undefined or empty. */
export function textElement(
  name: string,
  value: string | number | boolean | undefined,
): string | undefined {
  if (value === undefined || value === '') {
    return undefined;
  }

  return `<${name}>${escapeXml(String(value))}</${name}>`;
}
