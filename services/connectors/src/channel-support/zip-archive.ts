import { crc32, inflateRawSync } from 'node:zlib';

/** One file of a ZIP archive. */
export interface ZipEntry {
  /** The path inside the archive, such as `recon-report-03142024.csv`. */
  name: string;
  data: Buffer;
}

/** Size limits that stop a hostile or broken archive before it exhausts memory. */
export interface ZipLimits {
  /** Maximum size of the archive itself, in bytes. */
  maxArchiveBytes: number;
  /** Maximum number of entries in the central directory. */
  maxEntries: number;
  /** Maximum uncompressed size of one entry, in bytes. */
  maxEntryBytes: number;
  /** Maximum uncompressed size of all entries together, in bytes. */
  maxTotalBytes: number;
}

// NOTE: these defaults are estimates that leave room for a large marketplace report. Callers
// that know their files pass tighter limits.
export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxArchiveBytes: 64 * 1024 * 1024,
  maxEntries: 1000,
  maxEntryBytes: 256 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
};

/** An archive that is corrupt, uses an unsupported feature, or exceeds a `ZipLimits` limit. */
export class ZipArchiveError extends Error {
  override readonly name = 'ZipArchiveError';
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const END_RECORD_BYTES = 22;
const CENTRAL_HEADER_BYTES = 46;
const LOCAL_HEADER_BYTES = 30;
const MAX_COMMENT_BYTES = 0xffff;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_UTF8_NAME = 0x0800;

/**
 * Reads every file of a ZIP archive (PKWARE APPNOTE 6.3) from its central directory, with stored
 * and deflate entries, and checks each entry's size and CRC-32. Directory entries are skipped.
 * Throws `ZipArchiveError` naming the entry and the problem for a corrupt archive, for ZIP64,
 * multi-disk or encrypted archives, and for archives beyond `limits`.
 */
export function readZipArchive(archive: Buffer, limits: Partial<ZipLimits> = {}): ZipEntry[] {
  const limit = { ...DEFAULT_ZIP_LIMITS, ...limits };

  if (archive.length > limit.maxArchiveBytes) {
    throw new ZipArchiveError(
      `ZIP archive is ${archive.length} bytes, more than the limit of ${limit.maxArchiveBytes}`,
    );
  }

  const end = findEndOfCentralDirectory(archive);

  if (end.entryCount > limit.maxEntries) {
    throw new ZipArchiveError(
      `ZIP archive has ${end.entryCount} entries, more than the limit of ${limit.maxEntries}`,
    );
  }

  const entries: ZipEntry[] = [];
  let totalBytes = 0;
  let offset = end.directoryOffset;

  for (let index = 0; index < end.entryCount; index += 1) {
    const header = readCentralHeader(archive, offset, index);

    offset = header.nextOffset;

    if (header.name.endsWith('/')) {
      continue;
    }

    if (header.uncompressedSize > limit.maxEntryBytes) {
      throw new ZipArchiveError(
        `ZIP entry ${header.name} unpacks to ${header.uncompressedSize} bytes, more than the limit of ${limit.maxEntryBytes}`,
      );
    }

    totalBytes += header.uncompressedSize;

    if (totalBytes > limit.maxTotalBytes) {
      throw new ZipArchiveError(
        `ZIP archive unpacks to more than the limit of ${limit.maxTotalBytes} bytes`,
      );
    }

    entries.push({ name: header.name, data: readEntryData(archive, header) });
  }

  return entries;
}

interface EndOfCentralDirectory {
  entryCount: number;
  directoryOffset: number;
}

interface CentralHeader {
  name: string;
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  nextOffset: number;
}

/** Finds the end record by scanning back over the archive comment, which may be up to 64 KiB. */
function findEndOfCentralDirectory(archive: Buffer): EndOfCentralDirectory {
  const lowest = Math.max(0, archive.length - END_RECORD_BYTES - MAX_COMMENT_BYTES);

  for (let at = archive.length - END_RECORD_BYTES; at >= lowest; at -= 1) {
    if (archive.readUInt32LE(at) !== END_OF_CENTRAL_DIRECTORY) {
      continue;
    }

    const disk = archive.readUInt16LE(at + 4);
    const directoryDisk = archive.readUInt16LE(at + 6);
    const entryCount = archive.readUInt16LE(at + 10);
    const directorySize = archive.readUInt32LE(at + 12);
    const directoryOffset = archive.readUInt32LE(at + 16);

    if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
      throw new ZipArchiveError(
        'ZIP64 archives are not supported; the archive must be under 4 GiB',
      );
    }

    if (disk !== 0 || directoryDisk !== 0) {
      throw new ZipArchiveError('ZIP archives split over several disks are not supported');
    }

    if (directoryOffset + directorySize > at) {
      throw new ZipArchiveError(
        'ZIP central directory lies outside the archive; the file is truncated or corrupt',
      );
    }

    return { entryCount, directoryOffset };
  }

