/**
 * The exercise checks: an empty answer reads "not done yet", a right answer passes, and each
 * deliberately wrong answer gets its own hint, never an exception. No check leaves tensors behind.
 */
import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as tf from "@tensorflow/tfjs";
import { encodeJpeg } from "../../lib/data/images/codecs/jpeg-encode";
import { flowFromDirectory } from "../../lib/augment/flow-from-directory";
import { mutagenesis } from "../../lib/interpret/mutagenesis";
import { CheckReport, formatReport } from "../../lib/check/report";
import { exercise2_1Report } from "../../lib/check/exercise2-1";
import { exercise2_2Report } from "../../lib/check/exercise2-2";
import { exercise2_3Report } from "../../lib/check/exercise2-3";
import { exercise2_4Report } from "../../lib/check/exercise2-4";
import { exercise4BReport } from "../../lib/check/exercise4-b";
import { exercise5AReport } from "../../lib/check/exercise5-a";
import { gradCam } from "../../lib/interpret/grad-cam";
import { check, practiceReports } from "../../lib/check/index";

tf.enableProdMode();

/** The report's text; asserts that the failing lines include `hint`. */
function failsWith(r: CheckReport, hint: RegExp): void {
  const text = formatReport(r);
  assert.equal(r.status, "incomplete", text);
  assert.ok(r.items.some((i) => !i.ok && hint.test(i.text)), `expected a ✗ line matching ${hint}:\n${text}`);
  assert.doesNotMatch(text, /\n\s+at /, "no stack trace");
}
function passes(r: CheckReport): void {
  assert.equal(r.status, "passed", formatReport(r));
  assert.match(formatReport(r), /: (all \d+ checks pass|the check passes)\.$/m);
}
function notDone(r: CheckReport): void {
  assert.equal(r.status, "not done");
  assert.match(formatReport(r), /not done yet/);
}

function dense(inputs: number, outputs: number, activation: "linear" | "sigmoid" = "linear"): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.dense({ inputShape: [inputs], units: 8, activation: "relu" }));
  m.add(tf.layers.dense({ units: outputs, activation }));
  m.compile({ loss: "meanSquaredError", optimizer: "adam" });
  return m;
}

test("2.1: right answer passes; wrong sizes, activation, history and values each get their hint", async () => {
  notDone(exercise2_1Report(undefined, undefined));
  const m = dense(5, 3);
  const x = tf.randomUniform([64, 5], 0, 1, "float32", 1);
  const y = tf.tidy(() => tf.concat([x.sum(1, true), x.max(1, true), x.min(1, true)], 1));
  const h = await m.fit(x, y, { epochs: 5, verbose: 0 });
  const wrong = [dense(5, 1), dense(1, 3), dense(5, 3, "sigmoid"), tf.sequential()];
  const before = tf.memory().numTensors;
  passes(exercise2_1Report(m, h));
  failsWith(exercise2_1Report(wrong[0], h), /units: 3/);
  failsWith(exercise2_1Report(wrong[1], h), /inputShape: \[5\]/);
  failsWith(exercise2_1Report(wrong[2], h), /activation: "linear"/);
  failsWith(exercise2_1Report(m, undefined), /no training history/);
  failsWith(exercise2_1Report(m, { history: { loss: [0.5] } }), /at least 2/);
  failsWith(exercise2_1Report(m, { history: { loss: [0.5, 0.9] } }), /did not fall/);
  failsWith(exercise2_1Report("a model", h), /should be a tf\.js model.*the text/);
  failsWith(exercise2_1Report(wrong[3], h), /no layers yet/);
  assert.equal(tf.memory().numTensors, before, "no tensors left behind");
  tf.dispose([x, y]);
  [m, ...wrong].forEach((w) => w.dispose());
});

/** A small DNA-like network (random weights) and a one-hot region. */
function dnaSetup() {
  const m = tf.sequential();
  m.add(tf.layers.conv1d({ inputShape: [40, 4], filters: 4, kernelSize: 5, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }));
  const bases = Array.from({ length: 40 }, (_, j) => (j * 7 + 3) % 4);
  const seq = tf.oneHot(bases, 4).toFloat() as tf.Tensor2D;
  return { m, seq, bases };
}

