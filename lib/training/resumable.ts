/**
 * Resumable training: a callback that, after every epoch, writes one file holding everything
 * `fit` needs to go on as if it had never stopped — the model's weights, the optimizer's state
 * (Adam's moments and step count, RMSprop's averages, …), the shared random stream that
 * `model.fit` shuffles the batches with (after `setSeed`), the epochs done and the history so far.
 *
 *   setSeed(42);
 *   const model = buildModel();
 *   model.compile({ optimizer: "adam", loss: "meanSquaredError" });
 *   const resume = resumableTraining({ file: "models/x/training-state.bin" });
 *   const initialEpoch = await resume.restore(model);   // 0 when the file does not exist yet
 *   const [xs, ys] = resume.inBatchOrder([x, y]);      // rows as the earlier run's shuffles left them
 *   await model.fit(xs, ys, { epochs: 100, initialEpoch, validationData: [vx, vy], callbacks: [resume] });
 *
 * Why `inBatchOrder`: tf.js's fit shuffles one index array in place every epoch, so epoch k's batches
 * depend on every earlier shuffle, and a new fit starts from 0, 1, 2, … again. The callback replays
 * each epoch's shuffle on its own copy of that array (with the same random draws), saves it, and on
 * resuming hands the rows over in that order: the new fit's shuffles then pick the same batches.
 * Validate with `validationData` (a `validationSplit` would be taken from the reordered rows).
 *
 * For a model without dropout, N epochs in one go and N/2 + N/2 across two runs end on the same
 * weights (tested). The file is written aside and renamed into place, so a run killed at any
 * moment leaves the previous epoch's state readable.
 */
import * as fs from "fs";
import { replaceFile } from "../io/safe-write";
import * as tf from "@tensorflow/tfjs";
import { resolveLogs } from "./model-checkpoint";
import { RngState, restoreSeededStream, seededStreamState } from "../random/rng";

const MAGIC = "TFJS-RESUME-1\n";
const MAX_HEADER_BYTES = 64 * 1024 * 1024;

export interface ResumableTrainingArgs {
  /** The state file to write after every epoch and to resume from. */
  file: string;
  /** Write it every this many epochs (default 1); the last epoch of a run is always written. */
  every?: number;
  /** Whether fit shuffles (its `shuffle` option; default true, as fit's). */
  shuffle?: boolean;
}

interface WeightEntry {
  name: string;
  shape: number[];
  dtype: "float32" | "int32";
  offset: number;
  bytes: number;
}

/** The JSON head of a state file. */
export interface TrainingStateHeader {
  /** Epochs completed; pass as `initialEpoch` to fit. */
  epochsDone: number;
  /** The logged values of every epoch so far. */
  history: Record<string, number[]>;
  /** The shared random stream after the last epoch, or null when training ran unseeded. */
  rng: RngState | null;
  optimizer: string;
  /** Shapes of the model's weights in order: a different architecture is refused. */
  model: WeightEntry[];
  /** Optimizer weights as `optimizer.getWeights()` gives them (first: the step count). */
  optimizerWeights: WeightEntry[];
  /** Scalar variables of the optimizer outside getWeights (Adam's running beta powers), by field. */
  optimizerScalars: Record<string, number>;
  /** fit's shuffled index array after the last epoch (see `inBatchOrder`); null without shuffling. */
  order: WeightEntry | null;
  savedAt: string;
}

/** Scalar tf.Variables kept as fields of an optimizer (Adam's accBeta1/accBeta2, Adamax's iteration). */
function optimizerScalarFields(opt: tf.Optimizer): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  for (const [k, v] of Object.entries(opt as unknown as Record<string, unknown>)) {
    if (v instanceof tf.Variable && v.size === 1) out[k] = v;
  }
  return out;
}

async function tensorBytes(t: tf.Tensor): Promise<{ bytes: Uint8Array; dtype: "float32" | "int32" }> {
  if (t.dtype !== "float32" && t.dtype !== "int32") throw new Error(`cannot save a ${t.dtype} weight in a training state`);
  const data = (await t.data()) as Float32Array | Int32Array;
  return { bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice(), dtype: t.dtype };
}

function optimizerOf(model: tf.LayersModel): tf.Optimizer {
  const opt = model.optimizer;
  if (!opt) throw new Error("resumable training: compile the model first (it has no optimizer)");
  return opt;
}

