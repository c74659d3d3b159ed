/**
 * The compiled-fit addon (native/compiled-fit/graph_addon.cc, built by scripts/setup-compiled-fit.ts):
 * TensorFlow's graph C API, typed, plus a small builder that names operations and spells attributes.
 * lib/training/compiled-graph.ts builds a training step with it.
 */
import * as fs from "fs";
import * as path from "path";

/** TensorFlow's TF_DataType numbers for the types the graphs here use. */
export const DT = { float: 1, int32: 3, bool: 10, resource: 20 } as const;

/** An operation inside a graph (opaque handle). */
export type OpHandle = { readonly __op: unique symbol };
/** One output of an operation. */
export interface Output {
  op: OpHandle;
  index: number;
}
/** A value crossing the addon: typed array, TF_DataType and shape. */
export interface Value {
  dtype: number;
  shape: number[];
  data: Float32Array | Int32Array | Uint8Array;
}
export type Attr =
  | { type: "type"; value: number }
  | { type: "int"; value: number }
  | { type: "float"; value: number }
  | { type: "bool"; value: boolean }
  | { type: "string"; value: string }
  | { type: "shape"; value: number[] }
  | { type: "ints"; value: number[] }
  | { type: "tensor"; value: Value };

type GraphHandle = { readonly __graph: unique symbol };
export type SessionHandle = { readonly __session: unique symbol };

/** What graph_addon.node exports (see the top of graph_addon.cc). */
export interface GraphAddon {
  newGraph(): GraphHandle;
  addOp(g: GraphHandle, type: string, name: string, inputs: (Output | Output[])[], attrs: Record<string, Attr>, control?: OpHandle[]): OpHandle;
  addGradients(g: GraphHandle, prefix: string, ys: Output[], xs: Output[]): Output[];
  newSession(g: GraphHandle, config?: Uint8Array): SessionHandle;
  closeSession(s: SessionHandle): void;
  /** glibc's malloc_trim(0): the heap's free pages go back to the system; true when some did. */
  trimMemory(): boolean;
  run(s: SessionHandle, feeds: Output[], values: Value[], fetches: Output[], targets: OpHandle[]): Value[];
  /** As run, on a worker thread: JavaScript (timers, the SIGINT handler, the live panel) runs meanwhile. */
  runAsync(s: SessionHandle, feeds: Output[], values: Value[], fetches: Output[], targets: OpHandle[]): Promise<Value[]>;
}

export const GRAPH_ADDON_FILE = path.resolve(__dirname, "..", "..", "native", "compiled-fit", "build", "Release", "graph_addon.node");

let loaded: GraphAddon | string | undefined;

/** The addon, or a sentence saying why it is not there. */
export function loadGraphAddon(): GraphAddon | string {
  if (loaded !== undefined) return loaded;
  if (!fs.existsSync(GRAPH_ADDON_FILE)) {
    loaded = "the compiled-fit addon is not built (bash scripts/course.sh setup builds it)";
  } else {
    try {
      // eslint-disable-next-line @typescript-eslint/no-var-requires
      loaded = require(GRAPH_ADDON_FILE) as GraphAddon;
    } catch (e) {
      loaded = `the compiled-fit addon does not load: ${e instanceof Error ? e.message.split("\n")[0] : e}`;
    }
  }
  return loaded;
}

export const attr = {
  type: (value: number): Attr => ({ type: "type", value }),
  int: (value: number): Attr => ({ type: "int", value }),
  float: (value: number): Attr => ({ type: "float", value }),
  bool: (value: boolean): Attr => ({ type: "bool", value }),
  str: (value: string): Attr => ({ type: "string", value }),
  shape: (value: number[]): Attr => ({ type: "shape", value }),
  ints: (value: number[]): Attr => ({ type: "ints", value }),
};

/** A graph under construction: unique names, and short forms for the operations used often. */
export class GraphBuilder {
  readonly handle: GraphHandle;
  private count = 0;

  constructor(readonly addon: GraphAddon) {
    this.handle = addon.newGraph();
  }

  /** Adds an operation; returns its handle. Names are `<type>_<n>`, or `<hint>_<n>`. */
  node(type: string, inputs: (Output | Output[])[], attrs: Record<string, Attr> = {}, hint?: string, control?: OpHandle[]): OpHandle {
    return this.addon.addOp(this.handle, type, `${hint ?? type}_${this.count++}`, inputs, attrs, control);
  }

  /** Adds an operation and returns its first output (most operations have one). */
  op(type: string, inputs: (Output | Output[])[], attrs: Record<string, Attr> = {}, hint?: string): Output {
    return { op: this.node(type, inputs, attrs, hint), index: 0 };
  }

  placeholder(dtype: number, shape: number[], hint = "feed"): Output {
    return this.op("Placeholder", [], { dtype: attr.type(dtype), shape: attr.shape(shape) }, hint);
  }

  constFloat(values: number[] | number, shape: number[] = []): Output {
    const data = Float32Array.from(typeof values === "number" ? [values] : values);
    return this.op("Const", [], { dtype: attr.type(DT.float), value: { type: "tensor", value: { dtype: DT.float, shape, data } } }, "c");
  }

  constInt(values: number[] | number, shape?: number[]): Output {
    const data = Int32Array.from(typeof values === "number" ? [values] : values);
    const s = shape ?? (typeof values === "number" ? [] : [values.length]);
    return this.op("Const", [], { dtype: attr.type(DT.int32), value: { type: "tensor", value: { dtype: DT.int32, shape: s, data } } }, "c");
  }

  /** A float binary/unary op with the T attribute set. */
  f(type: string, ...inputs: Output[]): Output {
    return this.op(type, inputs, { T: attr.type(DT.float) });
  }

  gradients(ys: Output[], xs: Output[]): Output[] {
    return this.addon.addGradients(this.handle, `grad_${this.count++}`, ys, xs);
  }

  /** A NoOp that runs after every op given (the training step's one target). */
  group(ops: OpHandle[], hint = "group"): OpHandle {
    return this.node("NoOp", [], {}, hint, ops);
  }
}

/** Float32 value for a feed. */
export function floatValue(data: Float32Array, shape: number[]): Value {
  return { dtype: DT.float, shape, data };
}
