"""How well any classifier could do on the generated ChIP stand-in, from the generator's own model.

    .venv/bin/python scripts/chip-best-possible.py [data/ChIP]

The generator (lib/stand-ins/chip/generate.ts) draws every base with 43% G + C, plants one site drawn
from the JASPAR matrix of Sox17 (MA0078.1) or PRDM1 (MA0508.1) in 80% of the peak regions (at a
random position and strand) and one of either in 4% of the random regions. Knowing that, the
likelihood of a region under each class is exact, and calling the class with the highest posterior
(class sizes as priors) is the best any network can do. This prints that caller's accuracy and
recall per class on all regions (regions with N are dropped, as the chapter does), and how often the
Sox17 core (ATTGT, or ACAAT on the other strand) turns up in each class.
"""
import sys

import numpy as np

SOX17 = [[7, 8, 3, 30, 0, 0, 0, 0, 0], [9, 8, 18, 0, 1, 0, 0, 0, 17], [6, 4, 1, 0, 0, 0, 31, 2, 10],
         [9, 11, 9, 1, 30, 31, 0, 29, 4]]
PRDM1 = [[1779, 1649, 3148, 3486, 4173, 422, 728, 211, 4603, 4161, 4497, 159, 117, 1057, 2042],
         [471, 298, 345, 439, 0, 0, 110, 0, 0, 0, 0, 142, 458, 498, 778],
         [1037, 2331, 688, 442, 430, 4038, 930, 4392, 0, 430, 39, 4186, 520, 2239, 973],
         [1316, 325, 422, 236, 0, 143, 2835, 0, 0, 12, 67, 116, 3508, 809, 810]]
GC, SITE_FRACTION, DECOY_FRACTION = 0.43, 0.8, 0.04
CLASSES = ["SOX17", "PRDM1", "random"]
INDEX = {"A": 0, "C": 1, "G": 2, "T": 3}


def read_fasta(path):
    seqs, cur = [], []
    for line in open(path):
        line = line.strip()
        if line.startswith(">"):
            if cur:
                seqs.append("".join(cur).upper())
            cur = []
        elif line:
            cur.append(line)
    if cur:
        seqs.append("".join(cur).upper())
    return [s for s in seqs if "N" not in s]


def site_ratio(x, counts, background):
    """Mean over start positions and both strands of P(site) / P(background) for each region."""
    p = np.array(counts, float)
    ratio = (p / p.sum(0)) / background[:, None]
    width, (n, length) = ratio.shape[1], x.shape
    starts = length - width + 1
    total = np.zeros(n)
    for m in (ratio, ratio[::-1, ::-1]):  # the other strand: complement (A<->T, C<->G), reversed
        acc = np.ones((n, starts))
        for j in range(width):
            acc *= m[x[:, j:j + starts], j]
        total += acc.sum(1)
    return total / (2 * starts)


def main(root):
    background = np.array([(1 - GC) / 2, GC / 2, GC / 2, (1 - GC) / 2])
    seqs = {c: read_fasta(f"{root}/{c}.fa") for c in CLASSES}
    x = np.array([[INDEX[b] for b in s] for c in CLASSES for s in seqs[c]])
    y = np.concatenate([[k] * len(seqs[c]) for k, c in enumerate(CLASSES)])
    sox, prdm = site_ratio(x, SOX17, background), site_ratio(x, PRDM1, background)
    f, d = SITE_FRACTION, DECOY_FRACTION
    likelihood = np.stack([1 - f + f * sox, 1 - f + f * prdm, 1 - d + d / 2 * sox + d / 2 * prdm], 1)
    call = (likelihood * np.bincount(y) / len(y)).argmax(1)
    print(f"{len(y)} regions; the best possible caller: accuracy {(call == y).mean():.4f}")
    for k, c in enumerate(CLASSES):
        core = sum(1 for s in seqs[c] if "ATTGT" in s or "ACAAT" in s) / len(seqs[c])
        print(f"  {c:7s} recall {(call[y == k] == k).mean():.3f}; Sox17 core ATTGT/ACAAT in {100 * core:.1f}% of its regions")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "data/ChIP")
