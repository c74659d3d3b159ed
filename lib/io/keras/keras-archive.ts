/**
 * The .keras file: a zip archive with `config.json` (the architecture), `metadata.json` (Keras
 * version, date) and `model.weights.h5` (the weights, Keras 3 layout). Keras writes the entries
 * uncompressed; we read stored and deflated entries and write stored ones, with Node's zlib and a
 * small zip reader/writer of our own (zip64 archives, over 4 GiB, are refused with a clear error).
 */
import * as zlib from "zlib";

const LOCAL_SIG = 0x04034b50;
const CENTRAL_SIG = 0x02014b50;
const END_SIG = 0x06054b50;

export const ZIP_SIGNATURE = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** True when `head` starts a zip archive (a .keras file). An empty archive starts with the end record. */
export function isZipSignature(head: Uint8Array): boolean {
  if (head.length < 4) return false;
  const b = Buffer.from(head.subarray(0, 4));
  return b.equals(ZIP_SIGNATURE) || b.readUInt32LE(0) === END_SIG;
}

/**
 * The most a compressed entry (or a gzipped file) of an archive of `compressedBytes` may inflate to:
 * 64 MiB, plus 20 times the compressed size. Weights compress to 80-95 %, text 10-20 %; a
 * decompression bomb compresses to 0.1 %. Checked before inflating, and inflating stops there.
 */
export function inflatedLimit(compressedBytes: number): number {
  return 64 * 2 ** 20 + 20 * compressedBytes;
}

let crcTable: Uint32Array | null = null;

export function crc32(data: Uint8Array): number {
  if (crcTable === null) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

interface Entry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Read access to the entries of a zip archive held in memory. */
export class ZipReader {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly buf: Buffer, private readonly source: string) {
    let end = -1;
    for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
      if (buf.readUInt32LE(i) === END_SIG) {
        end = i;
        break;
      }
    }
    if (end < 0) throw new Error(`${source}: not a zip archive (no end-of-archive record); the file may be truncated`);
    const count = buf.readUInt16LE(end + 10);
    const dirOffset = buf.readUInt32LE(end + 16);
    if (count === 0xffff || dirOffset === 0xffffffff) throw new Error(`${source}: zip64 archives are not supported`);
    let p = dirOffset;
    for (let i = 0; i < count; i++) {
      if (p + 46 > buf.length || buf.readUInt32LE(p) !== CENTRAL_SIG) throw new Error(`${source}: the zip directory is damaged`);
      const nameLen = buf.readUInt16LE(p + 28);
      const extraLen = buf.readUInt16LE(p + 30);
      const commentLen = buf.readUInt16LE(p + 32);
      const entry: Entry = {
        method: buf.readUInt16LE(p + 10),
        crc: buf.readUInt32LE(p + 16),
        compressedSize: buf.readUInt32LE(p + 20),
        size: buf.readUInt32LE(p + 24),
        localOffset: buf.readUInt32LE(p + 42),
        name: buf.toString("utf8", p + 46, p + 46 + nameLen),
      };
      if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff || entry.localOffset === 0xffffffff) {
        throw new Error(`${source}: entry ${entry.name} is stored as zip64, which is not supported`);
      }
      this.entries.set(entry.name, entry);
      p += 46 + nameLen + extraLen + commentLen;
    }
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /**
   * The entry's bytes, checked against its CRC. The size it claims is checked before anything is
   * inflated (see `inflatedLimit`), and inflating stops at that size.
   */
  read(name: string): Buffer {
    const e = this.entries.get(name);
    if (e === undefined) throw new Error(`${this.source}: the archive has no ${name} (it has ${this.names().join(", ")})`);
    const p = e.localOffset;
    if (p + 30 > this.buf.length || this.buf.readUInt32LE(p) !== LOCAL_SIG) throw new Error(`${this.source}: entry ${name} is damaged`);
    const start = p + 30 + this.buf.readUInt16LE(p + 26) + this.buf.readUInt16LE(p + 28);
    const raw = this.buf.subarray(start, start + e.compressedSize);
    if (raw.length !== e.compressedSize) throw new Error(`${this.source}: entry ${name} is truncated`);
    let data: Buffer;
    if (e.method === 0) {
      if (e.size !== e.compressedSize) throw new Error(`${this.source}: entry ${name} is damaged (stored, but its two sizes differ)`);
      data = raw;
    } else if (e.method === 8) {
      const limit = inflatedLimit(this.buf.length);
      if (e.size > limit) {
        throw new Error(
          `${this.source}: entry ${name} claims to inflate to ${e.size} bytes from ${e.compressedSize}, more than an archive ` +
            `of ${this.buf.length} bytes may (${limit}); refused before inflating (a damaged file, or a zip bomb)`,
        );
      }
      try {
        data = zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, e.size) });
      } catch (err) {
        const over = (err as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE" || err instanceof RangeError;
        const why = over ? `it inflates to more than the ${e.size} bytes it claims` : (err as Error).message;
        throw new Error(`${this.source}: entry ${name} is damaged: ${why}`);
      }
    } else throw new Error(`${this.source}: entry ${name} uses zip compression method ${e.method}; only stored and deflate are supported`);
    if (data.length !== e.size || crc32(data) !== e.crc) throw new Error(`${this.source}: entry ${name} fails its checksum`);
    return data;
  }
}

function dosDateTime(d: Date): { date: number; time: number } {
  const year = Math.max(1980, d.getFullYear());
  return {
    time: (d.getHours() << 11) | (d.getMinutes() << 5) | Math.floor(d.getSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate(),
  };
}

/** A zip archive of uncompressed entries (as Keras writes .keras files), in memory. */
export function writeZip(entries: { name: string; data: Buffer }[], when = new Date()): Buffer {
  const { date, time } = dosDateTime(when);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = Buffer.from(name, "utf8");
    const crc = crc32(data);
    if (data.length >= 0xffffffff || offset >= 0xffffffff) throw new Error(`writeZip: ${name} is too large for a zip without zip64`);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_SIG, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(time, 10);
    local.writeUInt16LE(date, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_SIG, 0);
    central.writeUInt16LE(20, 4); // made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(0, 10);
    central.writeUInt16LE(time, 12);
    central.writeUInt16LE(date, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_SIG, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}
