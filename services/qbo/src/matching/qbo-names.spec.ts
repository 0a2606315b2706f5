import { MAX_DISPLAY_NAME_LENGTH, MAX_ITEM_NAME_LENGTH, toQboName } from './qbo-names';

describe('toQboName', () => {
  describe('characters', () => {
    it('replaces a colon with a space', () => {
      expect(toQboName('Acme:Widgets', 100)).toBe('Acme Widgets');
    });

    it('collapses a colon between spaces', () => {
      expect(toQboName('Acme : Widgets', 100)).toBe('Acme Widgets');
    });

    it('removes trademark, copyright and registered signs', () => {
      expect(toQboName('Widget™ Pro® by Acme©', 100)).toBe('Widget Pro by Acme');
    });

    it('replaces tabs and line breaks with a space', () => {
      expect(toQboName('Blue\tWidget\r\nLarge', 100)).toBe('Blue Widget Large');
    });

    it('keeps other punctuation', () => {
      expect(toQboName("O'Brien & Sons, Ltd.", 100)).toBe("O'Brien & Sons, Ltd.");
    });

    it('keeps letters outside ASCII', () => {
      expect(toQboName('Café Müller', 100)).toBe('Café Müller');
    });
  });

  describe('whitespace', () => {
    it('collapses runs of spaces', () => {
      expect(toQboName('Blue    Widget', 100)).toBe('Blue Widget');
    });

    it('trims both ends', () => {
      expect(toQboName('  Blue Widget \n', 100)).toBe('Blue Widget');
    });

    it('returns an empty string for signs only', () => {
      expect(toQboName(' ™ ', 100)).toBe('');
    });
  });

  describe('length', () => {
    it('keeps a name at the limit', () => {
      expect(toQboName('a'.repeat(100), MAX_ITEM_NAME_LENGTH)).toHaveLength(100);
    });

    it('cuts a longer name to the limit', () => {
      expect(toQboName('a'.repeat(600), MAX_DISPLAY_NAME_LENGTH)).toHaveLength(500);
    });

    it('drops a space left at the cut', () => {
      expect(toQboName(`${'a'.repeat(9)} bcd`, 10)).toBe('a'.repeat(9));
    });

    it('counts length after cleaning', () => {
      expect(toQboName(`${'a'.repeat(5)}™™™™™bcde`, 9)).toBe('aaaaabcde');
    });

    it('never cuts through a surrogate pair', () => {
      expect(toQboName('a'.repeat(99) + '😀', 100)).toBe('a'.repeat(99));
    });

    it('keeps an emoji that fits', () => {
      expect(toQboName('a'.repeat(98) + '😀', 100)).toBe('a'.repeat(98) + '😀');
    });
  });

  describe('determinism', () => {
    it('returns the same name for the same input', () => {
      const name = ' Acme:™ Widgets\t';

      expect(toQboName(name, 100)).toBe(toQboName(name, 100));
    });

    it('returns a name that stays unchanged when cleaned again', () => {
      const once = toQboName(' Acme : Widgets™ \n Large ', 100);

      expect(toQboName(once, 100)).toBe(once);
    });
  });
});
