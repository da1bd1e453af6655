import { jsonPath, type Problem } from "./problems.js";
import type { Config } from "./schema.js";

/**
 * CME Group futures roots a copier's traders use (Tradovate's and ProjectX's products), for one
 * check: a whitelist entry not among them is most likely a typo, and a typo in a whitelist skips
 * every copy of the root meant ("not whitelisted") without another word. A root missing here only
 * costs a warning: nothing is refused for it.
 */
export const KNOWN_ROOTS: ReadonlySet<string> = new Set([
  // Equity indexes, minis and micros
  ...["ES", "MES", "NQ", "MNQ", "YM", "MYM", "RTY", "M2K", "EMD", "NKD", "MNK"],
  // Energy
  ...["CL", "MCL", "QM", "NG", "QG", "MNG", "HO", "RB", "BZ"],
  // Metals
  ...["GC", "MGC", "SI", "SIL", "HG", "MHG", "PL", "PA", "QO", "QI"],
  // Interest rates, and their micros
  ...["ZB", "ZN", "ZF", "ZT", "UB", "TN", "TWE", "SR3", "2YY", "5YY", "10Y", "30Y"],
  // Grains, oilseeds, livestock, and the micro grains
  ...["ZC", "ZS", "ZW", "ZL", "ZM", "ZO", "ZR", "KE", "LE", "HE", "GF", "MZC", "MZS", "MZW", "MZL", "MZM"],
  // Currencies, and their micros
  ...["6A", "6B", "6C", "6E", "6J", "6S", "6N", "6M", "E7", "J7", "M6A", "M6B", "M6E", "MCD", "MJY", "MSF"],
  // Crypto
  ...["BTC", "MBT", "ETH", "MET"],
]);

/** The whitelist entries of each group that are not roots mimik knows, nor a connection's own. */
export function whitelistWarnings(config: Config, file: string): Problem[] {
  const own = ownRoots(config);
  const warnings: Problem[] = [];
  config.groups.forEach((group, g) => {
    group.whitelist.symbols.forEach((symbol, s) => {
      if (isKnownRoot(symbol, own)) return;
      warnings.push({
        file,
        path: jsonPath(["groups", g, "whitelist", "symbols", s]),
        message: unknownRootWords([symbol], group.name),
        fix: "check the spelling (a root such as ES, NQ, MES, CL), or leave it if your broker lists it",
      });
    });
  });
  return warnings;
}

/** What the console's whitelist field says under an entry it does not know. */
export function unknownRootWords(symbols: readonly string[], group?: string): string {
  const whose = group === undefined ? "" : ` in group "${group}"`;
  const what = symbols.length === 1 ? "is not a futures root" : "are not futures roots";
  return `${symbols.join(", ")}${whose} ${what} mimik knows: a typo there skips every copy of the root meant as "not whitelisted"`;
}

/** Roots the config names itself: a ProjectX connection's own symbol map. */
export function ownRoots(config: Pick<Config, "connections">): ReadonlySet<string> {
  const roots = new Set<string>();
  for (const c of config.connections)
    if ("symbols" in c && c.symbols) for (const root of Object.keys(c.symbols)) roots.add(root.toUpperCase());
  return roots;
}

export function isKnownRoot(symbol: string, own: ReadonlySet<string> = new Set()): boolean {
  const root = symbol.toUpperCase();
  return KNOWN_ROOTS.has(root) || own.has(root);
}
