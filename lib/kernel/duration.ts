/** Formatting of times, counts and rates for the progress displays (training panel, work progress). */

/** A duration for people: "850 ms", "12.3 s", "4 min 5 s", "2 h 3 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return "-";
  if (ms < 1000) return `${Math.round(Math.max(0, ms))} ms`;
  const s = ms / 1000;
  if (s < 59.95) return `${s.toFixed(1)} s`;
  // Round to whole seconds first, so 119.6 s is "2 min 0 s", not "1 min 60 s".
  const whole = Math.round(s);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${whole % 60} s`;
  const minutes = Math.round(whole / 60);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

/** A whole number with thousands separators: 5257 -> "5,257". */
export function formatCount(n: number): string {
  const sign = n < 0 ? "-" : "";
  return sign + String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** Items per second, with as many digits as are worth reading: "427", "42.7", "4.3", "0.043". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return "-";
  if (perSecond >= 100) return formatCount(perSecond);
  if (perSecond >= 10) return perSecond.toFixed(1);
  if (perSecond === 0) return "0";
  return perSecond.toPrecision(2);
}
