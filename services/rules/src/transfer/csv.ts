/** A parsed CSV record with the 1-based line it starts on, for error messages. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * Parses RFC 4180 CSV: comma separated, fields optionally in double quotes, `""` for a quote
 * inside a quoted field, CRLF or LF line ends. Blank lines are skipped. A UTF-8 byte order mark,
 * which spreadsheet programs often write, is ignored.
 */
export function parseCsv(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let recordLine = 1;

  const endRecord = (): void => {
    cells.push(cell);

    if (cells.length > 1 || cells[0]!.trim() !== '') {
      records.push({ line: recordLine, cells });
    }

    cells = [];
    cell = '';
    afterQuote = false;
  };

  for (let index = 0; index < input.length; index += 1) {
    const char = input[index]!;

    if (quoted) {
      if (char === '"') {
        if (input[index + 1] === '"') {
          cell += '"';
          index += 1;
        } else {
          quoted = false;
          afterQuote = true;
        }
      } else {
        if (char === '\n') {
          line += 1;
        }

        cell += char;
      }

      continue;
    }

    if (char === '"') {
      if (cell.trim() !== '' || afterQuote) {
        throw new CsvSyntaxError(
          line,
          'a quote appears inside an unquoted field; quote the whole field',
        );
      }

      cell = '';
      quoted = true;
    } else if (char === ',') {
      cells.push(cell);
      cell = '';
      afterQuote = false;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && input[index + 1] === '\n') {
        index += 1;
      }

      endRecord();
      line += 1;
      recordLine = line;
    } else if (afterQuote) {
      if (char.trim() !== '') {
        throw new CsvSyntaxError(
          line,
          'text follows a closing quote; put a comma after the quoted field',
        );
      }
    } else {
      cell += char;
    }
  }

  if (quoted) {
    throw new CsvSyntaxError(recordLine, 'a quoted field is not closed');
  }

  if (cell !== '' || cells.length > 0) {
    endRecord();
  }

  return records;
}

function escapeCell(value: string): string {
  return /[",\r\n]/.test(value) || value !== value.trim()
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}

/** Writes rows as CSV with CRLF line ends, quoting only the cells that need it. */
export function writeCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => row.map(escapeCell).join(',')).join('\r\n') + '\r\n';
}
