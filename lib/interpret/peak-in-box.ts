/**
 * Does a Grad-CAM map point at the object? Given pictures and, for each, the box around the object
 * that should carry the evidence (where a generator drew a character, say), count how often the
 * map's peak falls inside the box.
 *
 * The peak is placed two ways:
 *   - `hits`: at the centre of the input patch that the peak's cell sees (`cellGeometry`,
 *     `cellCentre`): where the network actually looked;
 *   - `drawnHits`: at the peak of the map stretched over the picture (`heatmapPeakAt`): where a
 *     reader of the overlay sees it. The two differ near the edges after unpadded convolutions.
 *
 * Two controls say what a hit rate is worth:
 *   - `boxShare`: the box's area over the picture's, averaged over the pictures. A peak dropped
 *     at random lands in the box this often.
 *   - `otherMapHits`: each box scored against the (patch-centre) peak of the NEXT picture's map,
 *     the last against the first. A map that favours one part of every picture, whatever is
 *     there, scores well here too. (With one picture this is the picture's own map.)
 *
 * Pictures without a box (no such object in them) are left out and counted in `noBox`.
 */
import * as tf from "@tensorflow/tfjs";
import type { BoxOutline } from "../display/heatmap-overlay";
import { heatmapPeakAt } from "../display/heatmap-overlay";
import type { LayerRef } from "./activations";
import { gradCamBatch, lastConvLayerName, type GradCamMap } from "./grad-cam";
import { cellCentre, cellGeometry } from "./receptive-field";

/** A box of whole pixels: columns x0..x1-1, rows y0..y1-1 (x1, y1 exclusive), (0, 0) at the top left. */
export type PeakBox = BoxOutline;

export interface PeakInBoxArgs {
  model: tf.LayersModel;
  /** All the pictures, [n, height, width, channels]; only the rows in `indices` are explained. */
  images: tf.Tensor4D;
  /** Which rows of `images` to score. */
  indices: readonly number[];
  /** One per entry of `indices`: the object's box in that picture, or undefined when it has none. */
  boxes: readonly (PeakBox | undefined)[];
  /** The output unit whose evidence is mapped. */
  classIndex: number;
  /** +1 (default): what raises that output; -1: what lowers it (see `GradCamOptions.sign`). */
  sign?: 1 | -1;
  /** The layer explained; default the last conv layer (`lastConvLayerName`). */
  layer?: LayerRef;
}

export interface PeakInBoxScore {
  /** Pictures scored (those with a box). */
  frames: number;
  /** Peaks, at the centre of their cell's input patch, inside the box. */
  hits: number;
  /** Peaks of the map as drawn (stretched over the picture) inside the box. */
  drawnHits: number;
  /** The box's share of the picture's area, averaged over the scored pictures (0 when none). */
  boxShare: number;
  /** Boxes hit by the peak of the next picture's map. */
  otherMapHits: number;
  /** Entries of `indices` left out because they have no box. */
  noBox: number;
}

/** Whether pixel (x, y) lies inside the box (x1 and y1 exclusive). */
export function pointInBox(p: { x: number; y: number }, b: PeakBox): boolean {
  return p.x >= b.x0 && p.x < b.x1 && p.y >= b.y0 && p.y < b.y1;
}

function checkArgs(a: PeakInBoxArgs): void {
  const where = "scorePeaksInBoxes (lib/interpret/peak-in-box.ts)";
  if (a.images.rank !== 4) {
    throw new Error(`${where}: expected images [n, height, width, channels], got shape [${a.images.shape.join(", ")}]`);
  }
  if (a.boxes.length !== a.indices.length) {
    throw new Error(`${where}: ${a.boxes.length} boxes for ${a.indices.length} indices; give one box (or undefined) per index`);
  }
  const [n, h, w] = a.images.shape;
  for (const i of a.indices) {
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new Error(`${where}: index ${i} is outside 0..${n - 1}`);
  }
  a.boxes.forEach((b, j) => {
    if (b === undefined) return;
    const ok = [b.x0, b.y0, b.x1, b.y1].every(Number.isFinite) && b.x0 < b.x1 && b.y0 < b.y1 &&
      b.x0 >= 0 && b.y0 >= 0 && b.x1 <= w && b.y1 <= h;
    if (!ok) {
      throw new Error(`${where}: box ${j} {x0 ${b.x0}, y0 ${b.y0}, x1 ${b.x1}, y1 ${b.y1}} is not a non-empty box ` +
        `inside the ${h}×${w} picture (x0 < x1 <= ${w}, y0 < y1 <= ${h}, x1 and y1 exclusive)`);
    }
  });
}

/** Grad-CAM of each picture with a box, and how often its peak lands in the box (see the module comment). */
export function scorePeaksInBoxes(args: PeakInBoxArgs): PeakInBoxScore {
  checkArgs(args);
  const kept = args.indices.filter((_, j) => args.boxes[j] !== undefined);
  const boxes = args.boxes.filter((b): b is PeakBox => b !== undefined);
  const score: PeakInBoxScore = { frames: kept.length, hits: 0, drawnHits: 0, boxShare: 0, otherMapHits: 0, noBox: args.indices.length - kept.length };
  if (kept.length === 0) return score;
  const layer = args.layer ?? lastConvLayerName(args.model);
  const geometry = cellGeometry(args.model, layer);
  const [, h, w] = args.images.shape;
  const xs = tf.tidy(() => tf.gather(args.images, tf.tensor1d(kept, "int32")) as tf.Tensor4D);
  let maps: GradCamMap[];
  try {
    maps = gradCamBatch(args.model, xs, { layer: layer, classIndex: args.classIndex, sign: args.sign ?? 1 });
  } finally {
    xs.dispose();
  }
  const peaks = maps.map((m) => cellCentre(geometry, m.peak.row, m.peak.col));
  const drawnPeaks = maps.map((m) => heatmapPeakAt(m.heatmap, h, w));
  boxes.forEach((b, j) => {
    if (pointInBox(peaks[j], b)) score.hits++;
    if (pointInBox(drawnPeaks[j], b)) score.drawnHits++;
    if (pointInBox(peaks[(j + 1) % peaks.length], b)) score.otherMapHits++;
    score.boxShare += ((b.x1 - b.x0) * (b.y1 - b.y0)) / (h * w);
  });
  score.boxShare /= kept.length;
  return score;
}