/** Writes the state of `model` (weights, optimizer, random stream) after `epochsDone` epochs to `file`. */
export async function saveTrainingState(model: tf.LayersModel, file: string, epochsDone: number,
  history: Record<string, number[]>, order: Int32Array | null = null): Promise<void> {
  const opt = optimizerOf(model);
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const add = async (name: string, t: tf.Tensor, list: WeightEntry[]): Promise<void> => {
    const { bytes, dtype } = await tensorBytes(t);
    list.push({ name, shape: t.shape.slice(), dtype, offset, bytes: bytes.byteLength });
    chunks.push(bytes);
    offset += bytes.byteLength;
  };
  const modelEntries: WeightEntry[] = [];
  for (const w of model.weights) await add(w.originalName, w.read(), modelEntries);
  const optEntries: WeightEntry[] = [];
  const optWeights = await opt.getWeights();
  for (const w of optWeights) await add(w.name, w.tensor, optEntries);
  // getWeights hands back the step count as a fresh scalar; the moments are the optimizer's own variables.
  if (optWeights.length > 0) optWeights[0].tensor.dispose();
  const scalars: Record<string, number> = {};
  for (const [k, v] of Object.entries(optimizerScalarFields(opt))) scalars[k] = (await v.data())[0];
  let orderEntry: WeightEntry | null = null;
  if (order !== null) {
    const bytes = new Uint8Array(order.buffer, order.byteOffset, order.byteLength).slice();
    orderEntry = { name: "order", shape: [order.length], dtype: "int32", offset, bytes: bytes.byteLength };
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const header: TrainingStateHeader = {
    epochsDone, history, rng: seededStreamState(), optimizer: opt.getClassName(),
    model: modelEntries, optimizerWeights: optEntries, optimizerScalars: scalars, order: orderEntry,
    savedAt: new Date().toISOString(),
  };
  const head = Buffer.from(JSON.stringify(header), "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(head.byteLength);
  // Written aside, read back and renamed into place: a full disk leaves the last good state.
  replaceFile("saveTrainingState", file, Buffer.concat([Buffer.from(MAGIC, "ascii"), len, head, ...chunks]));
}

/** Reads a state file's head and weight bytes, checking its layout; errors name the file. */
export function readTrainingState(file: string): { header: TrainingStateHeader; data: Buffer } {
  const bad = (why: string): Error => new Error(`${file}: not a usable training state (${why})`);
  const buf = fs.readFileSync(file);
  if (buf.byteLength < MAGIC.length + 4 || buf.subarray(0, MAGIC.length).toString("ascii") !== MAGIC) {
    throw bad("it does not start with the training-state signature");
  }
  const headBytes = buf.readUInt32LE(MAGIC.length);
  const start = MAGIC.length + 4;
  if (headBytes > MAX_HEADER_BYTES || start + headBytes > buf.byteLength) throw bad("its head is cut off");
  let header: TrainingStateHeader;
  try {
    header = JSON.parse(buf.subarray(start, start + headBytes).toString("utf8")) as TrainingStateHeader;
  } catch (e) {
    throw bad(`its head is not JSON: ${(e as Error).message}`);
  }
  if (!header || !Number.isInteger(header.epochsDone) || header.epochsDone < 0 ||
    !Array.isArray(header.model) || !Array.isArray(header.optimizerWeights)) throw bad("its head lacks epochsDone or weights");
  const data = buf.subarray(start + headBytes);
  for (const e of [...header.model, ...header.optimizerWeights, ...(header.order ? [header.order] : [])]) {
    const n = (e.shape ?? []).reduce((a, b) => a * b, 1);
    if (!Number.isInteger(e.offset) || e.bytes !== n * 4 || e.offset < 0 || e.offset + e.bytes > data.byteLength) {
      throw bad(`weight ${e.name} is cut off or has the wrong size`);
    }
  }
  return { header, data };
}

function tensorOf(e: WeightEntry, data: Buffer): tf.Tensor {
  const bytes = new Uint8Array(data.subarray(e.offset, e.offset + e.bytes)); // copy: aligned for the typed array
  const values = e.dtype === "int32" ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
  return tf.tensor(values, e.shape, e.dtype);
}

/**
 * Puts a saved state into a built and compiled model: its weights, its optimizer's state and the
 * shared random stream. Returns the header (epochsDone is the `initialEpoch` for fit).
 */
export async function loadTrainingState(model: tf.LayersModel, file: string): Promise<TrainingStateHeader> {
  const { header, data } = readTrainingState(file);
  const opt = optimizerOf(model);
  const weights = model.weights;
  const shapes = (ws: { shape: number[] }[]): string => ws.map((w) => `[${w.shape.join(",")}]`).join(" ");
  if (weights.length !== header.model.length || weights.some((w, i) => w.shape.join(",") !== header.model[i].shape.join(","))) {
    throw new Error(`${file}: the saved weights (${shapes(header.model)}) do not fit this model ` +
      `(${shapes(weights.map((w) => ({ shape: w.shape as number[] })))}); was it saved from another architecture?`);
  }
  if (header.optimizer !== opt.getClassName()) {
    throw new Error(`${file}: saved with the ${header.optimizer} optimizer, but the model is compiled with ${opt.getClassName()}`);
  }
  const values = header.model.map((e) => tensorOf(e, data));
  model.setWeights(values);
  tf.dispose(values);
  if (header.optimizerWeights.length > 0) {
    // setWeights keeps the moment tensors it is given as its variables' values (it copies them).
    const named = header.optimizerWeights.map((e) => ({ name: e.name, tensor: tensorOf(e, data) }));
    await opt.setWeights(named);
    tf.dispose(named.map((n) => n.tensor));
  }
  const fields = optimizerScalarFields(opt);
  for (const [k, v] of Object.entries(header.optimizerScalars ?? {})) {
    if (fields[k]) tf.tidy(() => fields[k].assign(tf.scalar(v, fields[k].dtype).reshape(fields[k].shape)));
  }
  if (header.rng) restoreSeededStream(header.rng);
  return header;
}

/** The saved index order of a state file (see `inBatchOrder`), or null. */
function savedOrder(file: string, header: TrainingStateHeader): Int32Array | null {
  if (!header.order) return null;
  const { data } = readTrainingState(file);
  const o = new Int32Array(new Uint8Array(data.subarray(header.order.offset, header.order.offset + header.order.bytes)).buffer);
  const seen = new Uint8Array(o.length);
  for (const i of o) {
    if (i < 0 || i >= o.length || seen[i]) throw new Error(`${file}: not a usable training state (its batch order is not a permutation)`);
    seen[i] = 1;
  }
  return o;
}

export class ResumableTraining extends tf.Callback {
  /** Every epoch's logged values, the resumed ones included. */
  history: Record<string, number[]> = {};
  /** Epochs done, counting those of earlier runs. */
  epochsDone = 0;
  /** fit's shuffled index array as it stands (replayed), or null before training starts. */
  private order: Int32Array | null = null;
  /** The order restored from the file, until fit starts and checks the sample count. */
  private restoredOrder: Int32Array | null = null;

  constructor(readonly args: ResumableTrainingArgs) {
    super();
    if (!args || typeof args.file !== "string" || args.file.length === 0) {
      throw new Error("resumableTraining: give a file to keep the training state in");
    }
    const every = args.every ?? 1;
    if (!Number.isInteger(every) || every < 1) throw new Error(`resumableTraining: every must be a whole number >= 1, got ${every}`);
  }

  /**
   * Restores the last saved state into `model` when the file exists, and returns the epoch to
   * resume at (`initialEpoch`); returns 0 and changes nothing when there is no file yet.
   */
  async restore(model: tf.LayersModel): Promise<number> {
    if (!fs.existsSync(this.args.file)) return 0;
    const header = await loadTrainingState(model, this.args.file);
    this.history = header.history ?? {};
    this.epochsDone = header.epochsDone;
    this.restoredOrder = savedOrder(this.args.file, header);
    return header.epochsDone;
  }

  /**
   * The training tensors with their rows in the order the earlier run's shuffles left them (new
   * tensors, to pass to fit; dispose them after). Copies in the given order when nothing was restored.
   */
  inBatchOrder<T extends tf.Tensor>(tensors: T[]): T[] {
    const o = this.restoredOrder;
    for (const t of tensors) {
      if (o !== null && t.shape[0] !== o.length) {
        throw new Error(`${this.args.file}: saved for ${o.length} training rows, but given ${t.shape[0]}`);
      }
    }
    return tensors.map((t) => tf.tidy(() => (o === null ? t.clone() : tf.gather(t, tf.tensor1d(o, "int32")))) as T);
  }

  async onTrainBegin(): Promise<void> {
    const n = (this.params as { samples?: number }).samples;
    if (this.args.shuffle === false || typeof n !== "number") {
      this.order = null;
      return;
    }
    const o = this.restoredOrder;
    if (o !== null && o.length !== n) {
      throw new Error(`${this.args.file}: saved for ${o.length} training rows, but fit got ${n}`);
    }
    this.order = o !== null ? o.slice() : Int32Array.from({ length: n }, (_, i) => i);
    this.restoredOrder = null;
  }

  async onEpochBegin(): Promise<void> {
    // fit shuffles right after this with Math.random: replay that shuffle on our copy, then rewind
    // the stream so fit draws the same numbers.
    const state = seededStreamState();
    if (state === null) this.order = null; // unseeded: the batch order cannot be replayed
    if (this.order === null || state === null) return;
    tf.util.shuffle(this.order);
    restoreSeededStream(state);
  }

  async onEpochEnd(epoch: number, logs?: tf.Logs): Promise<void> {
    const values = await resolveLogs(logs);
    for (const [k, v] of Object.entries(values)) (this.history[k] ??= []).push(v);
    this.epochsDone = epoch + 1;
    const model = this.model as tf.LayersModel;
    if (this.epochsDone % (this.args.every ?? 1) === 0 || model.stopTraining) {
      await saveTrainingState(model, this.args.file, this.epochsDone, this.history, this.order);
    }
  }

  async onTrainEnd(): Promise<void> {
    // A run that stopped between `every`s still leaves its last epoch to resume from.
    const model = this.model as tf.LayersModel;
    if (this.epochsDone > 0 && this.epochsDone % (this.args.every ?? 1) !== 0) {
      await saveTrainingState(model, this.args.file, this.epochsDone, this.history, this.order);
    }
  }
}

/** Factory: `resumableTraining({ file })`, a callback for `fit` whose `restore(model)` gives the `initialEpoch`. */
export function resumableTraining(args: ResumableTrainingArgs): ResumableTraining {
  return new ResumableTraining(args);
}
