/**
 * SVG -> PNG with resvg (a Rust renderer shipped as a prebuilt npm binary, no browser needed).
 * Charts are drawn as SVG but shipped as PNG too, because PNG shows everywhere: untrusted
 * notebooks, old nbconvert versions that strip SVG, and image viewers.
 */
import * as fs from "fs";
import * as path from "path";
import { Resvg, ResvgRenderOptions } from "@resvg/resvg-js";
import { debianPath } from "../io/debian-files";

/** The font family our SVGs ask for first; Debian's fonts-dejavu-core provides it. */
export const FONT_FAMILY = "DejaVu Sans, Helvetica, Arial, sans-serif";

const SYSTEM_DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
// The system's copy, or the one setup unpacked into the project when it ran without root.
const DEJAVU = debianPath(SYSTEM_DEJAVU);

/** The fonts resvg gets for every plot (exported for the test that checks text is drawn). */
export function fontOptions(): ResvgRenderOptions["font"] {
  const haveDejaVu = fs.existsSync(DEJAVU);
  return {
    loadSystemFonts: true,
    // resvg scans only the system's font folders by itself.
    fontDirs: haveDejaVu && DEJAVU !== SYSTEM_DEJAVU ? [path.dirname(DEJAVU)] : [],
    defaultFontFamily: haveDejaVu ? "DejaVu Sans" : undefined,
    sansSerifFamily: haveDejaVu ? "DejaVu Sans" : undefined,
  };
}

let fontsChecked = false;

// Without any font resvg silently drops all text (axis labels, captions). Probe once and say
// what to install instead of handing out charts without labels.
function warnIfNoFonts(): void {
  if (fontsChecked) return;
  fontsChecked = true;
  const probe = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><text x="2" y="16" font-family="${FONT_FAMILY}" font-size="16">Ag</text></svg>`;
  const pixels = new Resvg(probe, { font: fontOptions() }).render().pixels;
  for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) return;
  process.stderr.write(
    "warning: no usable font found, so text in plots will be missing. " +
      "`bash scripts/course.sh setup` fetches one (no root needed); on Debian/Ubuntu also: apt-get install fonts-dejavu-core\n",
  );
}

/** Options for `svgToPng`. */
export interface SvgToPngOptions {
  /** Output width in pixels (height follows the aspect ratio); default: the SVG's own size. */
  width?: number;
  /** Background colour (CSS); default white, since transparent PNGs look broken on dark themes. */
  background?: string;
}

/** Renders an SVG document to PNG bytes. */
export function svgToPng(svg: string, options: SvgToPngOptions = {}): Buffer {
  if (typeof svg !== "string" || !svg.includes("<svg")) {
    throw new Error("svgToPng: expected an SVG document (a string containing <svg ...>)");
  }
  if (options.width !== undefined && !(Number.isInteger(options.width) && options.width > 0)) {
    throw new Error(`svgToPng: width must be a positive integer, got ${options.width}`);
  }
  warnIfNoFonts();
  const opts: ResvgRenderOptions = {
    font: fontOptions(),
    background: options.background ?? "white",
    fitTo: options.width === undefined ? { mode: "original" } : { mode: "width", value: options.width },
    logLevel: "off",
  };
  return new Resvg(svg, opts).render().asPng();
}

/** Escapes text for use inside SVG/HTML elements and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}
