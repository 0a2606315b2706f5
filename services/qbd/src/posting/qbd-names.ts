import { fitLength, QbxmlLimits } from '../qbxml/qbxml-fields';

/** Characters QuickBooks Desktop rejects in list names. */
const REJECTED_NAME_CHARACTERS = /[™©®\t\n\r]/g;

/**
 * Returns a QuickBooks item name for a SKU: rejected characters stripped and each `:` segment cut
 * to 31 characters, because the limit applies to the item's own name, not the full name with its
 * parents.
 */
export function itemNameForSku(sku: string): { name: string; cut: boolean } {
  const segments = sku
    .replace(REJECTED_NAME_CHARACTERS, '')
    .split(':')
    .map((segment) => segment.trim())
    .filter(Boolean);
  const fitted = segments.map((segment) => fitLength(segment, QbxmlLimits.itemName));
  const cut = fitted.some((segment, index) => segment !== segments[index]);

  return { name: fitted.join(':'), cut };
}

/** Returns a customer name cut to QuickBooks' 41 characters, with rejected characters stripped. */
export function customerNameFor(name: string): { name: string; cut: boolean } {
  const cleaned = name
    .replace(REJECTED_NAME_CHARACTERS, '')
    .replace(/:/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const fitted = fitLength(cleaned, QbxmlLimits.customerName);

  return { name: fitted, cut: fitted !== cleaned };
}

/** Splits `Parent:Child` into the leaf name an add request names and the parent's full name. */
export function splitFullName(fullName: string): { name: string; parentName?: string } {
  const index = fullName.lastIndexOf(':');

  return index < 0
    ? { name: fullName }
    : { name: fullName.slice(index + 1), parentName: fullName.slice(0, index) };
}
