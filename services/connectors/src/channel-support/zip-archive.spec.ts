import { crc32, deflateRawSync } from 'node:zlib';

import { readZipArchive, ZipArchiveError } from './zip-archive';

/**
 * Written by Python 3's zipfile: a directory entry, a deflate CSV, a stored text file and an
 * archive comment. It checks the reader against a writer other than the one below.
 */
const PYTHON_ARCHIVE = Buffer.from(
  'UEsDBBQAAAAAAAAAIQAAAAAAAAAAAAAAAAAIAAAAcmVwb3J0cy9QSwMEFAAAAAgAq6qEXaCz87cvAAAAQAAAAB4AAAByZXBvcnRzL1JlY29uRmlsZV8wMzE0MjAyNC5jc3YLT8zJTSwq0UvOz1UI8FdQ1nHMzS/NK+EyNLc0MzI3N7AwNjAy0jEx1zM1xCoGAFBLAwQUAAAAAACrqoRdxqkelQwAAAAMAAAACgAAAFJFQURNRS50eHRzdG9yZWQgZW50cnlQSwECFAMUAAAAAAAAACEAAAAAAAAAAAAAAAAACAAAAAAAAAAAAAAAgAEAAAAAcmVwb3J0cy9QSwECFAMUAAAACACrqoRdoLPzty8AAABAAAAAHgAAAAAAAAAAAAAAgAEmAAAAcmVwb3J0cy9SZWNvbkZpbGVfMDMxNDIwMjQuY3N2UEsBAhQDFAAAAAAAq6qEXcapHpUMAAAADAAAAAoAAAAAAAAAAAAAAIABkQAAAFJFQURNRS50eHRQSwUGAAAAAAMAAwC6AAAAxQAAABkAd3JpdHRlbiBieSBQeXRob24gemlwZmlsZQ==',
  'base64',
);

interface TestEntry {
  name: string;
  content: Buffer;
  method?: number;
  flags?: number;
  /** Overrides the recorded uncompressed size, to build inconsistent archives. */
  recordedSize?: number;
  /** Overrides the recorded CRC-32. */
  recordedCrc?: number;
  /** Replaces the compressed bytes. */
  data?: Buffer;
}

/** Builds an archive entry by entry, so each test can break one field. */
function buildArchive(entries: TestEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;

  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const method = entry.method ?? 8;
    const data = entry.data ?? (method === 8 ? deflateRawSync(entry.content) : entry.content);
    const crc = entry.recordedCrc ?? crc32(entry.content);
    const size = entry.recordedSize ?? entry.content.length;
    const local = Buffer.alloc(30);

    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(entry.flags ?? 0, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);

    const central = Buffer.alloc(46);

    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(entry.flags ?? 0, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);

    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }

  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);

  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);

  return Buffer.concat([...locals, directory, end]);
}

const CSV = Buffer.from('Walmart.com PO #,Amount\n1796277083022,47.51\n', 'utf8');

function readError(archive: Buffer, limits = {}): ZipArchiveError {
  try {
    readZipArchive(archive, limits);
  } catch (error) {
    if (error instanceof ZipArchiveError) {
      return error;
    }

    throw error;
  }

  throw new Error('readZipArchive accepted the archive');
}

describe('readZipArchive', () => {
  it('reads an archive written by Python', () => {
    const entries = readZipArchive(PYTHON_ARCHIVE);

    expect(entries.map((entry) => entry.name)).toEqual([
      'reports/ReconFile_03142024.csv',
      'README.txt',
    ]);
    expect(entries[0].data.toString('utf8')).toBe(
      'Walmart.com PO #,Amount\n1796277083022,47.51\n1796277083022,47.51\n',
    );
    expect(entries[1].data.toString('utf8')).toBe('stored entry');
  });

  it('reads deflate and stored entries', () => {
    const entries = readZipArchive(
      buildArchive([
        { name: 'report.csv', content: CSV },
        { name: 'notes.txt', content: Buffer.from('as is'), method: 0 },
      ]),
    );

    expect(entries).toEqual([
      { name: 'report.csv', data: CSV },
      { name: 'notes.txt', data: Buffer.from('as is') },
    ]);
  });

  it('rejects a body that is not a ZIP', () => {
    expect(readError(CSV).message).toMatch(/end of central directory record not found/);
  });

  it('rejects a truncated archive', () => {
    const archive = buildArchive([{ name: 'report.csv', content: CSV }]);

    expect(readError(archive.subarray(0, archive.length - 30)).message).toMatch(
      /not a ZIP archive or is truncated/,
    );
  });

  it('rejects a wrong CRC-32', () => {
    const archive = buildArchive([{ name: 'report.csv', content: CSV, recordedCrc: 12345 }]);

    expect(readError(archive).message).toMatch(/report\.csv fails its CRC-32 check/);
  });

  it('rejects invalid deflate data', () => {
    const archive = buildArchive([
      { name: 'report.csv', content: CSV, data: Buffer.from([0xff, 0xff, 0xff, 0xff]) },
    ]);

    expect(readError(archive).message).toMatch(/report\.csv is not valid deflate data/);
  });

  it('rejects an entry larger than recorded', () => {
    const bomb = Buffer.alloc(1024 * 1024, 0x41);
    const archive = buildArchive([{ name: 'bomb.csv', content: bomb, recordedSize: 100 }]);

    expect(readError(archive).message).toMatch(
      /bomb\.csv unpacks to more than the 100 bytes its directory entry records/,
    );
  });

  it('rejects an oversized archive', () => {
    const archive = buildArchive([{ name: 'report.csv', content: CSV }]);

    expect(readError(archive, { maxArchiveBytes: 64 }).message).toMatch(
      /more than the limit of 64/,
    );
  });

  it('rejects an oversized entry', () => {
    const archive = buildArchive([{ name: 'large.csv', content: Buffer.alloc(4096, 0x41) }]);

    expect(readError(archive, { maxEntryBytes: 1024 }).message).toMatch(
      /large\.csv unpacks to 4096 bytes, more than the limit of 1024/,
    );
  });

  it('rejects too much in total', () => {
    const archive = buildArchive([
      { name: 'a.csv', content: Buffer.alloc(800, 0x41) },
      { name: 'b.csv', content: Buffer.alloc(800, 0x42) },
    ]);

    expect(readError(archive, { maxTotalBytes: 1000 }).message).toMatch(
      /unpacks to more than the limit of 1000 bytes/,
    );
  });

  it('rejects too many entries', () => {
    const archive = buildArchive([
      { name: 'a.csv', content: CSV },
      { name: 'b.csv', content: CSV },
    ]);

    expect(readError(archive, { maxEntries: 1 }).message).toMatch(
      /2 entries, more than the limit of 1/,
    );
  });

  it('rejects an unsupported method', () => {
    const archive = buildArchive([{ name: 'report.csv', content: CSV, method: 12, data: CSV }]);

    expect(readError(archive).message).toMatch(/compression method 12/);
  });

  it('rejects an encrypted entry', () => {
    const archive = buildArchive([{ name: 'report.csv', content: CSV, flags: 0x0001 }]);

    expect(readError(archive).message).toMatch(/report\.csv is encrypted/);
  });

  it('rejects a directory outside the archive', () => {
    const archive = buildArchive([{ name: 'report.csv', content: CSV }]);
    const end = archive.length - 22;

    archive.writeUInt32LE(archive.length, end + 16);

    expect(readError(archive).message).toMatch(/central directory lies outside the archive/);
  });
});
