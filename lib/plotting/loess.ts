/**
 * Local polynomial regression (LOESS) on one predictor, as R's `loess(y ~ x)` with its defaults
 * (span 0.75, degree 2, gaussian family) computes it directly (`surface = "direct"`): at each point,
 * a weighted least-squares polynomial through the nearest span * n observations, weighted by the
 * tricube of their distance. ggplot2's `geom_smooth(method = "loess")`, which R keras's
 * `plot(history)` draws, evaluates it at 80 points across the data.
 */

export interface LoessOptions {
  /** Fraction of the points each local fit uses (R's default 0.75). */
  span?: number;
  /** Degree of the local polynomial, 1 or 2 (R's default 2). */
  degree?: 1 | 2;
}

/** Solves the small symmetric system A b = r (Gaussian elimination with partial pivoting). */
function solve(a: number[][], r: number[]): number[] | null {
  const n = r.length;
  const m = a.map((row, i) => [...row, r[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let i = c + 1; i < n; i++) if (Math.abs(m[i][c]) > Math.abs(m[p][c])) p = i;
    if (Math.abs(m[p][c]) < 1e-12) return null;
    [m[c], m[p]] = [m[p], m[c]];
    for (let i = c + 1; i < n; i++) {
      const f = m[i][c] / m[c][c];
      for (let j = c; j <= n; j++) m[i][j] -= f * m[c][j];
    }
  }
  const b = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = m[i][n];
    for (let j = i + 1; j < n; j++) s -= m[i][j] * b[j];
    b[i] = s / m[i][i];
  }
  return b;
}

/**
 * The LOESS fit of y on x evaluated at each of `at`. Needs at least degree + 1 distinct x values;
 * points with a non-finite x or y are left out.
 */
export function loess(x: ArrayLike<number>, y: ArrayLike<number>, at: ArrayLike<number>, options: LoessOptions = {}): number[] {
  const span = options.span ?? 0.75;
  const degree = options.degree ?? 2;
  if (x.length !== y.length) throw new Error(`loess: x has ${x.length} values, y ${y.length}`);
  if (!(span > 0)) throw new Error(`loess: span must be positive, got ${span}`);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (Number.isFinite(x[i]) && Number.isFinite(y[i])) {
      xs.push(x[i]);
      ys.push(y[i]);
    }
  }
  const n = xs.length;
  if (new Set(xs).size < degree + 1) throw new Error(`loess: needs at least ${degree + 1} distinct x values, got ${new Set(xs).size}`);
  const q = Math.min(n, Math.max(degree + 1, Math.floor(n * span + 1e-5)));
  const out: number[] = [];
  for (let k = 0; k < at.length; k++) {
    const x0 = at[k];
    const dist = xs.map((v) => Math.abs(v - x0));
    let h = [...dist].sort((a, b) => a - b)[q - 1];
    // With span > 1 R widens the neighbourhood beyond the farthest point.
    if (span > 1) h *= span;
    // Centre and scale x around x0 for a well-conditioned fit.
    const scale = h > 0 ? h : 1;
    const p = degree + 1;
    const ata = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    const atr = new Array<number>(p).fill(0);
    for (let i = 0; i < n; i++) {
      const u = h > 0 ? dist[i] / h : 0;
      if (u >= 1) continue;
      const w = (1 - u * u * u) ** 3;
      const t = (xs[i] - x0) / scale;
      const basis = degree === 2 ? [1, t, t * t] : [1, t];
      for (let a = 0; a < p; a++) {
        atr[a] += w * basis[a] * ys[i];
        for (let b = 0; b < p; b++) ata[a][b] += w * basis[a] * basis[b];
      }
    }
    const beta = solve(ata, atr);
    // At t = 0 the local polynomial's value is its constant term.
    out.push(beta === null ? NaN : beta[0]);
  }
  return out;
}

/** `count` evenly spaced points from min to max, as ggplot2's smooth uses (80). */
export function evenGrid(min: number, max: number, count = 80): number[] {
  if (count < 2 || min === max) return [min];
  return Array.from({ length: count }, (_, i) => min + ((max - min) * i) / (count - 1));
}
