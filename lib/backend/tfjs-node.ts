/**
 * The one place that loads @tensorflow/tfjs-node (selectBackend, the setup script's check and any
 * script that wants native TensorFlow go through it): it first makes Node's `util` module what
 * tfjs-node 4.22 expects (./node-util-shim.ts), so native TensorFlow works, without a warning, on
 * Node 20, 22, 24 and 26.
 */
import { restoreNodeUtilHelpers } from "./node-util-shim";

/** Loads tfjs-node (which registers the 'tensorflow' backend); throws what `require` throws when it cannot. */
export function loadTfjsNode(): unknown {
  restoreNodeUtilHelpers();
  return require("@tensorflow/tfjs-node");
}
