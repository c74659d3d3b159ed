import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { DisplayMessage, setDisplaySink } from "../../lib/kernel/mime";
import { imageGridToPng, imageToPng, showImage, showImages, splitChannels, toRgba } from "../../lib/display/image";
import { decodePng, pngSize } from "./png-decode";

tf.enableProdMode();

function pixel(img: { rgba: Uint8Array; width: number }, x: number, y: number): number[] {
  const o = (y * img.width + x) * 4;
  return Array.from(img.rgba.subarray(o, o + 4));
}

function captured(run: () => void): DisplayMessage[] {
  const sent: DisplayMessage[] = [];
  setDisplaySink((m) => sent.push(m));
  try {
    run();
  } finally {
    setDisplaySink(null);
  }
  return sent;
}

test("a grey [h, w] array becomes the right grey levels, scaled up by nearest neighbour", () => {
  const img = decodePng(imageToPng([[0, 0.5], [1, 0.25]], { scale: 3 }));
  assert.equal(img.width, 6);
  assert.equal(img.height, 6);
  assert.deepEqual(pixel(img, 0, 0), [0, 0, 0, 255]);
  assert.deepEqual(pixel(img, 2, 2), [0, 0, 0, 255]); // still the first source pixel
  assert.deepEqual(pixel(img, 3, 0), [128, 128, 128, 255]);
  assert.deepEqual(pixel(img, 0, 5), [255, 255, 255, 255]);
  assert.deepEqual(pixel(img, 5, 5), [64, 64, 64, 255]);
});

test("small images are enlarged by default so 28x28 is visible", () => {
  const digit = Array.from({ length: 28 }, () => new Array(28).fill(0.5));
  const { width, height } = decodePng(imageToPng(digit));
  assert.ok(width >= 150 && width === height, `got ${width}x${height}`);
  const photo = tf.zeros([90, 160, 3]);
  assert.equal(decodePng(imageToPng(photo)).width, 160);
  photo.dispose();
});

test("RGB and RGBA tensors, 0..255 range, and a batch of one", () => {
  const before = tf.memory().numTensors;
  const rgb = tf.tensor3d([[[255, 0, 0], [0, 255, 0]]], [1, 2, 3]);
  const a = decodePng(imageToPng(rgb, { range: "byte", scale: 1 }));
  assert.deepEqual([pixel(a, 0, 0), pixel(a, 1, 0)], [[255, 0, 0, 255], [0, 255, 0, 255]]);
  const rgba = tf.tensor4d([0, 0, 1, 0.5], [1, 1, 1, 4]);
  assert.deepEqual(pixel(decodePng(imageToPng(rgba, { scale: 1 })), 0, 0), [0, 0, 255, 128]);
  const single = tf.tensor3d([0.2, 0.4], [1, 2, 1]);
  assert.deepEqual(pixel(decodePng(imageToPng(single, { scale: 1 })), 1, 0), [102, 102, 102, 255]);
  tf.dispose([rgb, rgba, single]);
  assert.equal(tf.memory().numTensors, before);
});

test("normalize stretches any range, and viridis maps its ends to dark purple and yellow", () => {
  const m = toRgba([[-3, 7]], { normalize: true, colorMap: "viridis", scale: 1 });
  assert.deepEqual(pixel(m, 0, 0), [68, 1, 84, 255]);
  assert.deepEqual(pixel(m, 1, 0), [253, 231, 37, 255]);
  const flat = toRgba([[5, 5]], { normalize: true, scale: 1 });
  assert.deepEqual(pixel(flat, 0, 0), [0, 0, 0, 255]);
});

