/**
 * A P&L line in one row of text: ▁▂▃▄▅▆▇█, one character per point, the scale from the lowest to
 * the highest value with zero always inside it (a day that only made money rises from the floor).
 * More points than room: each character stands for the last point of its stretch, which for a
 * running total is the total at that moment.
 */

const BARS = "▁▂▃▄▅▆▇█";

export function sparkline(values: readonly number[], width: number): string {
  const w = Math.max(0, Math.floor(width));
  if (w === 0 || values.length === 0) return "";
  const points = values.length <= w ? values : resample(values, w);
  const lo = Math.min(0, ...points);
  const hi = Math.max(0, ...points);
  if (hi === lo) return BARS[0]!.repeat(points.length);
  return points
    .map((v) => BARS[Math.min(BARS.length - 1, Math.floor(((v - lo) / (hi - lo)) * BARS.length))]!)
    .join("");
}

/** `width` points: the last value of each of `width` equal stretches. */
function resample(values: readonly number[], width: number): number[] {
  return Array.from({ length: width }, (_, i) => values[Math.ceil(((i + 1) * values.length) / width) - 1]!);
}