test("2.2: the library's own profile passes; sign, probabilities, shift, length, site and a wrong class each get a hint", () => {
  const { m, seq } = dnaSetup();
  const before = tf.memory().numTensors;
  const ref = mutagenesis({ model: m, sequence: seq, classIndex: 1 });
  const site = { start: Math.max(0, ref.peak - 2), end: ref.peak + 3 };
  notDone(exercise2_2Report([], { model: m, sequence: seq, classIndex: 1 }));
  notDone(exercise2_2Report(undefined, { model: m, sequence: seq, classIndex: 1 }));
  passes(exercise2_2Report(ref.drop, { model: m, sequence: seq, classIndex: 1, site }));
  // the same region given as one row of a batch
  const batch = tf.stack([seq, seq]);
  passes(exercise2_2Report(ref.drop, { model: m, sequence: batch, index: 1, classIndex: 1, site }));
  failsWith(exercise2_2Report(ref.drop.map((d) => -d), { model: m, sequence: seq, classIndex: 1 }), /wrong sign/);
  failsWith(exercise2_2Report(ref.mutated, { model: m, sequence: seq, classIndex: 1 }), /probabilities after blanking/);
  failsWith(exercise2_2Report([0, ...ref.drop.slice(0, -1)], { model: m, sequence: seq, classIndex: 1 }), /shifted by one/);
  failsWith(exercise2_2Report(ref.drop.slice(0, 10), { model: m, sequence: seq, classIndex: 1 }), /10 numbers, the region 40 positions/);
  const other = mutagenesis({ model: m, sequence: seq, classIndex: 0 });
  failsWith(exercise2_2Report(other.drop, { model: m, sequence: seq, classIndex: 1 }), /differ from dl\.mutagenesis.*class 1/);
  const farSite = ref.peak > 20 ? { start: 0, end: 5 } : { start: 34, end: 39 };
  failsWith(exercise2_2Report(ref.drop, { model: m, sequence: seq, classIndex: 1, site: farSite }), /not on the planted site/);
  failsWith(exercise2_2Report("AGTC", { model: m, sequence: seq, classIndex: 1 }), /list of falls/);
  failsWith(exercise2_2Report(ref.drop, { model: m, sequence: seq, classIndex: 7 }), /could not go on.*classIndex 7/);
  batch.dispose();
  assert.equal(tf.memory().numTensors, before, "no tensors left behind");
  seq.dispose();
  m.dispose();
});

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "check-flow-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
for (const [k, name] of ["AllRickImages", "AllMortyImages"].entries()) {
  fs.mkdirSync(path.join(dir, name));
  for (let i = 0; i < 10; i++) {
    const px = new Uint8Array(6 * 8 * 3).fill(60 + 100 * k + i);
    fs.writeFileSync(path.join(dir, name, `f${i}.jpg`), encodeJpeg(px, 8, 6, 90));
  }
}

function smallCnn(units = 1, input: [number, number, number] = [6, 8, 3]): tf.Sequential {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: input, filters: 2, kernelSize: 3, activation: "relu" }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units, activation: units === 1 ? "sigmoid" : "softmax" }));
  m.compile({ loss: units === 1 ? "binaryCrossentropy" : "categoricalCrossentropy", optimizer: "adam" });
  return m;
}

test("2.3: a streamed fit passes; all frames in one tensor, one giant batch, no validation, wrong model and no history each get a hint", async () => {
  const flows = flowFromDirectory({ directory: dir, classes: ["AllRickImages", "AllMortyImages"], classMode: "binary", targetSize: [6, 8], batchSize: 4, validationSplit: 0.2, seed: 1 });
  const m = smallCnn();
  const h = await m.fitDataset(flows.training.dataset(), { epochs: 2, validationData: flows.validation!.dataset(), verbose: 0 });
  notDone(exercise2_3Report(undefined));
  passes(exercise2_3Report(flows, m, h));
  const all = tf.zeros([20, 6, 8, 3]);
  failsWith(exercise2_3Report(all, m, h), /every frame in memory at once/);
  all.dispose();
  const oneBatch = flowFromDirectory({ directory: dir, classMode: "binary", targetSize: [6, 8], batchSize: 100, validationSplit: 0.2 });
  failsWith(exercise2_3Report(oneBatch, m, h), /loading everything again/);
  const noVal = flowFromDirectory({ directory: dir, classMode: "binary", targetSize: [6, 8], batchSize: 4 });
  failsWith(exercise2_3Report(noVal, m, h), /validationSplit: 0\.2/);
  const half = flowFromDirectory({ directory: dir, classMode: "binary", targetSize: [6, 8], batchSize: 4, validationSplit: 0.5 });
  failsWith(exercise2_3Report(half, m, h), /50% of the frames.*a fifth/);
  failsWith(exercise2_3Report(flows, smallCnn(1, [90, 160, 3]), h), /make inputShape match targetSize/);
  failsWith(exercise2_3Report(flows, smallCnn(2), h), /need 1 output unit/);
  failsWith(exercise2_3Report(flows, m, undefined), /no training history/);
  failsWith(exercise2_3Report(flows, m, { history: { loss: [0.7] } }), /no validation loss/);
  failsWith(exercise2_3Report(flows, undefined, h), /no model passed/);
  m.dispose();
});

