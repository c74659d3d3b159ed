/**
 * Lets tf.js free memory during the backward pass instead of after it.
 *
 * tf.js computes gradients by walking its tape from the loss back to the weights. It keeps, until the
 * whole walk is over, every gradient it has computed on the way and every activation a layer saved for
 * its backward step. For chapter 2's CNN on a batch of 100 frames of 90×160 that is several copies of
 * the first layer's output (100 × 86 × 156 × 20 floats, 107 MB each) alive at once, about 0.7 GB at the
 * peak of one training step on native TensorFlow.
 *
 * Once a tape node's gradient has been computed, the gradients *into* that node (of its outputs) and
 * the activations it saved are never read again. This module wraps each node's gradient function so
 * that, when the walk reaches the next node, the previous node's incoming gradients and saved tensors
 * are disposed. The same kernels run in the same order on the same values, so training gives exactly
 * the same numbers (tested); only the memory is given back sooner.
 *
 * Only first-order gradients are touched (gradients of gradients keep tf.js's own bookkeeping), and a
 * gradient that a node passes on unchanged to its input is never disposed.
 */
import * as tf from "@tensorflow/tfjs";

interface TapeNode {
  saved?: tf.Tensor[];
  gradient?: (dys: tf.Tensor[]) => Record<string, () => tf.Tensor>;
}

interface EngineInternals {
  state: { gradientDepth: number; activeScope: { id: number } | null };
  addTapeNode: (kernelName: string, inputs: unknown, outputs: tf.Tensor[], gradientsFunc: unknown, saved: tf.Tensor[], attrs: unknown) => void;
}

let restore: (() => void) | null = null;

/** The node whose gradient ran last: released when the walk reaches the next one. */
let pending: { dys: tf.Tensor[]; saved: tf.Tensor[]; passedOn: Set<tf.Tensor>; scopeId: number | undefined } | null = null;

function release(engine: EngineInternals): void {
  const p = pending;
  pending = null;
  if (p === null || engine.state.gradientDepth !== 0) return;
  for (const dy of p.dys) {
    // Only gradients made in this backward pass (not a dy passed in by the caller), and not one that
    // this node handed on unchanged as the gradient of its input.
    const scopeId = (dy as unknown as { scopeId?: number }).scopeId;
    if (dy !== null && !dy.isDisposed && !dy.kept && !p.passedOn.has(dy) && scopeId !== undefined && scopeId === p.scopeId) dy.dispose();
  }
  for (const t of p.saved) if (!t.isDisposed) t.dispose();
}

/** Wraps tf.js's tape so the backward pass frees what it no longer needs (see the module comment). */
export function installLeanBackprop(): boolean {
  if (restore !== null) return false;
  const engine = tf.engine() as unknown as EngineInternals;
  const proto = Object.getPrototypeOf(engine) as EngineInternals;
  const original = proto.addTapeNode;
  if (typeof original !== "function") return false; // another tf.js: leave it as it is
  proto.addTapeNode = function (this: EngineInternals, kernelName, inputs, outputs, gradientsFunc, saved, attrs) {
    original.call(this, kernelName, inputs, outputs, gradientsFunc, saved, attrs);
    const tape = (this.state as unknown as { activeTape: TapeNode[] | null }).activeTape;
    const node = tape?.[tape.length - 1];
    if (node?.gradient === undefined) return;
    const gradient = node.gradient;
    const self = this;
    node.gradient = function (dys: tf.Tensor[]) {
      release(self); // the node before this one in the walk is done
      const grads = gradient(dys);
      const passedOn = new Set<tf.Tensor>();
      const wrapped: Record<string, () => tf.Tensor> = {};
      for (const name of Object.keys(grads)) {
        wrapped[name] = () => {
          const dx = grads[name]();
          passedOn.add(dx);
          return dx;
        };
      }
      pending = { dys: dys.filter((d) => d != null), saved: node.saved ?? [], passedOn, scopeId: self.state.activeScope?.id };
      return wrapped;
    };
  };
  restore = () => {
    proto.addTapeNode = original;
    pending = null;
  };
  return true;
}

/** Puts tf.js's own tape back (for comparisons). */
export function uninstallLeanBackprop(): void {
  restore?.();
  restore = null;
}
