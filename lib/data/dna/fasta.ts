/**
 * A FASTA reader. A record is a header line starting with '>' followed by sequence lines up to the
 * next header. It accepts what real files contain: sequences wrapped over many lines, lower-case
 * (soft-masked) letters, blank lines, Windows line ends and a byte-order mark. Letters are
 * upper-cased, as Bioconductor's readDNAStringSet does; headers are kept as written (without '>').
 * Errors name the file, the line and the record.
 */
import * as fs from "fs";

export interface FastaRecord {
  /** The header line without the leading '>' (trimmed of line-end spaces). */
  header: string;
  /** The record's name: the header up to the first space. */
  name: string;
  /** The sequence, upper-cased, lines joined. */
  sequence: string;
  /** 1-based line number of the header in the file. */
  line: number;
}

export interface ParseFastaArgs {
  /** The file's text. */
  text: string;
  /** Name to use in error messages (the file's path). */
  source: string;
  /**
   * Letters allowed in sequences (upper case; lower case is accepted too). Default: the IUPAC
   * nucleotide codes plus '-' and '*'; which letters a model can use is the one-hot step's business.
   */
  alphabet?: string;
}

export interface ReadFastaArgs {
  /** Path of the FASTA file. */
  file: string;
  alphabet?: string;
}

/** The largest FASTA file read in one piece (the course's ChIP files are a few MB). */
export const MAX_FASTA_BYTES = 512 * 2 ** 20;

/** IUPAC nucleotide codes, the gap '-' and '*'. */
export const IUPAC_DNA = "ACGTUNRYSWKMBDHV-*";

function describe(rec: { header: string; line: number } | null): string {
  return rec === null ? "" : ` (record '${rec.header}' from line ${rec.line})`;
}

/** Parses FASTA text into records. Throws, naming `source`, on anything that is not FASTA. */
export function parseFasta(args: ParseFastaArgs): FastaRecord[] {
  const { source } = args;
  if (typeof args.text !== "string") throw new Error(`${source}: expected the file's text`);
  const allowed = new Set((args.alphabet ?? IUPAC_DNA).toUpperCase().split(""));
  const text = args.text.charCodeAt(0) === 0xfeff ? args.text.slice(1) : args.text;
  if (text.includes("\u0000")) throw new Error(`${source}: not a FASTA file (it holds binary data)`);
  const lines = text.split(/\r\n|\r|\n/);
  const records: FastaRecord[] = [];
  let current: { header: string; line: number; parts: string[] } | null = null;

  const finish = (): void => {
    if (current === null) return;
    const sequence = current.parts.join("");
    if (sequence.length === 0) throw new Error(`${source}: record '${current.header}' (line ${current.line}) has no sequence`);
    const name = /^\S*/.exec(current.header)?.[0] ?? "";
    records.push({ header: current.header, name, sequence, line: current.line });
  };

  for (let i = 0; i < lines.length; i++) {
    // trimEnd, not /\s+$/: the regex retries at every space of a long run, which is quadratic.
    const raw = lines[i].trimEnd();
    const lineNo = i + 1;
    if (raw.length === 0) continue;
    if (raw.startsWith(">")) {
      finish();
      const header = raw.slice(1).trim();
      if (header === "") throw new Error(`${source}: line ${lineNo}: a header '>' with no name`);
      current = { header, line: lineNo, parts: [] };
      continue;
    }
    if (current === null) {
      const shown = raw.length > 40 ? raw.slice(0, 40) + "…" : raw;
      throw new Error(`${source}: not a FASTA file: line ${lineNo} should be a header starting with '>', found '${shown}'`);
    }
    const seq = raw.trim().toUpperCase();
    for (let k = 0; k < seq.length; k++) {
      const c = seq[k];
      if (!allowed.has(c)) {
        const what = c === " " || c === "\t" ? "a space" : `'${raw.trim()[k]}'`;
        throw new Error(`${source}: line ${lineNo}, column ${k + 1}: ${what} is not a sequence letter${describe(current)}`);
      }
    }
    current.parts.push(seq);
  }
  finish();
  if (records.length === 0) throw new Error(`${source}: no FASTA records (the file is empty)`);
  return records;
}

/** Reads a FASTA file (see parseFasta). */
export function readFasta(args: ReadFastaArgs): FastaRecord[] {
  const { file } = args;
  if (!fs.existsSync(file)) throw new Error(`${file}: no such FASTA file`);
  const stat = fs.statSync(file);
  if (stat.isDirectory()) throw new Error(`${file}: is a folder, not a FASTA file`);
  if (!stat.isFile()) throw new Error(`${file}: is not a regular file (a device or a pipe?), not a FASTA file`);
  // A JavaScript string holds at most ~512 MiB of text; say so instead of failing inside readFileSync.
  if (stat.size > MAX_FASTA_BYTES) {
    throw new Error(`${file}: ${stat.size} bytes is more than this reader takes in one piece (${MAX_FASTA_BYTES}); split the file`);
  }
  const text = fs.readFileSync(file, "utf8");
  return parseFasta({ text, source: file, alphabet: args.alphabet });
}

export interface WriteFastaArgs {
  file: string;
  records: readonly { header: string; sequence: string }[];
  /** Letters per sequence line (default 60; 0 = the whole sequence on one line). */
  lineWidth?: number;
}

/** Writes records as FASTA with '\n' line ends. */
export function writeFasta(args: WriteFastaArgs): void {
  const width = args.lineWidth ?? 60;
  if (!Number.isInteger(width) || width < 0) throw new Error(`writeFasta: lineWidth must be a whole number >= 0, got ${width}`);
  const chunks: string[] = [];
  for (const r of args.records) {
    if (r.header.includes("\n")) throw new Error(`writeFasta: header '${r.header}' holds a line break`);
    chunks.push(`>${r.header}\n`);
    if (width === 0) chunks.push(r.sequence + "\n");
    else for (let i = 0; i < r.sequence.length; i += width) chunks.push(r.sequence.slice(i, i + width) + "\n");
  }
  fs.writeFileSync(args.file, chunks.join(""));
}
