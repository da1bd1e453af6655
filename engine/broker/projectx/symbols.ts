import { type ContractName, contractName, parseContract, type SymbolMap, symbolMap } from "../../symbols.js";

/**
 * ProjectX's contract ids (projectx-protocol.md): `CON.F.US.<root>.<month><two-digit year>`, with
 * product roots of its own where they differ from CME's (EP is ES, ENQ is NQ, GCE is GC …). The
 * engine keeps canonical names (ESZ6); these turn one into the other, by root, month and year,
 * never guessing a month. Roots not in the table are the same as CME's (MES, MNQ, MGC …); a
 * connection's `symbols` adds to or overrides the table where a firm names a product otherwise.
 */
export const PROJECTX_ROOTS: Readonly<Record<string, string>> = Object.freeze({
  ES: "EP",
  NQ: "ENQ",
  GC: "GCE",
  CL: "CLE",
  SI: "SIE",
  NG: "NGE",
});

/** The table above with a connection's own entries on top. */
export function projectxRoots(overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { ...PROJECTX_ROOTS, ...overrides };
}

/** The ProjectX symbol map: the table above with a connection's own entries on top. */
export function projectxSymbols(overrides: Readonly<Record<string, string>> = {}): SymbolMap {
  return symbolMap(projectxRoots(overrides));
}

const ID = /^CON\.F\.US\.([A-Z0-9]+)\.([FGHJKMNQUVXZ])(\d{2})$/;

export interface ProjectXContract {
  /** ProjectX's root, e.g. EP. */
  root: string;
  month: string;
  /** Four-digit year. */
  year: number;
}

export function parseProjectXId(id: string): ProjectXContract | undefined {
  const m = ID.exec(id);
  if (!m) return undefined;
  return { root: m[1]!, month: m[2]!, year: 2000 + Number(m[3]) };
}

/** CON.F.US.EP.Z26 → ESZ6 (undefined for an id that is not a futures contract id). */
export function canonicalOf(id: string, symbols: SymbolMap): string | undefined {
  const c = parseProjectXId(id);
  if (!c) return undefined;
  return contractName({ root: symbols.toCanonical(c.root), month: c.month, year: c.year % 10 });
}

/**
 * ESZ6 → CON.F.US.EP.Z26. A one-digit year names the decade nearest `now` that is not past: the
 * contract expires this year or within the next nine (a contract more than a year old no longer
 * trades).
 */
export function projectxIdOf(canonical: string, symbols: SymbolMap, now: number): string | undefined {
  const parts = parseContract(canonical);
  if (!parts) return undefined;
  const year = fullYear(parts, now);
  return `CON.F.US.${symbols.toBroker(parts.root)}.${parts.month}${String(year % 100).padStart(2, "0")}`;
}

/** The four-digit year a one-digit contract year means at `now`. */
export function fullYear(parts: ContractName, now: number): number {
  const thisYear = new Date(now).getUTCFullYear();
  let year = thisYear - (thisYear % 10) + parts.year;
  if (year < thisYear - 1) year += 10;
  return year;
}

/** ProjectX's symbolId for a contract id: CON.F.US.EP.Z26 → F.US.EP. */
export function symbolIdOf(id: string): string {
  const c = parseProjectXId(id);
  return c ? `F.US.${c.root}` : id;
}
