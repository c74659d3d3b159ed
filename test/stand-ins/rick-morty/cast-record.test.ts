import { test, after } from "node:test";
import * as assert from "node:assert/strict";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Canvas } from "../../../lib/stand-ins/raster";
import { Rng } from "../../../lib/random/rng";
import { drawFrame, drawFrameWithCast } from "../../../lib/stand-ins/rick-morty/scene";
import { generateRickMorty, renderOriginal, renderOriginalWithCast } from "../../../lib/stand-ins/rick-morty/generate";
import { planRickMorty } from "../../../lib/stand-ins/rick-morty/plan";
import { castKey, castOfOriginal, castRecordPath, characterRecord, charactersIn, readCastRecord } from "../../../lib/stand-ins/rick-morty/cast-record";
import { RICK_MORTY_FOLDERS, rickMortyPaths } from "../../../lib/data/rick-morty/layout";

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rick-morty-cast-"));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

test("Canvas.track gives the box of the painted pixels and leaves the pixels alone", () => {
  const a = new Canvas(10, 8, [0, 0, 0], 2);
  const b = new Canvas(10, 8, [0, 0, 0], 2);
  const box = a.track(() => {
    a.fillRect(2, 1, 5, 3, [255, 0, 0]);
    a.fillEllipse(7, 6, 1, 1, [0, 255, 0]);
  });
  b.fillRect(2, 1, 5, 3, [255, 0, 0]);
  b.fillEllipse(7, 6, 1, 1, [0, 255, 0]);
  assert.deepEqual(box, { x0: 2, y0: 1, x1: 8, y1: 7 }); // columns 2..7, rows 1..6
  assert.deepEqual(Array.from(a.data), Array.from(b.data));
  // Shapes partly outside the frame are clipped; nothing painted gives null.
  assert.deepEqual(a.track(() => a.fillRect(-5, -5, 1.5, 2, [1, 2, 3])), { x0: 0, y0: 0, x1: 2, y1: 2 });
  assert.equal(a.track(() => a.fillRect(20, 20, 30, 30, [1, 2, 3])), null);
  assert.equal(a.track(() => undefined), null);
  assert.throws(() => a.track(() => a.track(() => undefined)), /already tracking/);
});

test("recording the boxes changes no pixel: the same JPEG bytes as before the record existed", () => {
  // sha1 of renderOriginal(12345, …) computed with the generator before it recorded boxes.
  const golden: [string, number, boolean, boolean, number, number, string][] = [
    ["rickOnly", 0, true, false, 160, 90, "e3fc2944256914a18f359c1c6a031c05303ccd78"],
    ["both", 3, true, true, 160, 90, "0cfc483d6b1298f8ef9a3fdef5baa5c8db090e1c"],
    ["mortyOnly", 11, false, true, 160, 90, "a7ae8f18f6c452e2137f7da244d3dc6852a8786b"],
    ["neither", 5, false, false, 160, 90, "8030afb1740baea3a5be5125f5e72d603e9f9a2b"],
    ["predictions", 2, true, false, 225, 225, "43db6da50fd4be5f511f4291d6f0d1f151d3511b"],
  ];
  for (const [set, index, rick, morty, width, height, sha] of golden) {
    const o = { set: set as "both", index, content: { rick, morty }, width, height };
    const withCast = renderOriginalWithCast(12345, o);
    assert.equal(crypto.createHash("sha1").update(withCast.jpeg).digest("hex"), sha, `${set}:${index}`);
    assert.ok(withCast.jpeg.equals(renderOriginal(12345, o)));
  }
  const plain = drawFrame(new Rng(9), { rick: true, morty: true });
  const traced = drawFrameWithCast(new Rng(9), { rick: true, morty: true });
  assert.deepEqual(Array.from(traced.canvas.data), Array.from(plain.data));
});

