import { type Address, minorToDecimal } from '@qbsync/contracts';

import { element, textElement } from '../xml/xml-writer';

/** Maximum lengths of qbXML 13.0 fields, from the length facets of qbxml130.xsd. */
export const QbxmlLimits = {
  itemName: 31,
  customerName: 41,
  refNumber: 11,
  addressLine: 41,
  city: 31,
  state: 21,
  postalCode: 13,
  country: 31,
  unitOfMeasure: 31,
  firstName: 25,
  lastName: 25,
  companyName: 41,
  phone: 21,
  email: 1023,
  memo: 4095,
  description: 4095,
} as const;

/** The qbXML version the service speaks unless the Web Connector reports an older QuickBooks. */
export const QBXML_VERSION = '13.0';

/** Formats minor units as a qbXML AMTTYPE or PRICETYPE, for example 1999 USD as "19.99". */
export function formatAmount(minor: number, currency: string): string {
  return minorToDecimal(minor, currency);
}

/** Cuts `value` to `maxLength` characters, counting code points as QuickBooks counts characters. */
export function fitLength(value: string, maxLength: number): string {
  const characters = Array.from(value);

  return characters.length <= maxLength ? value : characters.slice(0, maxLength).join('');
}

/** Renders `<RefName><FullName>name</FullName></RefName>`, or nothing for an absent name. */
export function fullNameRef(refName: string, fullName: string | undefined): string | undefined {
  return fullName ? element(refName, textElement('FullName', fullName)) : undefined;
}

/** Renders `<RefName><ListID>id</ListID></RefName>`. */
export function listIdRef(refName: string, listId: string | undefined): string | undefined {
  return listId ? element(refName, textElement('ListID', listId)) : undefined;
}

export interface FormattedAddress {
  lines: string[];
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
  /** What had to be cut to fit QuickBooks' field lengths, for an Info entry. */
  truncated: string[];
}

const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });

/**
 * Formats an address the way QuickBooks Desktop prints it: company; the person (after `Attn:`
 * when there is a company); the street lines; city, state and postal code in their own fields;
 * the country last as a full name. QuickBooks holds five lines of 41 characters, so an overlong
 * street line continues on a free line and only what still does not fit is cut.
 */
export function formatAddress(address: Address): FormattedAddress {
  const truncated: string[] = [];
  const company = clean(address.company);
  const person = clean(address.name);
  const candidates: string[] = [];

  if (company) {
    candidates.push(company);
  }

  if (person) {
    candidates.push(company ? `Attn: ${person}` : person);
  }

  for (const street of [clean(address.line1), clean(address.line2)]) {
    if (street) {
      candidates.push(...splitLine(street, QbxmlLimits.addressLine));
    }
  }

  const lines = candidates.slice(0, 5).map((line) => {
    if (Array.from(line).length > QbxmlLimits.addressLine) {
      truncated.push(line);
    }

    return fitLength(line, QbxmlLimits.addressLine);
  });

  if (candidates.length > 5) {
    truncated.push(...candidates.slice(5));
  }

  const field = (value: string | undefined, maxLength: number): string | undefined => {
    if (!value) {
      return undefined;
    }

    if (Array.from(value).length > maxLength) {
      truncated.push(value);
    }

    return fitLength(value, maxLength);
  };

  return {
    lines,
    city: field(clean(address.city), QbxmlLimits.city),
    state: field(clean(address.regionCode) ?? clean(address.region), QbxmlLimits.state),
    postalCode: field(clean(address.postalCode), QbxmlLimits.postalCode),
    country: field(countryName(address), QbxmlLimits.country),
    truncated,
  };
}

/** Renders an address element (`BillAddress`, `ShipAddress`, `Address`) in schema order. */
export function addressElement(name: string, address: Address | undefined): string | undefined {
  if (!address) {
    return undefined;
  }

  const formatted = formatAddress(address);
  const children = [
    ...formatted.lines.map((line, index) => textElement(`Addr${index + 1}`, line)),
    textElement('City', formatted.city),
    textElement('State', formatted.state),
    textElement('PostalCode', formatted.postalCode),
    textElement('Country', formatted.country),
  ];

  return children.some(Boolean) ? element(name, children) : undefined;
}

function countryName(address: Address): string | undefined {
  const code = clean(address.countryCode)?.toUpperCase();

  if (code && /^[A-Z]{2}$/.test(code)) {
    return countryNames.of(code) ?? clean(address.country);
  }

  return clean(address.country);
}

/** Splits a street line at a space so each part fits `maxLength`, when one line is too long. */
function splitLine(line: string, maxLength: number): string[] {
  if (Array.from(line).length <= maxLength) {
    return [line];
  }

  const cut = line.lastIndexOf(' ', maxLength);

  if (cut <= 0) {
    return [line];
  }

  return [line.slice(0, cut), ...splitLine(line.slice(cut + 1), maxLength)];
}

function clean(value: string | undefined): string | undefined {
  const cleaned = value?.replace(/\s+/g, ' ').trim();

  return cleaned ? cleaned : undefined;
}