  throw new ZipArchiveError(
    'ZIP end of central directory record not found; the body is not a ZIP archive or is truncated',
  );
}

function readCentralHeader(archive: Buffer, offset: number, index: number): CentralHeader {
  if (
    offset + CENTRAL_HEADER_BYTES > archive.length ||
    archive.readUInt32LE(offset) !== CENTRAL_DIRECTORY_HEADER
  ) {
    throw new ZipArchiveError(
      `ZIP central directory entry ${index + 1} is missing at offset ${offset}; the archive is corrupt`,
    );
  }

  const flags = archive.readUInt16LE(offset + 8);
  const nameLength = archive.readUInt16LE(offset + 28);
  const extraLength = archive.readUInt16LE(offset + 30);
  const commentLength = archive.readUInt16LE(offset + 32);
  const nameEnd = offset + CENTRAL_HEADER_BYTES + nameLength;

  if (nameEnd > archive.length) {
    throw new ZipArchiveError(
      `ZIP central directory entry ${index + 1} name runs past the archive`,
    );
  }

  const header: CentralHeader = {
    name: archive.toString(
      flags & FLAG_UTF8_NAME ? 'utf8' : 'latin1',
      offset + CENTRAL_HEADER_BYTES,
      nameEnd,
    ),
    flags,
    method: archive.readUInt16LE(offset + 10),
    crc: archive.readUInt32LE(offset + 16),
    compressedSize: archive.readUInt32LE(offset + 20),
    uncompressedSize: archive.readUInt32LE(offset + 24),
    localHeaderOffset: archive.readUInt32LE(offset + 42),
    nextOffset: nameEnd + extraLength + commentLength,
  };

  if (
    header.compressedSize === 0xffffffff ||
    header.uncompressedSize === 0xffffffff ||
    header.localHeaderOffset === 0xffffffff
  ) {
    throw new ZipArchiveError(`ZIP entry ${header.name} uses ZIP64 sizes, which are not supported`);
  }

  if (header.flags & FLAG_ENCRYPTED) {
    throw new ZipArchiveError(`ZIP entry ${header.name} is encrypted; send the report unencrypted`);
  }

  return header;
}

function readEntryData(archive: Buffer, header: CentralHeader): Buffer {
  const local = header.localHeaderOffset;

  if (
    local + LOCAL_HEADER_BYTES > archive.length ||
    archive.readUInt32LE(local) !== LOCAL_FILE_HEADER
  ) {
    throw new ZipArchiveError(
      `ZIP entry ${header.name} has no local file header at offset ${local}; the archive is corrupt`,
    );
  }

  // The local header's name and extra field may differ in length from the central directory's.
  const dataStart =
    local +
    LOCAL_HEADER_BYTES +
    archive.readUInt16LE(local + 26) +
    archive.readUInt16LE(local + 28);
  const dataEnd = dataStart + header.compressedSize;

  if (dataEnd > archive.length) {
    throw new ZipArchiveError(
      `ZIP entry ${header.name} data runs past the end of the archive; the file is truncated`,
    );
  }

  const data = inflateEntry(archive.subarray(dataStart, dataEnd), header);

  if (data.length !== header.uncompressedSize) {
    throw new ZipArchiveError(
      `ZIP entry ${header.name} unpacked to ${data.length} bytes, but the directory records ${header.uncompressedSize}; the archive is corrupt`,
    );
  }

  if (crc32(data) !== header.crc) {
    throw new ZipArchiveError(
      `ZIP entry ${header.name} fails its CRC-32 check; the archive is corrupt`,
    );
  }

  return data;
}

function inflateEntry(compressed: Buffer, header: CentralHeader): Buffer {
  if (header.method === METHOD_STORED) {
    return Buffer.from(compressed);
  }

  if (header.method !== METHOD_DEFLATE) {
    throw new ZipArchiveError(
      `ZIP entry ${header.name} uses compression method ${header.method}; only stored (0) and deflate (8) are supported`,
    );
  }

  try {
    // One byte above the recorded size is enough to detect a deflate stream that unpacks to more
    // than its directory entry records, without unpacking all of it.
    return inflateRawSync(compressed, { maxOutputLength: header.uncompressedSize + 1 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ZipArchiveError(
        `ZIP entry ${header.name} unpacks to more than the ${header.uncompressedSize} bytes its directory entry records; the archive is corrupt`,
      );
    }

    throw new ZipArchiveError(
      `ZIP entry ${header.name} is not valid deflate data (${(error as Error).message}); the archive is corrupt`,
      { cause: error },
    );
  }
}
