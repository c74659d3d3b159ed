/**
 * Tiny line charts drawn straight as SVG, for live training progress. Vega renders nicer charts
 * but takes ~100 ms and is async; this takes about a millisecond and is synchronous, so it can
 * redraw after every epoch without slowing training down.
 */
import { escapeXml, FONT_FAMILY } from "./svg";

/** One line in a panel; NaN values leave a gap. */
export interface MiniSeries {
  name: string;
  values: number[];
  color: string;
}

/** One panel: a title and its lines, all sharing the x range 1..xMax. */
export interface MiniPanel {
  title: string;
  series: MiniSeries[];
}

export interface MiniChartOptions {
  /** Last x value (e.g. the number of epochs planned), so lines grow across the panel. */
  xMax: number;
  /** Text lines above the panels. */
  header?: string[];
  panelWidth?: number;
  panelHeight?: number;
}

/** About `count` round tick values covering [lo, hi] (steps of 1, 2 or 5 times a power of ten). */
export function niceTicks(lo: number, hi: number, count = 4): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (hi <= lo) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function fmt(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(3)));
}

/** Draws the panels side by side with a shared legend; returns an SVG document. */
export function miniChartSvg(panels: MiniPanel[], options: MiniChartOptions): string {
  const pw = options.panelWidth ?? 280;
  const ph = options.panelHeight ?? 170;
  const header = options.header ?? [];
  const xMax = Math.max(2, options.xMax);
  const margin = { left: 48, right: 18, top: 22, bottom: 26 };
  const headerH = header.length * 18 + (header.length ? 6 : 0);
  const names: { name: string; color: string }[] = [];
  for (const p of panels) for (const s of p.series) if (!names.some((n) => n.name === s.name)) names.push(s);
  const legendH = names.length ? 20 : 0;
  // Wide enough for the panels and for the header text (about 7.5 px per character, 8.8 for the bold first line).
  const W = Math.ceil(Math.max(Math.max(1, panels.length) * pw, ...header.map((l, i) => l.length * (i === 0 ? 8.8 : 7.5) + 16)));
  const H = headerH + legendH + (panels.length ? ph : 0);
  const out: string[] = [];
  header.forEach((line, i) => {
    out.push(`<text x="8" y="${16 + i * 18}" font-size="${i === 0 ? 14 : 13}"${i === 0 ? ' font-weight="bold"' : ""}>${escapeXml(line)}</text>`);
  });
  let lx = 8;
  for (const n of names) {
    const y = headerH + 12;
    out.push(`<line x1="${lx}" y1="${y - 4}" x2="${lx + 18}" y2="${y - 4}" stroke="${n.color}" stroke-width="2"/>`);
    out.push(`<text x="${lx + 22}" y="${y}" font-size="12">${escapeXml(n.name)}</text>`);
    lx += 30 + n.name.length * 7;
  }
  panels.forEach((p, k) => {
    const x0 = k * pw + margin.left;
    const y0 = headerH + legendH + margin.top;
    const w = pw - margin.left - margin.right;
    const h = ph - margin.top - margin.bottom;
    const all = p.series.flatMap((s) => s.values).filter(Number.isFinite);
    let lo = all.length ? Math.min(...all) : 0;
    let hi = all.length ? Math.max(...all) : 1;
    if (hi - lo < 1e-12) {
      lo -= 0.5 * (Math.abs(lo) || 1);
      hi += 0.5 * (Math.abs(hi) || 1);
    }
    const pad = 0.05 * (hi - lo);
    lo -= pad;
    hi += pad;
    const sx = (e: number) => x0 + ((e - 1) / (xMax - 1)) * w;
    const sy = (v: number) => y0 + h - ((v - lo) / (hi - lo)) * h;
    out.push(`<text x="${x0 + w / 2}" y="${y0 - 8}" text-anchor="middle" font-size="13" font-weight="bold">${escapeXml(p.title)}</text>`);
    out.push(`<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="#f4f4f4" stroke="#bbb"/>`);
    for (const t of niceTicks(lo, hi, 4)) {
      out.push(`<line x1="${x0}" y1="${sy(t)}" x2="${x0 + w}" y2="${sy(t)}" stroke="#ddd"/>`);
      out.push(`<text x="${x0 - 4}" y="${sy(t) + 4}" text-anchor="end" font-size="11">${fmt(t)}</text>`);
    }
    for (const t of niceTicks(1, xMax, 5).filter((t) => Number.isInteger(t))) {
      out.push(`<text x="${sx(t)}" y="${y0 + h + 14}" text-anchor="middle" font-size="11">${t}</text>`);
    }
    out.push(`<text x="${x0 + w / 2}" y="${y0 + h + 25}" text-anchor="middle" font-size="10" fill="#666">epoch</text>`);
    for (const s of p.series) {
      const pts = s.values.map((v, i) => [sx(i + 1), sy(v)] as const);
      let d = "";
      pts.forEach(([x, y], i) => {
        if (!Number.isFinite(s.values[i])) return;
        const move = i === 0 || !Number.isFinite(s.values[i - 1]);
        d += `${move ? "M" : "L"}${x.toFixed(1)},${y.toFixed(1)}`;
      });
      if (d) out.push(`<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
      // Dots only while there are few epochs; with many they clutter the line.
      if (s.values.length <= 30) {
        pts.forEach(([x, y], i) => {
          if (Number.isFinite(s.values[i])) out.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="2.5" fill="${s.color}"/>`);
        });
      }
    }
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="${FONT_FAMILY}">${out.join("")}</svg>`;
}
