/** Tokenizer of the QuickBooks Online query language. */

/** A syntax error, described the way QBO's parser reports it. */
export class QueryParseError extends Error {
  constructor(
    readonly found: string,
    readonly column: number,
    readonly expected: string,
  ) {
    super(`Encountered "${found}" at line 1, column ${column}. Was expecting: ${expected}`);
  }
}

export type TokenKind = 'word' | 'string' | 'number' | 'symbol' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  /** 1-based column of the token's first character. */
  column: number;
}

const SYMBOLS = ['<=', '>=', '=', '<', '>', '*', '(', ')', ','];

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let index = 0;

  while (index < text.length) {
    const char = text[index];

    if (/\s/.test(char)) {
      index += 1;
    } else if (char === "'") {
      const { value, end } = readString(text, index);

      tokens.push({ kind: 'string', text: value, column: index + 1 });
      index = end;
    } else {
      const token = readPlainToken(text, index);

      tokens.push(token);
      index += token.text.length;
    }
  }

  tokens.push({ kind: 'eof', text: '<EOF>', column: text.length + 1 });

  return tokens;
}

function readString(text: string, start: number): { value: string; end: number } {
  let value = '';
  let index = start + 1;

  while (index < text.length) {
    const char = text[index];

    if (char === '\\' && index + 1 < text.length) {
      value += text[index + 1];
      index += 2;
    } else if (char === "'") {
      return { value, end: index + 1 };
    } else {
      value += char;
      index += 1;
    }
  }

  throw new QueryParseError('<EOF>', text.length + 1, "a closing ' of the string");
}

function readPlainToken(text: string, index: number): Token {
  const rest = text.slice(index);
  const number = /^-?\d+(\.\d+)?/.exec(rest);

  if (number) {
    return { kind: 'number', text: number[0], column: index + 1 };
  }

  const word = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(rest);

  if (word) {
    return { kind: 'word', text: word[0], column: index + 1 };
  }

  const symbol = SYMBOLS.find((candidate) => rest.startsWith(candidate));

  if (symbol) {
    return { kind: 'symbol', text: symbol, column: index + 1 };
  }

  throw new QueryParseError(rest[0], index + 1, 'a field, value or keyword');
}
