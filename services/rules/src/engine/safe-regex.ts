/** Maximum length of a `matches` pattern. */
export const MAX_PATTERN_LENGTH = 200;

/** Maximum length of a value `matches` tests; a longer field value does not match. */
export const MAX_MATCH_INPUT = 1_000;

/**
 * Upper bound on the backtracking paths a pattern may have, estimated as the product of every
 * quantifier's repeat range capped at MAX_MATCH_INPUT + 1. Two unbounded quantifiers fit (about
 * a million steps on a 1,000-character value, a few milliseconds); three do not.
 */
const MAX_BACKTRACKING_PATHS = (MAX_MATCH_INPUT + 1) ** 2;

export type SafeRegexResult = { ok: true; regex: RegExp } | { ok: false; error: string };

interface GroupState {
  hasQuantifier: boolean;
  hasAlternation: boolean;
}

/**
 * Checks a `matches` pattern and compiles it as a case-insensitive full match. JavaScript's
 * backtracking engine has no time limit, so patterns that can take exponential or high-polynomial
 * time are rejected up front. Rejected are backreferences, lookaround, a quantifier on a group that
 * contains a quantifier or an alternation (`(a+)+`, `(a|ab)*`), and quantifiers whose ranges
 * multiply past MAX_BACKTRACKING_PATHS. Where the pattern runs, inputs are bounded by
 * MAX_MATCH_INPUT.
 */
export function compileSafeRegex(pattern: string): SafeRegexResult {
  if (pattern.length === 0) {
    return { ok: false, error: 'the regular expression is empty' };
  }

  if (pattern.length > MAX_PATTERN_LENGTH) {
    return {
      ok: false,
      error: `the regular expression is ${pattern.length} characters long; the maximum is ${MAX_PATTERN_LENGTH}`,
    };
  }

  const structure = checkStructure(pattern);

  if (structure) {
    return { ok: false, error: structure };
  }

  try {
    return { ok: true, regex: new RegExp(`^(?:${pattern})$`, 'i') };
  } catch (error) {
    return {
      ok: false,
      error: `the regular expression is invalid: ${(error as Error).message}`,
    };
  }
}

function checkStructure(pattern: string): string | undefined {
  const groups: GroupState[] = [{ hasQuantifier: false, hasAlternation: false }];
  let paths = 1;
  let lastClosedGroup: GroupState | undefined;
  let index = 0;

  while (index < pattern.length) {
    const char = pattern[index]!;
    const current = groups[groups.length - 1]!;
    let closed: GroupState | undefined;

    if (char === '\\') {
      const next = pattern[index + 1] ?? '';

      if (/[1-9]/.test(next) || next === 'k') {
        return 'backreferences (\\1, \\k<name>) are not allowed because they can make matching take unbounded time';
      }

      index += 2;
    } else if (char === '[') {
      index = skipCharacterClass(pattern, index);
    } else if (char === '(') {
      const lookaround = /^\(\?(=|!|<=|<!)/.test(pattern.slice(index, index + 4));

      if (lookaround) {
        return 'lookahead and lookbehind are not allowed; match the text itself instead';
      }

      groups.push({ hasQuantifier: false, hasAlternation: false });
      index += 1;
    } else if (char === ')') {
      if (groups.length === 1) {
        return 'the regular expression has an unmatched ")"';
      }

      closed = groups.pop()!;
      const parent = groups[groups.length - 1]!;

      parent.hasQuantifier ||= closed.hasQuantifier;
      index += 1;
    } else if (char === '|') {
      current.hasAlternation = true;
      index += 1;
    } else if (char === '*' || char === '+' || char === '?' || char === '{') {
      const quantifier = readQuantifier(pattern, index);

      if (!quantifier) {
        index += 1;
        lastClosedGroup = undefined;
        continue;
      }

      // A group repeated more than once multiplies its inner choices with each repetition; an
      // optional group (`(a|b)?`) tries them only once, so it is allowed.
      const repeatsGroup = quantifier.max > 1;

      if (
        repeatsGroup &&
        lastClosedGroup &&
        (lastClosedGroup.hasQuantifier || lastClosedGroup.hasAlternation)
      ) {
        return 'a quantifier on a group that contains another quantifier or an alternation (such as (a+)+ or (a|b)*) is not allowed because it can make matching take exponential time';
      }

      current.hasQuantifier ||= quantifier.range > 1;
      paths *= Math.min(quantifier.range, MAX_MATCH_INPUT + 1);

      if (paths > MAX_BACKTRACKING_PATHS) {
        return 'the regular expression has too many repeating parts (at most two unbounded ones such as \\d+ or .*); simplify it';
      }

      index = quantifier.end;
    } else {
      index += 1;
    }

    lastClosedGroup = closed;
  }

  if (groups.length > 1) {
    return 'the regular expression has an unclosed "("';
  }

  return undefined;
}

function skipCharacterClass(pattern: string, start: number): number {
  let index = start + 1;

  if (pattern[index] === '^') {
    index += 1;
  }

  if (pattern[index] === ']') {
    index += 1;
  }

  while (index < pattern.length && pattern[index] !== ']') {
    index += pattern[index] === '\\' ? 2 : 1;
  }

  return index + 1;
}

/**
 * Reads a quantifier at `start`. `range` is how many repeat counts it allows and `max` the largest
 * count, both Infinity when open.
 */
function readQuantifier(
  pattern: string,
  start: number,
): { range: number; max: number; end: number } | null {
  const char = pattern[start];
  let range: number;
  let max: number;
  let end = start + 1;

  if (char === '*' || char === '+') {
    range = Infinity;
    max = Infinity;
  } else if (char === '?') {
    range = 2;
    max = 1;
  } else {
    const match = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(start));

    if (!match) {
      return null;
    }

    const min = Number(match[1]);

    max = min;

    if (match[2] !== undefined) {
      max = match[3] ? Number(match[3]) : Infinity;
    }

    range = max - min + 1;
    end = start + match[0].length;
  }

  // A lazy or possessive-looking suffix does not change the number of paths.
  if (pattern[end] === '?') {
    end += 1;
  }

  return { range, max, end };
}
