import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseFasta, readFasta, writeFasta } from "../../../lib/data/dna/fasta";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fasta-test-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string | Buffer): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
}

test("multi-line records, headers kept, lower case upper-cased, blank lines and Windows line ends", () => {
  const p = file("quirks.fa", "\uFEFF\r\n>chr1:100-110 first peak\r\nacgT\r\nTTGa\r\n\r\nCA\r\n>chr2:5-9\r\n\r\nNNACG  \r\n\r\n");
  const recs = readFasta({ file: p });
  assert.deepEqual(recs, [
    { header: "chr1:100-110 first peak", name: "chr1:100-110", sequence: "ACGTTTGACA", line: 2 },
    { header: "chr2:5-9", name: "chr2:5-9", sequence: "NNACG", line: 7 },
  ]);
});

test("old Mac line ends and a last line without a line end", () => {
  const recs = parseFasta({ text: ">a\rAC\rGT\r>b\rTT", source: "mac.fa" });
  assert.deepEqual(recs.map((r) => [r.name, r.sequence, r.line]), [["a", "ACGT", 1], ["b", "TT", 4]]);
});

test("an empty file, a blank-only file and a missing file are errors naming the file", () => {
  assert.throws(() => readFasta({ file: file("empty.fa", "") }), /empty\.fa: no FASTA records/);
  assert.throws(() => readFasta({ file: file("blank.fa", "\n\r\n  \n") }), /blank\.fa: no FASTA records/);
  assert.throws(() => readFasta({ file: path.join(dir, "nope.fa") }), /nope\.fa: no such FASTA file/);
  assert.throws(() => readFasta({ file: dir }), /is a folder/);
});

test("files that are not FASTA: text without a header, CSV, binary", () => {
  assert.throws(() => readFasta({ file: file("seq.txt", "ACGTACGT\n>late\nACGT\n") }),
    /seq\.txt: not a FASTA file: line 1 should be a header starting with '>', found 'ACGTACGT'/);
  assert.throws(() => readFasta({ file: file("table.csv", "name,sequence\nx,ACGT\n") }), /table\.csv: not a FASTA file: line 1/);
  assert.throws(() => readFasta({ file: file("image.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0])) }), /image\.png: not a FASTA file \(it holds binary data\)/);
});

test("a letter outside the alphabet names file, line, column and record", () => {
  const p = file("bad.fa", ">ok\nACGT\n>peak_7 with text\nACGT\nAC1T\n");
  assert.throws(() => readFasta({ file: p }), /bad\.fa: line 5, column 3: '1' is not a sequence letter \(record 'peak_7 with text' from line 3\)/);
  assert.throws(() => parseFasta({ text: ">x\nAC GT\n", source: "space.fa" }), /space\.fa: line 2, column 3: a space is not a sequence letter \(record 'x'/);
  // IUPAC codes pass the reader (the one-hot step decides what it can encode) unless the alphabet is narrowed.
  assert.equal(parseFasta({ text: ">x\nACRYN\n", source: "iupac.fa" })[0].sequence, "ACRYN");
  assert.throws(() => parseFasta({ text: ">x\nACRY\n", source: "acgt.fa", alphabet: "ACGTN" }), /acgt\.fa: line 2, column 3: 'R'/);
});

test("a header with no sequence, or no name, is an error naming the record", () => {
  assert.throws(() => parseFasta({ text: ">a\nAC\n>b\n\n>c\nGT\n", source: "gap.fa" }), /gap\.fa: record 'b' \(line 3\) has no sequence/);
  assert.throws(() => parseFasta({ text: ">a\nAC\n>b\n", source: "end.fa" }), /end\.fa: record 'b' \(line 3\) has no sequence/);
  assert.throws(() => parseFasta({ text: ">\nAC\n", source: "noname.fa" }), /noname\.fa: line 1: a header '>' with no name/);
});

test("writeFasta wraps lines and reads back the same records", () => {
  const recs = [{ header: "r1 one", sequence: "ACGT".repeat(40) }, { header: "r2", sequence: "GATTACA" }];
  const p = path.join(dir, "round.fa");
  writeFasta({ file: p, records: recs, lineWidth: 60 });
  const text = fs.readFileSync(p, "utf8");
  assert.equal(text.split("\n")[1].length, 60);
  assert.deepEqual(readFasta({ file: p }).map((r) => ({ header: r.header, sequence: r.sequence })), recs);
  writeFasta({ file: p, records: recs, lineWidth: 0 });
  assert.equal(fs.readFileSync(p, "utf8").split("\n").length, 5);
});
