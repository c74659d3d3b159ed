/**
 * Longer-trained autoencoders for chapter 7, found the way chapters 2 and 3 find their CNNs
 * (lib/course/trained-models.ts): scripts/train-autoencoder.ts writes a model folder with a
 * training.json that records the fingerprint of the frames it learnt from, and the chapter loads only
 * a model whose fingerprint matches its own frames. The frames are chapter 3's three folders (Rick
 * only, Morty only, neither), which is what the course's autoencoder was trained on.
 *
 *   models/rick-autoencoder/, models/rick-denoiser/        committed, for the generated stand-in
 *   data/models/<name>-<fingerprint>/                        the user's own, for the course's frames
 */
import * as path from "path";
import { listModelRecords, rickTaskFingerprint } from "./trained-models";

/** "autoencoder": frames in, the same frames out. "denoising": noisy frames in, clean frames out. */
export type AutoencoderTask = "autoencoder" | "denoising";

/** What training.json records (the fields the lookup and the chapter use). */
export interface AutoencoderInfo {
  task: AutoencoderTask;
  fingerprint: string;
  frames: number;
  trainFrames: number;
  valFrames: number;
  data: string;
  split: string;
  seed: number;
  backend: string;
  batchSize: number;
  epochsRun: number;
  bestEpoch: number;
  bestValMse: number | null;
  minutes: number;
  secondsPerEpoch?: number;
  /** Denoising only: the noise the inputs got. */
  noise?: { stddev: number; seed: number; clip: [number, number] };
  history: Record<string, number[]>;
}

export interface TrainedAutoencoder {
  dir: string;
  info: AutoencoderInfo;
}

export const AUTOENCODER_ROOTS = ["models", path.join("data", "models")];

/** The fingerprint of the frames an autoencoder learns from under `root` (chapter 3's three folders). */
export function autoencoderFingerprint(root: string): string {
  return rickTaskFingerprint(root, "categorical");
}

export function autoencoderModelName(task: AutoencoderTask): string {
  return task === "autoencoder" ? "rick-autoencoder" : "rick-denoiser";
}

/** Where scripts/train-autoencoder.ts writes: models/ (committed) only for the generated stand-in. */
export function autoencoderModelDir(task: AutoencoderTask, fingerprint: string, standIn: boolean): string {
  const name = autoencoderModelName(task);
  return standIn ? path.join("models", name) : path.join("data", "models", `${name}-${fingerprint}`);
}

/** Every autoencoder folder under the roots, with its record. */
export function listTrainedAutoencoders(roots: string[] = AUTOENCODER_ROOTS): TrainedAutoencoder[] {
  return listModelRecords<AutoencoderInfo>(
    roots,
    (info) => typeof info.fingerprint === "string" && (info.task === "autoencoder" || info.task === "denoising"),
  );
}

/** The autoencoder trained for `task` on exactly these frames, or null. */
export function findTrainedAutoencoder(task: AutoencoderTask, fingerprint: string, roots: string[] = AUTOENCODER_ROOTS): TrainedAutoencoder | null {
  return listTrainedAutoencoders(roots).find((m) => m.info.task === task && m.info.fingerprint === fingerprint) ?? null;
}

/** One line about a trained autoencoder: how it was trained and how well it did. */
export function describeTrainedAutoencoder(m: TrainedAutoencoder): string {
  const i = m.info;
  const noise = i.noise ? `, inputs with Gaussian noise sd ${i.noise.stddev} (seed ${i.noise.seed}) clipped to [${i.noise.clip.join(", ")}]` : "";
  return `${m.dir}: trained by scripts/train-autoencoder.ts${i.task === "denoising" ? " --task denoising" : ""} on ${i.trainFrames} frames ` +
    `(validation ${i.valFrames}) for ${i.epochsRun} epoch${i.epochsRun === 1 ? "" : "s"} of batch ${i.batchSize} ` +
    `(${i.minutes.toFixed(0)} minutes, ${i.backend} backend, seed ${i.seed}${noise}); ` +
    `kept epoch ${i.bestEpoch}, validation MSE ${i.bestValMse === null ? "n/a" : i.bestValMse.toFixed(5)}`;
}

/** What to say when no autoencoder matches: the command that makes one and a time estimate. */
export function describeMissingAutoencoder(task: AutoencoderTask, fingerprint: string): string {
  const flag = task === "denoising" ? " --task denoising" : "";
  const known = listTrainedAutoencoders().find((m) => m.info.task === task);
  const time = known ? ` The committed one took ${known.info.minutes.toFixed(0)} minutes on the ${known.info.backend} backend.` : "";
  return `No trained ${task === "denoising" ? "denoising autoencoder" : "autoencoder"} matches these frames (fingerprint ${fingerprint}). ` +
    `Make one with: npx tsx scripts/train-autoencoder.ts${flag} --minutes 30 (it trains on the course's frames when ` +
    `RICK_MORTY_DATA points at them, writing under data/models/, else on the full stand-in).${time}`;
}