/** Frames of flat grey 0.5, and a "denoiser" whose sigmoid of 0 draws exactly that grey. */
function greyDenoiser(identity: boolean, weight = 0): tf.Sequential {
  const m = tf.sequential();
  const kernel = identity ? tf.eye(3).reshape([1, 1, 3, 3]) : tf.fill([1, 1, 3, 3], weight);
  m.add(tf.layers.conv2d({ inputShape: [6, 8, 3], filters: 3, kernelSize: 1, activation: identity ? "linear" : "sigmoid", useBias: false, weights: [kernel as tf.Tensor4D] }));
  kernel.dispose();
  return m;
}

test("2.4: closer than the noise passes; an identity network, unclipped, noiseless, mis-shaped and disposed frames each get a hint", () => {
  const clean = tf.fill([4, 6, 8, 3], 0.5) as tf.Tensor4D;
  const noisy = tf.tidy(() => tf.clipByValue(tf.add(clean, tf.randomNormal(clean.shape, 0, 0.2, "float32", 5)), 0, 1)) as tf.Tensor4D;
  const unclipped = tf.tidy(() => tf.add(clean, tf.randomNormal(clean.shape, 0, 0.4, "float32", 6)));
  const good = greyDenoiser(false);
  const copy = greyDenoiser(true);
  const classifier = smallCnn();
  const black = greyDenoiser(false, -10);
  const half = noisy.slice(0, 2);
  const before = tf.memory().numTensors;
  notDone(exercise2_4Report(undefined, { clean, noisy }));
  passes(exercise2_4Report(good, { clean, noisy }));
  failsWith(exercise2_4Report(copy, { clean, noisy }), /not closer.*noisy → clean/);
  failsWith(exercise2_4Report(black, { clean, noisy }), /far from any frame.*small learning rate/);
  failsWith(exercise2_4Report(good, { clean, noisy: unclipped }), /clip them to 0\.\.1/);
  failsWith(exercise2_4Report(good, { clean, noisy: clean }), /add noise/);
  failsWith(exercise2_4Report(classifier, { clean, noisy }), /a denoiser gives back a frame of the size/);
  failsWith(exercise2_4Report(good, { clean, noisy: half }), /make the noisy ones from the same frames/);
  assert.equal(tf.memory().numTensors, before, "no tensors left behind");
  const gone = clean.clone();
  gone.dispose();
  failsWith(exercise2_4Report(good, { clean: gone, noisy }), /disposed already/);
  tf.dispose([clean, noisy, unclipped, half]);
  [good, copy, classifier, black].forEach((m) => m.dispose());
});