test("every frame lists its characters with boxes inside the frame; Rick and Morty exactly where the folder says", () => {
  const contents = [{ rick: true, morty: false }, { rick: false, morty: true }, { rick: true, morty: true }, { rick: false, morty: false }];
  for (let i = 0; i < 60; i++) {
    const content = contents[i % 4];
    const size = i === 5 ? [225, 225] : [160, 90];
    const { cast } = drawFrameWithCast(new Rng(100 + i), content, size[0], size[1]);
    assert.equal(cast.filter((c) => c.kind === "rick").length, content.rick ? 1 : 0);
    assert.equal(cast.filter((c) => c.kind === "morty").length, content.morty ? 1 : 0);
    for (const { box } of cast) {
      assert.ok(box.x0 >= 0 && box.y0 >= 0 && box.x1 <= size[0] && box.y1 <= size[1], JSON.stringify(box));
      assert.ok(box.x1 > box.x0 && box.y1 > box.y0);
    }
    // Rick is drawn among the last (only Morty may follow him), after every other character.
    const ri = cast.findIndex((c) => c.kind === "rick");
    if (ri >= 0) assert.ok(cast.slice(ri + 1).every((c) => c.kind === "morty"));
  }
});

test("Rick's box holds his colours: grey-blue hair or light-blue shirt pixels in the finished frame", () => {
  // A check on the finished pixels, not on the tracker: a frame without Rick cannot be drawn for
  // comparison (it would shift the random numbers), so we look for his colours inside his box.
  for (let i = 0; i < 10; i++) {
    const rng = () => new Rng(500 + i);
    const { cast } = drawFrameWithCast(rng(), { rick: true, morty: false });
    const rick = cast.find((c) => c.kind === "rick")!;
    const frame = drawFrame(rng(), { rick: true, morty: false }).toRgbBytes();
    let hair = 0;
    for (let y = rick.box.y0; y < rick.box.y1; y++) {
      for (let x = rick.box.x0; x < rick.box.x1; x++) {
        const k = (y * 160 + x) * 3;
        const [r, g, b] = [frame[k], frame[k + 1], frame[k + 2]];
        if (b > r + 25 && g > r + 10 && r > 90) hair++;
      }
    }
    assert.ok(hair > 0, `frame ${i}: no hair-coloured pixel in Rick's box ${JSON.stringify(rick.box)}`);
  }
});

test("the generator writes the record for every file; characterRecord reads it, or rebuilds it when missing", () => {
  const root = path.join(dir, "gen");
  const seed = 4;
  const scale = 0.01;
  generateRickMorty({ root, seed, scale });
  const written = readCastRecord(root)!;
  assert.ok(written !== null);
  assert.equal(written.seed, seed);
  const plan = planRickMorty(seed, scale);
  const dirs = rickMortyPaths(root);
  for (const folder of RICK_MORTY_FOLDERS) {
    plan[folder].forEach((o, i) => {
      const file = path.join(dirs[folder], fs.readdirSync(dirs[folder]).sort((a, b) => a.localeCompare(b, "en", { numeric: true }))[i]);
      assert.deepEqual(charactersIn(written, root, file), castOfOriginal(seed, o), `${folder} ${i}`);
      assert.equal(castKey(folder, i), path.relative(root, file).split(path.sep).join("/"));
    });
  }
  // Every Rick folder's frames have Rick; the "not Rick" folder's frames never do.
  for (const [folder, hasRick] of [["rickOnly", true], ["altRick", true], ["mortyOnly", false], ["neither", false]] as const) {
    plan[folder].forEach((_, i) => {
      const cast = written.frames[castKey(folder, i)];
      assert.equal(cast.some((c) => c.kind === "rick"), hasRick, `${folder} ${i}`);
    });
  }
  assert.deepEqual(characterRecord(root), written);

  // Redoing one folder keeps the record whole; deleting it makes characterRecord rebuild the same.
  generateRickMorty({ root, seed, scale, folders: ["both"] });
  assert.deepEqual(readCastRecord(root), written);
  fs.unlinkSync(castRecordPath(root));
  assert.deepEqual(characterRecord(root), written);
  assert.deepEqual(readCastRecord(root), written);

  assert.throws(() => charactersIn(written, root, path.join(root, "elsewhere.jpg")), /no record of the characters in .*elsewhere\.jpg/);
  const foreign = path.join(dir, "foreign");
  fs.mkdirSync(foreign);
  assert.throws(() => characterRecord(foreign), /holds no generated stand-in .* the course's own frames do not/);
});
