/**
 * Weights on their own, like keras's save_model_weights / load_model_weights: one file holding a
 * small JSON header (name, shape of each weight) followed by the float32 values. The architecture
 * is not stored, so loading needs a model built the same way. Written to a temporary file and
 * renamed into place, so an interrupted save never leaves a broken weights file.
 */
import * as tf from "@tensorflow/tfjs";
import * as fs from "fs";
import { replaceFile } from "./safe-write";

const MAGIC = "TFJSWTS1";

interface WeightHeader {
  name: string;
  shape: number[];
}

export async function saveWeights(model: tf.LayersModel, file: string): Promise<void> {
  const headers: WeightHeader[] = model.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[] }));
  const values = await Promise.all(model.weights.map((w) => w.read().data()));
  const header = Buffer.from(JSON.stringify(headers), "utf8");
  const lengths = Buffer.alloc(4);
  lengths.writeUInt32LE(header.length, 0);
  const body = values.map((v) => Buffer.from(new Float32Array(v).buffer));
  replaceFile("saveWeights", file, Buffer.concat([Buffer.from(MAGIC, "ascii"), lengths, header, ...body]));
}

/** The most header a weights file needs: names and shapes, a few hundred bytes per weight. */
const MAX_HEADER_BYTES = 16 * 2 ** 20;

export async function loadWeights(model: tf.LayersModel, file: string): Promise<void> {
  if (!fs.existsSync(file)) throw new Error(`loadWeights: no weights file at ${file}`);
  if (!fs.statSync(file).isFile()) throw new Error(`loadWeights: ${file} is not a file`);
  // The model says how large its weights are: a far larger file is not its weights file, and is not read.
  const needed = model.weights.reduce((n, w) => n + 4 * (w.shape as number[]).reduce((a, b) => a * b, 1), 0);
  const size = fs.statSync(file).size;
  if (size > 12 + MAX_HEADER_BYTES + needed) {
    throw new Error(`loadWeights: ${file} holds ${size} bytes, far more than this model's ${needed} bytes of weights; it is not this model's weights file`);
  }
  const buf = fs.readFileSync(file);
  if (buf.length < 12 || buf.toString("ascii", 0, 8) !== MAGIC) {
    throw new Error(`loadWeights: ${file} is not a weights file written by saveWeights`);
  }
  const headerLength = buf.readUInt32LE(8);
  if (12 + headerLength > buf.length) throw new Error(`loadWeights: ${file} is truncated (its header is cut off)`);
  let headers: WeightHeader[];
  try {
    headers = JSON.parse(buf.toString("utf8", 12, 12 + headerLength));
  } catch (e) {
    throw new Error(`loadWeights: ${file} has a damaged header (${(e as Error).message})`);
  }
  const validHeader = (h: WeightHeader) => h !== null && typeof h === "object" && Array.isArray(h.shape) &&
    h.shape.every((d) => Number.isSafeInteger(d) && d >= 0);
  if (!Array.isArray(headers) || !headers.every(validHeader)) throw new Error(`loadWeights: ${file} has a damaged header`);
  if (headers.length !== model.weights.length) {
    throw new Error(`loadWeights: ${file} holds ${headers.length} weights, the model has ${model.weights.length}`);
  }
  let offset = 12 + headerLength;
  const arrays = headers.map((h, i) => {
    const want = model.weights[i].shape;
    if (JSON.stringify(want) !== JSON.stringify(h.shape)) {
      throw new Error(`loadWeights: ${file}: weight ${i} (${h.name}) has shape [${h.shape}] in the file, [${want}] in the model`);
    }
    const n = h.shape.reduce((a, b) => a * b, 1);
    if (offset + 4 * n > buf.length) throw new Error(`loadWeights: ${file} is truncated`);
    const values = new Float32Array(buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + offset + 4 * n));
    offset += 4 * n;
    return values;
  });
  if (offset !== buf.length) throw new Error(`loadWeights: ${file} has ${buf.length - offset} unexpected bytes after the weights`);
  const tensors = headers.map((h, i) => tf.tensor(arrays[i], h.shape));
  try {
    model.setWeights(tensors);
  } finally {
    tensors.forEach((t) => t.dispose());
  }
}
