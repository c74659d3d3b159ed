/**
 * What a person sees: execute a notebook with every kind of output (image, Vega-Lite chart, Plotly
 * figure, live training progress), render the HTML handout, open it in headless Chromium with no
 * kernel running, and check the rendered page: images decoded, Plotly drawn by its own script.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";

const root = path.resolve(__dirname, "..", "..");
const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));

test("the HTML handout shows every output in a real browser", { skip: chromium ? false : "chromium is not installed" }, () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "course-handout-"));
  const run = spawnSync(
    path.join(root, ".venv", "bin", "python"),
    [path.join(root, "scripts", "run_notebooks.py"), "--timeout", "120", "--html-dir", out, "test/fixtures/display.ipynb"],
    { cwd: root, encoding: "utf8" },
  );
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const html = path.join(out, "display.html");
  // A page script reports what actually rendered; --dump-dom prints the DOM after scripts ran.
  const probe = `<script>window.addEventListener("load", () => setTimeout(() => {
    const imgs = [...document.querySelectorAll("img")];
    const report = {
      images: imgs.length,
      decoded: imgs.filter((i) => i.complete && i.naturalWidth > 0).length,
      plotlySvgs: document.querySelectorAll(".js-plotly-plot svg.main-svg").length,
      text: document.body.innerText,
    };
    const pre = document.createElement("pre"); pre.id = "probe"; pre.textContent = JSON.stringify(report);
    document.body.appendChild(pre);
  }, 500));</script>`;
  fs.writeFileSync(html, fs.readFileSync(html, "utf8").replace("</body>", `${probe}</body>`));
  const page = spawnSync(
    chromium!,
    ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", `--user-data-dir=${fs.mkdtempSync(path.join(os.tmpdir(), "chr-"))}`,
      "--virtual-time-budget=5000", "--dump-dom", `file://${html}`],
    { encoding: "utf8", timeout: 60_000, maxBuffer: 256 * 1024 * 1024 },
  );
  const m = /<pre id="probe">([^<]*)<\/pre>/.exec(page.stdout);
  assert.ok(m, `no probe report in the rendered page (chromium stderr: ${page.stderr.slice(-500)})`);
  const report = JSON.parse(m![1].replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">"));
  // The ramp, the Vega-Lite PNG and the progress PNG.
  assert.ok(report.images >= 3, `expected at least 3 images, found ${report.images}`);
  assert.equal(report.decoded, report.images, "every image decodes in the browser");
  assert.ok(report.plotlySvgs >= 1, "plotly.js drew the figure from the inlined script");
  assert.match(report.text, /a ramp/);
  assert.match(report.text, /Backend: /);
});
