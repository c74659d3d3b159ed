/** Ordinary least squares for one input, the baseline R's `lm(y ~ x)` gives the course. */
export interface LinearFit {
  intercept: number;
  slope: number;
  /** R² on the data it was fitted to. */
  rSquared: number;
  predict(x: readonly number[]): number[];
}

export function fitLinear(x: readonly number[], y: readonly number[]): LinearFit {
  if (x.length !== y.length) throw new Error(`fitLinear: ${x.length} x values but ${y.length} y values`);
  if (x.length < 2) throw new Error("fitLinear: need at least two points");
  if (![...x, ...y].every(Number.isFinite)) throw new Error("fitLinear: x and y must be finite numbers");
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  if (sxx === 0) throw new Error("fitLinear: all x values are equal, the slope is undefined");
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  const rSquared = syy === 0 ? 1 : (sxy * sxy) / (sxx * syy);
  return { intercept, slope, rSquared, predict: (xs) => xs.map((v) => intercept + slope * v) };
}
