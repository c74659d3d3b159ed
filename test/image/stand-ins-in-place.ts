// Run inside the image, in ~/course, as the student: every stand-in the chapters read in full mode is
// found complete where the image put it (nothing drawn again, nothing written). Prints one JSON line.
// The library is the image's, loaded from the working folder (so not imported by a path tsc resolves).
import * as path from "path";

const lib = (file: string) => require(path.join(process.cwd(), "lib", file));
const t0 = Date.now();
const rick = lib("stand-ins/rick-morty/generate").ensureRickMortyData({ scale: 1 });
const chip = lib("stand-ins/chip/generate").ensureChipData({ scale: 1 });
const cifar = lib("stand-ins/cifar/generate").ensureCifarData({ seed: 2020, scale: 1 });
console.log(JSON.stringify({ rick: rick.status, chip: chip.status, cifar: cifar.status, cifarRoot: cifar.root, seconds: (Date.now() - t0) / 1000 }));