test("bad shapes and values give clear errors", () => {
  assert.throws(() => imageToPng([1, 2, 3] as unknown as number[][]), /expected shape \[h, w\] or \[h, w, c\], got \[3\]/);
  assert.throws(() => imageToPng([[[0, 0]]]), /1, 3 or 4 channels, got 2/);
  assert.throws(() => imageToPng([[0, NaN]]), /not finite/);
  assert.throws(() => imageToPng([[0, 1], [0]]), /ragged array: \[1\] should have length 2/);
  assert.throws(() => imageToPng([[0, 200]]), /outside \[0, 1\]; pass range: "byte"/);
  assert.throws(() => imageToPng([[0, 300]], { range: "byte" }), /outside 0..255; pass normalize: true/);
  assert.throws(() => imageToPng([[0]], { scale: 1.5 }), /scale must be an integer/);
  assert.throws(() => imageToPng([[0]], { colorMap: "jet" as "grey" }), /unknown colour map 'jet'/);
  assert.throws(() => imageToPng([[[0, 0, 0]]], { colorMap: "viridis" }), /single-channel/);
  assert.throws(() => imageToPng("x" as unknown as number[][]), /expected a tensor/);
  const batch = tf.zeros([2, 4, 4, 3]);
  assert.throws(() => imageToPng(batch), /a batch of 2: pick one image, or use showImages/);
  batch.dispose();
  assert.throws(() => imageToPng(batch), /disposed/);
});

test("showImage sends a PNG and a text fallback; a caption makes the picture taller", () => {
  const img = [[0, 1], [1, 0]];
  const [plain, captionedMsg] = captured(() => {
    showImage(img, { scale: 10 });
    showImage(img, { scale: 10, caption: "Rick" });
  });
  assert.deepEqual(Object.keys(plain.data).sort(), ["image/png", "text/plain"]);
  assert.equal(plain.data["text/plain"], "[image 2x2]");
  assert.equal(captionedMsg.data["text/plain"], "[image 2x2: Rick]");
  const a = pngSize(Buffer.from(plain.data["image/png"] as string, "base64"));
  const b = pngSize(Buffer.from(captionedMsg.data["image/png"] as string, "base64"));
  assert.deepEqual(a, { width: 20, height: 20 });
  assert.ok(b.height > a.height + 10, `captioned ${b.height} vs ${a.height}`);
});

test("an image grid lays tiles out in ncol columns and checks its captions", () => {
  const tiles = Array.from({ length: 5 }, (_, i) => [[i / 4]]);
  const wide = pngSize(imageGridToPng(tiles, { ncol: 5, scale: 20 }));
  const tall = pngSize(imageGridToPng(tiles, { ncol: 2, scale: 20 }));
  assert.ok(wide.width > 5 * 20 && wide.height < 2 * 20 + 40, JSON.stringify(wide));
  assert.ok(tall.width < 3 * 20 + 40 && tall.height > 3 * 20, JSON.stringify(tall));
  assert.throws(() => imageGridToPng(tiles, { captions: ["a"] }), /got 1 captions for 5 images/);
  assert.throws(() => imageGridToPng([], {}), /empty/);
  assert.throws(() => imageGridToPng(tiles, { ncol: 0 }), /ncol must be a positive integer/);
});

test("showImages takes a batch tensor and captions, without leaking tensors", () => {
  const frames = tf.randomUniform([3, 9, 16, 3], 0, 1, "float32", 7);
  const before = tf.memory().numTensors;
  const [msg] = captured(() => showImages(frames, { captions: ["Rick", "Not Rick", "Rick"], title: "Frames" }));
  assert.equal(tf.memory().numTensors, before);
  assert.match(msg.data["text/plain"] as string, /\[3 images: Frames\]\n {2}1\. Rick\n {2}2\. Not Rick/);
  assert.ok((msg.data["image/png"] as string).length > 100);
  frames.dispose();
});

test("splitChannels picks feature maps as single-channel images", () => {
  const t = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
  const maps = splitChannels(t, [1]);
  assert.equal(maps.length, 1);
  assert.deepEqual(Array.from(maps[0].data), [2, 4, 6, 8]);
  assert.equal(splitChannels(t).length, 2);
  assert.throws(() => splitChannels(t, [2]), /channel 2 is out of range 0..1/);
  t.dispose();
});
