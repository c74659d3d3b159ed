import { after, test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as zlib from "zlib";
import {
  encodeIdx,
  parseIdx,
  readIdxFile,
  readIdxImages,
  readIdxLabels,
  readIdxPair,
  writeIdxFile,
  type IdxArray,
} from "../../../lib/data/mnist/idx";
import { DEBIAN_FASHION_DIR } from "../../../lib/data/mnist/mnist";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "idx-test-"));
const file = (name: string) => path.join(tmp, name);
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function images(count: number, rows: number, cols: number): IdxArray {
  const data = Uint8Array.from({ length: count * rows * cols }, (_, i) => (i * 37 + 11) % 256);
  return { dtype: "uint8", shape: [count, rows, cols], data };
}

test("the header is what the IDX spec says: 00 00 08 03 and big-endian sizes", () => {
  const bytes = encodeIdx(images(2, 3, 4));
  assert.deepEqual(Array.from(bytes.subarray(0, 16)), [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4]);
  assert.equal(new DataView(bytes.buffer).getUint32(0, false), 2051);
  assert.equal(bytes.length, 16 + 24);
});

test("images round-trip through a plain file and a gzipped one", () => {
  const arr = images(5, 28, 28);
  writeIdxFile(file("imgs-idx3-ubyte"), arr);
  writeIdxFile(file("imgs-idx3-ubyte.gz"), arr);
  const gz = fs.readFileSync(file("imgs-idx3-ubyte.gz"));
  assert.deepEqual([gz[0], gz[1]], [0x1f, 0x8b], "the .gz file really is gzipped");
  for (const name of ["imgs-idx3-ubyte", "imgs-idx3-ubyte.gz"]) {
    const back = readIdxImages(file(name));
    assert.equal(back.count, 5);
    assert.equal(back.rows, 28);
    assert.equal(back.cols, 28);
    assert.deepEqual(Array.from(back.pixels), Array.from(arr.data));
  }
});

test("gzip is recognised by its magic bytes, not by the file name", () => {
  const arr: IdxArray = { dtype: "uint8", shape: [4], data: Uint8Array.from([3, 1, 4, 1]) };
  writeIdxFile(file("labels-without-gz-suffix"), arr, true);
  assert.deepEqual(Array.from(readIdxLabels(file("labels-without-gz-suffix"))), [3, 1, 4, 1]);
});

test("every IDX number type round-trips, big-endian", () => {
  const cases: IdxArray[] = [
    { dtype: "int8", shape: [3], data: Int8Array.from([-128, 0, 127]) },
    { dtype: "int16", shape: [2, 2], data: Int16Array.from([-32768, -1, 258, 32767]) },
    { dtype: "int32", shape: [3], data: Int32Array.from([-2147483648, 65536, 2147483647]) },
    { dtype: "float32", shape: [2], data: Float32Array.from([1.5, -0.25]) },
    { dtype: "float64", shape: [1, 2], data: Float64Array.from([Math.PI, -1e300]) },
  ];
  for (const arr of cases) {
    const back = parseIdx(encodeIdx(arr));
    assert.equal(back.dtype, arr.dtype);
    assert.deepEqual(back.shape, arr.shape);
    assert.deepEqual(Array.from(back.data), Array.from(arr.data));
  }
  // int16 258 is 01 02 in big-endian order
  const bytes = encodeIdx(cases[1]);
  assert.deepEqual(Array.from(bytes.subarray(4 + 8 + 4, 4 + 8 + 6)), [1, 2]);
});

test("a bad magic number is reported as such", () => {
  fs.writeFileSync(file("not-idx"), Buffer.from("PK\x03\x04 this is a zip file"));
  assert.throws(() => readIdxFile(file("not-idx")), /bad magic number.*2051/);
  assert.throws(() => parseIdx(Uint8Array.from([0, 0, 0x42, 1, 0, 0, 0, 0])), /bad magic number/);
  assert.throws(() => parseIdx(Uint8Array.from([0, 0])), /too short/);
});

test("a truncated file is reported with the sizes involved", () => {
  const full = encodeIdx(images(10, 28, 28));
  fs.writeFileSync(file("truncated"), full.subarray(0, full.length - 100));
  assert.throws(() => readIdxImages(file("truncated")), /truncated.*10×28×28.*only 7756 bytes/);
  fs.writeFileSync(file("truncated-header"), full.subarray(0, 10));
  assert.throws(() => readIdxImages(file("truncated-header")), /truncated header/);
  const gz = zlib.gzipSync(full);
  fs.writeFileSync(file("truncated.gz"), gz.subarray(0, gz.length / 2));
  assert.throws(() => readIdxImages(file("truncated.gz")), /gzip data is damaged or truncated/);
});

test("extra bytes after the data are an error", () => {
  const full = encodeIdx(images(1, 2, 2));
  assert.throws(() => parseIdx(Uint8Array.from([...full, 0, 0])), /2 unexpected bytes/);
});

test("images and labels must have the right number of dimensions", () => {
  writeIdxFile(file("lab"), { dtype: "uint8", shape: [5], data: new Uint8Array(5) });
  writeIdxFile(file("img"), images(5, 2, 2));
  assert.throws(() => readIdxImages(file("lab")), /expected images .* 1 dimension/);
  assert.throws(() => readIdxLabels(file("img")), /expected labels .* 3 dimension/);
  writeIdxFile(file("float-img"), { dtype: "float32", shape: [1, 1, 1], data: new Float32Array(1) });
  assert.throws(() => readIdxImages(file("float-img")), /found float32/);
  assert.throws(() => readIdxFile(file("absent")), /no such file/);
});

test("image and label counts must agree", () => {
  writeIdxFile(file("five-images"), images(5, 2, 2));
  writeIdxFile(file("four-labels"), { dtype: "uint8", shape: [4], data: new Uint8Array(4) });
  assert.throws(() => readIdxPair(file("five-images"), file("four-labels")), /count mismatch.*5 images.*4 labels/);
  writeIdxFile(file("five-labels"), { dtype: "uint8", shape: [5], data: Uint8Array.from([0, 1, 2, 3, 4]) });
  assert.deepEqual(Array.from(readIdxPair(file("five-images"), file("five-labels")).labels), [0, 1, 2, 3, 4]);
});

const fashionTest = path.join(DEBIAN_FASHION_DIR, "t10k-labels-idx1-ubyte.gz");
test(
  "reads the real Fashion-MNIST test files (Debian's dataset-fashion-mnist)",
  { skip: fs.existsSync(fashionTest) ? false : `${fashionTest} absent: apt-get install dataset-fashion-mnist` },
  () => {
    const pair = readIdxPair(
      path.join(DEBIAN_FASHION_DIR, "t10k-images-idx3-ubyte.gz"),
      path.join(DEBIAN_FASHION_DIR, "t10k-labels-idx1-ubyte.gz"),
    );
    assert.equal(pair.count, 10000);
    assert.equal(pair.rows, 28);
    assert.equal(pair.cols, 28);
    const perClass = new Array(10).fill(0);
    for (const y of pair.labels) perClass[y]++;
    assert.deepEqual(perClass, new Array(10).fill(1000), "the Fashion-MNIST test set has 1,000 images per class");
    const max = pair.pixels.reduce((m, v) => Math.max(m, v), 0);
    assert.equal(max, 255);
  },
);
