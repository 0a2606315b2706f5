import { compileSafeRegex, MAX_PATTERN_LENGTH } from './safe-regex';

describe(compileSafeRegex.name, () => {
  it.each([
    ['^AMZ-\\d+-[A-Z]+$'],
    ['hw-\\d{1,4}'],
    ['(abc)+x'],
    ['(?:SKU|ITEM)-\\d+'],
    ['[a-z]*'],
    ['\\(literal\\)+'],
    ['a{2}b{3}c{4}'],
    ['(?:a|b)?c'],
    ['(\\d+)?x'],
  ])('accepts %s', (pattern) => {
    expect(compileSafeRegex(pattern).ok).toBe(true);
  });

  it.each([
    ['(a+)+$', /quantifier on a group that contains another quantifier/],
    ['(a|aa)*', /quantifier on a group that contains another quantifier or an alternation/],
    ['((ab)*c)+', /quantifier on a group/],
    ['(a+){50}', /quantifier on a group/],
    ['(a)\\1', /backreferences/],
    ['(?<x>a)\\k<x>', /backreferences/],
    ['a(?=b)', /lookahead and lookbehind/],
    ['(?<!a)b', /lookahead and lookbehind/],
    ['\\d*\\d*\\d*x', /too many repeating parts/],
    ['(abc', /unclosed/],
    ['abc)', /unmatched/],
    ['[', /invalid/],
    ['', /empty/],
  ])('rejects %s', (pattern, message) => {
    const result = compileSafeRegex(pattern);

    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(message);
  });

  it('rejects a pattern over the length limit', () => {
    const result = compileSafeRegex('a'.repeat(MAX_PATTERN_LENGTH + 1));

    expect(result.ok ? '' : result.error).toMatch(/maximum is 200/);
  });

  it('matches the whole value case-insensitively', () => {
    const result = compileSafeRegex('hw-\\d+');
    const regex = result.ok ? result.regex : /never/;

    expect(regex.test('HW-12')).toBe(true);
    expect(regex.test('xHW-12')).toBe(false);
  });

  it('keeps an alternation inside the full match', () => {
    const result = compileSafeRegex('a|b');
    const regex = result.ok ? result.regex : /never/;

    expect(regex.test('ab')).toBe(false);
    expect(regex.test('b')).toBe(true);
  });
});
