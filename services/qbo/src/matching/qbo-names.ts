/** QuickBooks Online's longest customer DisplayName and item Name, in characters. */
export const MAX_DISPLAY_NAME_LENGTH = 500;
export const MAX_ITEM_NAME_LENGTH = 100;

/**
 * Makes a name QuickBooks accepts: no colon (it separates parent and child names), tab or line
 * break, no ™ © ® signs, trimmed and cut to `maxLength`. The result depends only on the input, so
 * the next order with the same name matches the same entry.
 */
export function toQboName(name: string, maxLength: number): string {
  const cleaned = name
    .replace(/[™©®]/g, '')
    .replace(/[:\t\r\n]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

  // Cut between code points, so an emoji at the limit is dropped rather than halved.
  let cut = '';

  for (const character of cleaned) {
    if (cut.length + character.length > maxLength) {
      break;
    }

    cut += character;
  }

  return cut.trimEnd();
}
