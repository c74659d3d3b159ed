/**
 * TeX to SVG for the HTML handouts, with MathJax 4 (@mathjax/src) running in Node: the handout then
 * carries each formula as an SVG drawing (glyphs as paths, no font, no script) and needs nothing
 * from the network to show it.
 *
 * A line-based server for scripts/handout_html.py: it first prints one JSON line
 * {"css": "..."} (the style sheet the SVGs need), then answers each request line
 * {"tex": "...", "display": true|false} with one line {"html": "<mjx-container ...>", "error": null|"..."}.
 * A TeX error still gives a drawing (MathJax's red error box) and names the error.
 *
 *   node --import tsx scripts/handout/render-math.ts < requests.jsonl
 */
import * as readline from "readline";

interface LiteAdaptor {
  outerHTML(node: unknown): string;
  textContent(node: unknown): string;
  setAttribute(node: unknown, name: string, value: string): void;
  firstChild(node: unknown): unknown;
}
interface MathJaxNode {
  init(config: object): Promise<unknown>;
  tex2svgPromise(tex: string, options: { display: boolean }): Promise<unknown>;
  svgStylesheet(): unknown;
  startup: { adaptor: LiteAdaptor };
}

/** The first TeX error MathJax marked in an SVG, if any. */
function texError(html: string): string | null {
  const m = /data-mjx-error="([^"]*)"/.exec(html);
  return m ? m[1].replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&") : null;
}

async function main(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const MathJax: MathJaxNode = require("@mathjax/src");
  await MathJax.init({
    loader: { load: ["input/tex", "output/svg", "adaptors/liteDOM"] },
    // Without noundefined an unknown macro is an error we can report, not red text in the handout.
    tex: { packages: { "[-]": ["noundefined"] } },
    // "local": each formula carries the glyph paths it uses, so any one can be copied out alone.
    output: { fontCache: "local" },
    svg: { fontCache: "local" },
  });
  const adaptor = MathJax.startup.adaptor;
  process.stdout.write(JSON.stringify({ css: adaptor.textContent(MathJax.svgStylesheet()) }) + "\n");

  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    let reply: { html: string; error: string | null };
    try {
      const { tex, display } = JSON.parse(line) as { tex: string; display: boolean };
      const node = await MathJax.tex2svgPromise(tex, { display: Boolean(display) });
      // Screen readers get the TeX source; the per-node copies MathJax keeps are dropped (size).
      const svg = adaptor.firstChild(node);
      adaptor.setAttribute(svg, "aria-label", tex);
      let html = adaptor.outerHTML(node);
      html = html.replace(/ data-latex="[^"]*"/g, "");
      reply = { html, error: texError(html) };
    } catch (e) {
      reply = { html: "", error: e instanceof Error ? e.message : String(e) };
    }
    process.stdout.write(JSON.stringify(reply) + "\n");
  }
}

main().catch((e) => {
  process.stderr.write(`render-math: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
