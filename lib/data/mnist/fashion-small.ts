/**
 * The chapter-10 "harder, smaller" data set, available offline: a small, class-balanced, seeded sample
 * of Fashion-MNIST (real photos of clothes, 10 classes). With 40 training images per class, like the
 * original's 17-flowers table, a dense network learns the training set and does much worse on the
 * rest: the overfitting lesson. 17-flowers itself is used when a user has it (see flowers17.ts).
 */
import { Rng } from "../../random/rng";
import { loadFashionMnist } from "./mnist";
import type { ImageSet } from "./image-set";
import { stratifiedSubset, type PerClass } from "./stratified";

export interface LoadFashionSmallArgs {
  /** Folder with the Fashion-MNIST IDX files (default FASHION_MNIST_DIR or Debian's folder). */
  dir?: string;
  seed?: number;
  /** Images per class in each part (default 40 / 20 / 20, the original's flowers split). */
  perClass?: PerClass;
}

export function loadFashionSmall(args: LoadFashionSmallArgs = {}): ImageSet {
  const seed = args.seed ?? 1;
  const perClass = args.perClass ?? { train: 40, valid: 20, test: 20 };
  const full = loadFashionMnist({ dir: args.dir, validation: 0 });
  const note =
    `a seeded sample (seed ${seed}) of ${perClass.train} train / ${perClass.valid} valid / ${perClass.test} test ` +
    `images per class drawn from all ${full.n.toLocaleString("en-US")}`;
  return stratifiedSubset(full, perClass, new Rng(seed), note);
}