test("4.B: a wrong call with the chosen class's map passes; a right call, the true class's map, another frame's map and no sentence each get a hint", () => {
  const m = tf.sequential();
  m.add(tf.layers.conv2d({ inputShape: [8, 10, 3], filters: 4, kernelSize: 3, activation: "relu", kernelInitializer: tf.initializers.glorotUniform({ seed: 7 }) }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 3, activation: "softmax", kernelInitializer: tf.initializers.glorotUniform({ seed: 8 }) }));
  const frames = tf.randomUniform([6, 8, 10, 3], 0, 1, "float32", 9) as tf.Tensor4D;
  const calls = tf.tidy(() => Array.from((m.predict(frames) as tf.Tensor).argMax(1).dataSync()));
  // Labels: frame 0 wrong (true class = call + 1), the others right.
  const labels = calls.map((c, i) => (i === 0 ? (c + 1) % 3 : c));
  const one = (i: number) => tf.tidy(() => frames.slice([i, 0, 0, 0], [1, -1, -1, -1]));
  const [f0, f1] = [one(0), one(1)];
  const chosenMap = gradCam(m, f0, { classIndex: calls[0] });
  const trueMap = gradCam(m, f0, { classIndex: labels[0] });
  const otherFrame = gradCam(m, f1, { classIndex: calls[0] });
  const why = "the evidence sits on the left edge, on no character";
  const args = { model: m, frames, labels, why, classNames: ["Rick", "Morty", "Neither"] };
  const before = tf.memory().numTensors;
  notDone(exercise4BReport(undefined, undefined, args));
  passes(exercise4BReport(0, chosenMap, args));
  failsWith(exercise4BReport(1, gradCam(m, f1, { classIndex: calls[1] }), args), /calls frame 1 right/);
  failsWith(exercise4BReport(0, trueMap, args), /explains the true class/);
  failsWith(exercise4BReport(0, otherFrame, args), /not Grad-CAM of frame 0/);
  failsWith(exercise4BReport(0, undefined, args), /no Grad-CAM map/);
  failsWith(exercise4BReport(0, chosenMap, { ...args, why: "" }), /say in a sentence/);
  failsWith(exercise4BReport(17, chosenMap, args), /row number of the validation frames, 0 to 5/);
  failsWith(exercise4BReport("frame 0", chosenMap, args), /row number.*the text/);
  assert.equal(tf.memory().numTensors, before, "no tensors left behind");
  tf.dispose([frames, f0, f1]);
  m.dispose();
});

test("5.A: a planted site the network responds to passes; changes outside the site, broken one-hot and no change each get a hint", () => {
  // A network that has "learnt" one motif: its filter matches G at every position, so a run of G raises class 1.
  const m = tf.sequential();
  m.add(tf.layers.conv1d({ inputShape: [40, 4], filters: 1, kernelSize: 4, activation: "relu", useBias: false,
    weights: [tf.tensor3d(Array.from({ length: 4 }, () => [[0], [0], [1], [0]]))] }));
  m.add(tf.layers.globalMaxPooling1d({}));
  m.add(tf.layers.dense({ units: 2, activation: "softmax", weights: [tf.tensor2d([[-2, 2]]), tf.tensor1d([1, -1])] }));
  const bases = Array.from({ length: 40 }, (_, j) => [0, 1, 3][j % 3]); // no G anywhere
  const original = tf.oneHot(bases, 4).toFloat();
  const plantedBases = bases.map((b, j) => (j >= 20 && j < 24 ? 2 : b));
  const planted = tf.oneHot(plantedBases, 4).toFloat();
  const site = { start: 20, end: 24 };
  notDone(exercise5AReport(undefined, { model: m, original, site, classIndex: 1 }));
  passes(exercise5AReport(planted, { model: m, original, site, classIndex: 1 }));
  failsWith(exercise5AReport(planted, { model: m, original, site: { start: 0, end: 4 }, classIndex: 1 }), /outside the site you declared/);
  failsWith(exercise5AReport(original, { model: m, original, site, classIndex: 1 }), /is the original one/);
  const half = tf.mul(planted, 0.5);
  failsWith(exercise5AReport(half, { model: m, original, site, classIndex: 1 }), /not one base any more/);
  failsWith(exercise5AReport(planted, { model: m, original, site, classIndex: 0 }), /did not rise/);
  failsWith(exercise5AReport(planted, { model: m, original, site: undefined, classIndex: 1 }), /say where you planted/);
  tf.dispose([original, planted, half]);
  m.dispose();
});

