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
