/**
 * A working order's prices as a trader reads them, the same on the console, in headless lines
 * and in `mimik log`: "6820" (a limit), "6790" (a stop), "6790/6789.75" (a stop-limit: trigger
 * then limit), "6790 (trail 4)" (a trailing stop: its stop now and how far it follows the price;
 * without the distance a trailing stop reads as a plain stop that will not move).
 */
export function priceWords(o: {
  price?: number | undefined;
  stopPrice?: number | undefined;
  trail?: number | undefined;
}): string {
  const prices =
    o.stopPrice !== undefined && o.price !== undefined
      ? `${o.stopPrice}/${o.price}`
      : String(o.stopPrice ?? o.price ?? "");
  if (o.trail === undefined) return prices;
  return prices === "" ? `(trail ${o.trail})` : `${prices} (trail ${o.trail})`;
}