test("the new prediction exercises: right values pass, each known slip gets its own hint", () => {
  const chapter1 = (second: number): tf.Sequential => {
    const m = tf.sequential();
    m.add(tf.layers.dense({ inputShape: [1], units: 100, activation: "relu" }));
    m.add(tf.layers.dense({ units: second, activation: "relu" }));
    m.add(tf.layers.dense({ units: 1 }));
    return m;
  };
  const changed = chapter1(50);
  notDone(practiceReports.exercise1A(undefined, undefined));
  passes(practiceReports.exercise1A(5301, changed));
  failsWith(practiceReports.exercise1A(12441, changed), /before the change/);
  failsWith(practiceReports.exercise1A(100 + 5000 + 50, changed), /leaves out the biases/);
  failsWith(practiceReports.exercise1A(5301, chapter1(120)), /not the count that the second hidden layer cut to 50 units gives/);
  failsWith(practiceReports.exercise1A("5301", changed), /should be a number/);
  failsWith(practiceReports.exercise1A(5301, undefined), /build the changed network too/);

  // The counts the exercises quote, from real models.
  const cnn = (first: number): tf.Sequential => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [90, 160, 3], filters: first, kernelSize: 5, activation: "relu" }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.conv2d({ filters: 20, kernelSize: 5, activation: "relu" }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.conv2d({ filters: 64, kernelSize: 5, activation: "relu" }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units: 100, activation: "relu" }));
    m.add(tf.layers.dropout({ rate: 0.3 }));
    m.add(tf.layers.dense({ units: 1, activation: "sigmoid" }));
    return m;
  };
  const c20 = cnn(20);
  const c32 = cnn(32);
  assert.equal(c20.countParams(), 760605);
  assert.equal((c20.layers[2].outputShape as number[]).slice(1).join(","), "39,74,20");
  passes(practiceReports.exercise2A(767517, c32));
  failsWith(practiceReports.exercise2A(760605, c32), /before the change/);
  failsWith(practiceReports.exercise2A(767517 - (32 + 20 + 64 + 100 + 1), c32), /leaves out the biases/);
  failsWith(practiceReports.exercise2A(767517, c20), /not the count that 32 filters in the first convolution gives/);
  failsWith(practiceReports.exercise2A(767000, c32), /work it out layer by layer/);
  const cifar = (units: number): tf.Sequential => {
    const m = tf.sequential();
    m.add(tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 32, kernelSize: 3, activation: "relu" }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, activation: "relu" }));
    m.add(tf.layers.maxPooling2d({ poolSize: 2 }));
    m.add(tf.layers.flatten());
    m.add(tf.layers.dense({ units, activation: "relu" }));
    m.add(tf.layers.dropout({ rate: 0.2 }));
    m.add(tf.layers.dense({ units, activation: "relu" }));
    m.add(tf.layers.dropout({ rate: 0.2 }));
    m.add(tf.layers.dense({ units: 3, activation: "softmax" }));
    return m;
  };
  assert.equal(cifar(128).countParams(), 331331);
  const c64 = cifar(64);
  passes(practiceReports.exercise8A(171267, c64));
  failsWith(practiceReports.exercise8A(331331, c64), /before the change/);
  failsWith(practiceReports.exercise8A(171267 - (32 + 64 + 64 + 64 + 3), c64), /leaves out the biases/);
  failsWith(practiceReports.exercise8A(171267, cifar(32)), /not the count that 64 units/);
  const mnist = (units: number): tf.Sequential => {
    const m = tf.sequential();
    m.add(tf.layers.flatten({ inputShape: [28, 28] }));
    m.add(tf.layers.dense({ units, activation: "relu" }));
    m.add(tf.layers.dense({ units: 10, activation: "softmax" }));
    return m;
  };
  assert.equal(mnist(128).countParams(), 101770);
  const m64 = mnist(64);
  passes(practiceReports.exercise10A(50890, m64));
  failsWith(practiceReports.exercise10A(101770, m64), /before the change/);
  failsWith(practiceReports.exercise10A(50890 - 74, m64), /leaves out the biases/);
  failsWith(practiceReports.exercise10A(50890, mnist(128)), /not the count that a hidden layer of 64 units/);
  const padded = tf.sequential();
  padded.add(tf.layers.conv2d({ inputShape: [28, 28, 1], filters: 32, kernelSize: 3, padding: "same" }));
  padded.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  padded.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: "same" }));
  padded.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  padded.add(tf.layers.conv2d({ filters: 64, kernelSize: 3, padding: "same" }));
  padded.add(tf.layers.flatten());
  assert.equal((padded.outputs[0].shape as number[])[1], 3136);
  const ae = tf.sequential();
  ae.add(tf.layers.conv2d({ inputShape: [90, 160, 3], filters: 20, kernelSize: 5 }));
  ae.add(tf.layers.conv2d({ filters: 20, kernelSize: 5 }));
  ae.add(tf.layers.conv2d({ filters: 32, kernelSize: 5 }));
  assert.equal((ae.outputs[0].shape as number[]).slice(1).reduce((a, b) => a * b, 1), 369408);

  for (const [name, report, truth] of [
    ["3.A", practiceReports.exercise3A, [1, 0, 0, 1, 1, 1, 0, 0]],
    ["4.A", practiceReports.exercise4A, [39, 74, 20]],
    ["6.A", practiceReports.exercise6A, 20005],
    ["7.A", practiceReports.exercise7A, 369408],
    ["9.A", practiceReports.exercise9A, 3136],
  ] as const) {
    notDone(report(undefined));
    passes(report(truth as number | number[]));
    failsWith(report("no idea"), /should be/);
    failsWith(report(123456789), /work it out layer by layer|is not/);
  }
  failsWith(practiceReports.exercise3A([0, 1, 1, 0, 1, 1, 0, 0]), /swapped/);
  failsWith(practiceReports.exercise3A([1, 0, 0, 1, 0.5, 0.5, 0, 0]), /yes twice/);
  failsWith(practiceReports.exercise3A([1, 0, 0, 1, 1, 1, 1, 1]), /no twice/);
  failsWith(practiceReports.exercise4A([43, 78, 20]), /first pooling/);
  failsWith(practiceReports.exercise4A([41, 76, 20]), /trims 4 pixels/);
  failsWith(practiceReports.exercise4A([39, 74, 64]), /20 filters/);
  failsWith(practiceReports.exercise6A(100015), /does not add frames/);
  failsWith(practiceReports.exercise6A(4001), /one epoch/);
  failsWith(practiceReports.exercise6A(20500), /short one/);
  failsWith(practiceReports.exercise7A(738816), /64 filters/);
  failsWith(practiceReports.exercise7A(460800), /78 × 148/);
  failsWith(practiceReports.exercise7A(430592), /82 × 152/);
  failsWith(practiceReports.exercise9A(576), /unpadded/);
  failsWith(practiceReports.exercise9A(12544), /two poolings/);
  failsWith(practiceReports.exercise9A(49), /every map/);
  [changed, c20, c32, padded, ae].forEach((m) => m.dispose());
});

