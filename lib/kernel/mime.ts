/**
 * Sending rich output (a "MIME bundle": the same thing as PNG, HTML, JSON and plain text at once)
 * from a notebook cell. Each front end picks the richest type it can show: JupyterLab, an HTML
 * handout, or a plain terminal.
 *
 * tslab's public API sends one MIME type per message, so we call the writer tslab keeps for the
 * running cell (`lastWriteDisplayData` in tslab/dist/jupyter.js) with a whole bundle. Outside a
 * kernel (plain node, tests) the text/plain part goes to stdout, or everything goes to a sink a
 * test installs with `setDisplaySink`.
 */
import { randomBytes } from "crypto";

/** One MIME type's payload: text, bytes (sent as base64) or a JSON object (Vega-Lite, Plotly). */
export type MimeValue = string | Uint8Array | object;

/** MIME type -> payload, e.g. {"image/png": bytes, "text/plain": "<image 28x28>"}. */
export type MimeBundle = Record<string, MimeValue>;

/** What Jupyter's display_data / update_display_data messages carry. */
export interface DisplayMessage {
  data: Record<string, string | object>;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

/** Receives every message instead of the kernel; `update` is true for in-place updates. */
export type DisplaySink = (message: DisplayMessage, update: boolean) => void;

let sink: DisplaySink | null = null;

/** Routes all display messages to `s` (tests); `null` restores the kernel / stdout behaviour. */
export function setDisplaySink(s: DisplaySink | null): void {
  sink = s;
}

let textSink: ((line: string) => void) | null = null;

/** Routes the plain-text fallback (used outside a kernel) to `s` instead of stdout; `null` undoes it. */
export function setTextSink(s: ((line: string) => void) | null): void {
  textSink = s;
}

type TslabWriter = (message: DisplayMessage, update: boolean) => void;

// tslab loads dist/jupyter.js through Node's own module system, so it sits in require.cache when we
// run inside the kernel. We look it up rather than require it: requiring tslab outside a kernel
// would load a whole TypeScript compiler for nothing.
let tslabModule: { lastWriteDisplayData?: unknown } | null = null;

function tslabWriter(): TslabWriter | null {
  if (tslabModule === null) {
    const key = Object.keys(require.cache).find((k) => /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(k));
    const mod = key === undefined ? undefined : require.cache[key];
    if (mod === undefined) return null;
    tslabModule = mod.exports as { lastWriteDisplayData?: unknown };
  }
  // The writer is replaced for every executed cell, so read it at each call.
  const w = tslabModule.lastWriteDisplayData;
  return typeof w === "function" ? (w as TslabWriter) : null;
}

/** True when running inside a tslab kernel that is executing a cell. */
export function insideKernel(): boolean {
  return tslabWriter() !== null;
}

/** True when output goes somewhere that shows rich types (a kernel or a test sink), not stdout. */
export function richOutput(): boolean {
  return sink !== null || insideKernel();
}

function normalise(bundle: MimeBundle): Record<string, string | object> {
  if (bundle === null || typeof bundle !== "object" || Array.isArray(bundle)) {
    throw new Error("display: a MIME bundle must be an object like {'text/plain': '...'}");
  }
  const types = Object.keys(bundle);
  if (types.length === 0) throw new Error("display: the MIME bundle is empty");
  const out: Record<string, string | object> = {};
  for (const type of types) {
    if (!/^[a-z]+\/[-+.\w]+$/i.test(type)) {
      throw new Error(`display: '${type}' is not a MIME type (expected e.g. 'image/png')`);
    }
    const v = bundle[type];
    if (v instanceof Uint8Array) out[type] = Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
    else if (typeof v === "string" || (typeof v === "object" && v !== null)) out[type] = v;
    else throw new Error(`display: the value for '${type}' must be a string, bytes or an object`);
  }
  return out;
}

function send(bundle: MimeBundle, update: boolean, displayId?: string, metadata: Record<string, unknown> = {}): void {
  const message: DisplayMessage = {
    data: normalise(bundle),
    metadata,
    transient: displayId === undefined ? {} : { display_id: displayId },
  };
  if (sink !== null) return sink(message, update);
  const writer = tslabWriter();
  if (writer !== null) return writer(message, update);
  const text = message.data["text/plain"];
  const line = typeof text === "string" ? text : `[${Object.keys(message.data).join(", ")}]`;
  if (textSink !== null) textSink(line);
  else process.stdout.write(line + "\n");
}

/** Shows a bundle once (a new output under the running cell). */
export function displayBundle(bundle: MimeBundle, metadata?: Record<string, unknown>): void {
  send(bundle, false, undefined, metadata);
}

/** An output that can be replaced in place (live progress, animations). */
export interface DisplayHandle {
  /** The Jupyter display_id shared by the first message and all updates. */
  readonly id: string;
  /** The first call creates the output; later calls replace it. */
  show(bundle: MimeBundle, metadata?: Record<string, unknown>): void;
}

/** Creates a handle whose outputs all share one display id. */
export function newDisplayHandle(): DisplayHandle {
  const id = randomBytes(8).toString("hex");
  let shown = false;
  return {
    id,
    show(bundle: MimeBundle, metadata?: Record<string, unknown>): void {
      send(bundle, shown, id, metadata);
      shown = true;
    },
  };
}
