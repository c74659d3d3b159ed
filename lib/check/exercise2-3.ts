/**
 * Exercise 2.3 (chapter 6): training from the folders, batch by batch, instead of from one tensor
 * holding every frame. The check reads what `dl.flowFromDirectory` returned, the model and the history.
 */
import { CheckReport, NOT_DONE, StopCheck, describeValue, n, runCheck } from "./report";
import { asModel, historyRecord, isTensor, sampleShape, shapeText } from "./values";

interface FlowLike {
  subset: string;
  files: string[];
  count: number;
  batchSize: number;
  batchesPerEpoch: number;
  targetSize: [number, number];
  classNames: string[];
  classMode: string;
}

function asFlow(v: unknown, what: string): FlowLike | null {
  const f = v as FlowLike;
  if (v === null || typeof v !== "object" || !Array.isArray(f.files) || typeof f.batchSize !== "number" || typeof f.count !== "number") return null;
  return f;
}

export function exercise2_3Report(flows: unknown, model?: unknown, history?: unknown): CheckReport {
  return runCheck("2.3", "training from the folders", (items) => {
    if (flows === undefined || flows === null) return NOT_DONE;
    if (isTensor(flows)) {
      throw new StopCheck(`this is ${describeValue(flows)}, every frame in memory at once; the exercise asks to read them from the folders in batches with dl.flowFromDirectory`);
    }
    const training = asFlow((flows as { training?: unknown }).training, "training");
    if (training === null) throw new StopCheck(`pass what dl.flowFromDirectory returned (with .training and .validation); got ${describeValue(flows)}`);
    items.push(training.batchSize < training.count
      ? { ok: true, text: `frames are streamed: ${training.batchesPerEpoch} batches of up to ${training.batchSize} per epoch, never all ${n(training.count)} training frames at once` }
      : { ok: false, text: `one batch of ${training.batchSize} holds all ${training.count} training frames, which is loading everything again: choose a batchSize such as 100` });
    const validation = asFlow((flows as { validation?: unknown }).validation, "validation");
    if (validation === null) {
      items.push({ ok: false, text: "there is no validation subset: pass validationSplit: 0.2 to dl.flowFromDirectory" });
    } else {
      const share = validation.count / (validation.count + training.count);
      items.push(share >= 0.15 && share <= 0.25
        ? { ok: true, text: `${(100 * share).toFixed(0)}% of the frames (${n(validation.count)}) are kept aside for validation` }
        : { ok: false, text: `${(100 * share).toFixed(0)}% of the frames are kept for validation; the exercise asks for a fifth (validationSplit: 0.2)` });
      const inTraining = new Set(training.files);
      const shared = validation.files.filter((f) => inTraining.has(f)).length;
      if (shared > 0) items.push({ ok: false, text: `${shared} files are in both subsets: make both with one call of dl.flowFromDirectory` });
    }
    if (model === undefined || model === null) {
      items.push({ ok: false, text: "no model passed: build the Rick CNN and pass it to the check" });
    } else {
      const m = asModel(model);
      const inShape = sampleShape(m.inputs[0]);
      const want = [...training.targetSize, 3];
      items.push(inShape.join(",") === want.join(",")
        ? { ok: true, text: `the model takes the ${shapeText(want)} frames the flow hands out` }
        : { ok: false, text: `the model takes ${shapeText(inShape)}, the flow hands out ${shapeText(want)} frames: make inputShape match targetSize` });
      const outUnits = sampleShape(m.outputs[0]);
      const wantUnits = training.classMode === "binary" ? 1 : training.classNames.length;
      items.push(outUnits.length === 1 && outUnits[0] === wantUnits
        ? { ok: true, text: `it gives ${wantUnits} output${wantUnits === 1 ? "" : "s"} per frame, as classMode '${training.classMode}' needs` }
        : { ok: false, text: `it gives ${shapeText(outUnits)} per frame; with classMode '${training.classMode}' the labels need ${wantUnits} output unit${wantUnits === 1 ? "" : "s"}` });
    }
    const h = historyRecord(history);
    if (h === null || h.loss === undefined || h.loss.length === 0) {
      items.push({ ok: false, text: "no training history: keep what model.fitDataset returned and pass it to the check" });
    } else {
      items.push(h.loss.every(Number.isFinite)
        ? { ok: true, text: `it trained for ${h.loss.length} epoch${h.loss.length === 1 ? "" : "s"} (last training loss ${h.loss[h.loss.length - 1].toFixed(3)})` }
        : { ok: false, text: "the training loss is not a number (NaN): check the labels and the loss" });
      items.push(h.val_loss !== undefined
        ? { ok: true, text: `each epoch was scored on the validation frames (validation loss ${h.val_loss[h.val_loss.length - 1].toFixed(3)})` }
        : { ok: false, text: "no validation loss in the history: pass validationData: validation.dataset() to fitDataset" });
    }
  });
}
