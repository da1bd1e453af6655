/**
 * Tradovate contract names: root + month code + single-digit year (ESZ6 = Dec 2026).
 * Roots exist for the whitelist and the micro/mini mapping; the month is never guessed.
 */

export const MONTH_CODES = "FGHJKMNQUVXZ";

export interface ContractName {
  root: string;
  month: string;
  year: number;
}

const CONTRACT = /^([A-Z0-9]+?)([FGHJKMNQUVXZ])(\d)$/;

export function parseContract(name: string): ContractName | undefined {
  const m = CONTRACT.exec(name.toUpperCase());
  if (!m) return undefined;
  return { root: m[1]!, month: m[2]!, year: Number(m[3]) };
}

/** ESZ6 → ES, MESZ6 → MES. A name that is not a contract is returned as it is. */
export function rootOf(contract: string): string {
  return parseContract(contract)?.root ?? contract.toUpperCase();
}

const MINI_TO_MICRO: Record<string, string> = {
  ES: "MES",
  NQ: "MNQ",
  YM: "MYM",
  RTY: "M2K",
  CL: "MCL",
  GC: "MGC",
};
const MICRO_TO_MINI: Record<string, string> = Object.fromEntries(
  Object.entries(MINI_TO_MICRO).map(([mini, micro]) => [micro, mini]),
);

export type ContractMapping = "none" | "toMicro" | "toMini";

/** Swap the root (NQZ6 → MNQZ6 for toMicro), keeping month and year. Unmapped roots pass through. */
export function mapContract(contract: string, mapping: ContractMapping): string {
  if (mapping === "none") return contract;
  const parsed = parseContract(contract);
  if (!parsed) return contract;
  const table = mapping === "toMicro" ? MINI_TO_MICRO : MICRO_TO_MINI;
  const root = table[parsed.root];
  return root ? `${root}${parsed.month}${parsed.year}` : contract;
}

/** The same product's other size, same month: ESZ6 ↔ MESZ6; undefined for a root without a pair. */
export function otherSizeOf(contract: string): string | undefined {
  const micro = mapContract(contract, "toMicro");
  if (micro !== contract) return micro;
  const mini = mapContract(contract, "toMini");
  return mini !== contract ? mini : undefined;
}

/** A canonical contract name from its parts: ES, Z, 6 → ESZ6. */
export function contractName(parts: ContractName): string {
  return `${parts.root}${parts.month}${parts.year}`;
}

/**
 * How one broker names product roots. Inside the engine every contract has its canonical name
 * (root + month + one-digit year, CME roots: ESZ6); each broker adapter maps to and from its own
 * names with one of these, so the whitelist, the micro/mini mapping and the contract month mean
 * the same at every broker, and a copy across brokers keeps root, month and year.
 */
export interface SymbolMap {
  /** The broker's root for a canonical root: ES → EP at ProjectX, ES at Tradovate. */
  toBroker(root: string): string;
  /** The canonical root for a broker's root: EP → ES. A root the map does not name passes as it is. */
  toCanonical(brokerRoot: string): string;
}

/** Tradovate names contracts as the engine does. */
export const SAME_SYMBOLS: SymbolMap = Object.freeze({
  toBroker: (root: string) => root.toUpperCase(),
  toCanonical: (root: string) => root.toUpperCase(),
});

/** Two canonical roots a table gives one broker root (the way back would not be one way), if any. */
export function sharedBrokerRoot(
  canonicalToBroker: Readonly<Record<string, string>>,
): { roots: [string, string]; broker: string } | undefined {
  const back = new Map<string, string>();
  for (const [canonical, broker] of Object.entries(canonicalToBroker)) {
    const c = canonical.toUpperCase();
    const b = broker.toUpperCase();
    const other = back.get(b);
    if (other !== undefined && other !== c) return { roots: [other, c], broker: b };
    back.set(b, c);
  }
  return undefined;
}

/**
 * A map from canonical roots to a broker's roots (roots not listed are the same at the broker).
 * Throws when two canonical roots would share one broker root: the way back must be one way.
 */
export function symbolMap(canonicalToBroker: Readonly<Record<string, string>>): SymbolMap {
  const shared = sharedBrokerRoot(canonicalToBroker);
  if (shared)
    throw new Error(`symbol map: ${shared.roots.join(" and ")} both map to the broker root ${shared.broker}`);
  const out = new Map<string, string>();
  const back = new Map<string, string>();
  for (const [canonical, broker] of Object.entries(canonicalToBroker)) {
    const c = canonical.toUpperCase();
    const b = broker.toUpperCase();
    out.set(c, b);
    back.set(b, c);
  }
  return Object.freeze({
    toBroker: (root: string) => {
      const r = root.toUpperCase();
      return out.get(r) ?? r;
    },
    toCanonical: (root: string) => {
      const r = root.toUpperCase();
      return back.get(r) ?? r;
    },
  });
}

/**
 * The instrument family of a contract, for rules that treat a mini and its micro as one
 * instrument (the hedge guard): ESZ6, ESH7 and MESZ6 → ES; NQ and MNQ → NQ; CL and MCL → CL.
 */
export function familyOf(contract: string): string {
  const root = rootOf(contract);
  return MICRO_TO_MINI[root] ?? root;
}
