import { crc32, deflateRawSync } from 'node:zlib';

/**
 * Packs one file into a ZIP archive (PKWARE APPNOTE 6.3) with a deflate entry, as Walmart serves
 * a reconciliation report: a ZIP that contains the CSV. The stand-in writes its own archive
 * because the sandbox imports no package of the product.
 */
export function zipOneFile(name: string, content: Buffer, modifiedAt = new Date()): Buffer {
  const fileName = Buffer.from(name, 'utf8');
  const compressed = deflateRawSync(content);
  const checksum = crc32(content);
  const { time, date } = dosDateTime(modifiedAt);
  // Flag bit 11 marks the name as UTF-8, and version 2.0 is the minimum that reads deflate.
  const flags = 0x0800;
  const local = Buffer.alloc(30);

  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(flags, 6);
  local.writeUInt16LE(8, 8);
  local.writeUInt16LE(time, 10);
  local.writeUInt16LE(date, 12);
  local.writeUInt32LE(checksum, 14);
  local.writeUInt32LE(compressed.length, 18);
  local.writeUInt32LE(content.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  local.writeUInt16LE(0, 28);

  const central = Buffer.alloc(46);

  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(flags, 8);
  central.writeUInt16LE(8, 10);
  central.writeUInt16LE(time, 12);
  central.writeUInt16LE(date, 14);
  central.writeUInt32LE(checksum, 16);
  central.writeUInt32LE(compressed.length, 20);
  central.writeUInt32LE(content.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  central.writeUInt32LE(0, 42);

  const directoryOffset = local.length + fileName.length + compressed.length;
  const directorySize = central.length + fileName.length;
  const end = Buffer.alloc(22);

  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(directorySize, 12);
  end.writeUInt32LE(directoryOffset, 16);

  return Buffer.concat([local, fileName, compressed, central, fileName, end]);
}

/** MS-DOS time and date fields, in the local time zone of the archive's writer as ZIP defines. */
function dosDateTime(at: Date): { time: number; date: number } {
  return {
    time: (at.getHours() << 11) | (at.getMinutes() << 5) | Math.floor(at.getSeconds() / 2),
    date:
      ((Math.max(at.getFullYear(), 1980) - 1980) << 9) | ((at.getMonth() + 1) << 5) | at.getDate(),
  };
}