test("the printing checks never throw and print one report, whatever they are given", () => {
  const lines: string[] = [];
  const orig = console.log;
  console.log = (...a: unknown[]) => lines.push(a.join(" "));
  try {
    for (const weird of [undefined, null, 42, "x", {}, [], [1, 2], Symbol("s"), () => 1, tf.scalar(1)]) {
      check.exercise2_1(weird, weird);
      check.exercise2_2(weird, { model: weird, sequence: weird, classIndex: 0 });
      check.exercise2_3(weird, weird, weird);
      check.exercise2_4(weird, { clean: weird, noisy: weird });
      check.exercise5A(weird, { model: weird, original: weird, site: undefined, classIndex: 0 });
      check.exercise1A(weird, weird);
      check.exercise9A(weird);
    }
  } finally {
    console.log = orig;
  }
  assert.equal(lines.length, 70);
  for (const l of lines) {
    assert.match(l, /^Exercise \d+\.[0-9A-Z] \(.*\): (not done yet|\d+ of \d+ checks pass|the check does not pass yet)/);
    assert.doesNotMatch(l, /\n\s+at /);
  }
});

test("under nbgrader's autograder a check that does not pass fails its cell; one that passes does not", () => {
  const orig = console.log;
  const old = process.env.NBGRADER_EXECUTION;
  console.log = () => undefined;
  try {
    process.env.NBGRADER_EXECUTION = "autograde";
    assert.throws(() => check.exercise9A(undefined), /Exercise 9\.A .*not done yet/);
    assert.throws(() => check.exercise9A(576), /unpadded/);
    assert.doesNotThrow(() => check.exercise9A(3136));
    process.env.NBGRADER_EXECUTION = "validate";
    assert.throws(() => check.exercise9A(49), /every map/);
    delete process.env.NBGRADER_EXECUTION;
    assert.doesNotThrow(() => check.exercise9A(576), "a student's run never throws");
  } finally {
    console.log = orig;
    if (old === undefined) delete process.env.NBGRADER_EXECUTION;
    else process.env.NBGRADER_EXECUTION = old;
  }
});
