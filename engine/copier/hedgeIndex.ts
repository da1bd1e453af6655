import type { Config } from "../../data/schema.js";
import { familyOf } from "../symbols.js";

/** Whether followers of the same firm, outside the asking follower's group, hold long or short. */
export interface HedgeSides {
  readonly long: boolean;
  readonly short: boolean;
}

const SIDES: readonly HedgeSides[] = [
  Object.freeze({ long: false, short: false }),
  Object.freeze({ long: true, short: false }),
  Object.freeze({ long: false, short: true }),
  Object.freeze({ long: true, short: true }),
];
export const NO_HEDGE: HedgeSides = SIDES[0]!;

/** Who an account is to the hedge guard: its firm (case folded) and its group. */
export interface HedgeMember {
  firm: string;
  group: string;
  /** false for a shadow follower: it is judged, but what its account holds is held against no one. */
  holds?: boolean | undefined;
}

interface Counts {
  long: number;
  short: number;
}

interface Held {
  account: string;
  family: string;
  sign: number;
}

/**
 * Issue 16, the hedge guard's index: for each firm and instrument family (ES with MES, NQ with MNQ
 * …), how many follower lines are long and how many short, in all and per group. The follower book
 * tells it each watched line's position (broker-reported plus in flight) as it changes, so the
 * copy rule reads its answer from two map lookups instead of scanning accounts, and accounts that
 * name no firm cost one lookup.
 *
 * A follower's own group is left out of its answer: its group follows one leader, so a leader's
 * flip moves every one of them the same way within one fan-out, and judging them one at a time
 * against each other would hold back every flip's opening. What the guard is for is two groups (two
 * leaders) putting one firm's accounts on both sides.
 */
export class HedgeIndex {
  private enabled = true;
  /** account → the keys of its firm and of its firm's part in its group. */
  private members = new Map<string, { firm: string; group: string; holds: boolean }>();
  private readonly held = new Map<string, Held>();
  private readonly families = new Map<string, string>();
  /** firm → family → lines long and short; the same per firm and group. */
  private readonly byFirm = new Map<string, Map<string, Counts>>();
  private readonly byGroup = new Map<string, Map<string, Counts>>();

  /**
   * Who belongs to which firm and group (accounts without a firm are never guarded, nor held
   * against anyone); `enabled` false turns the guard off.
   */
  setMembers(members: ReadonlyMap<string, HedgeMember>, enabled: boolean): void {
    this.enabled = enabled;
    this.members = new Map();
    for (const [account, m] of members)
      this.members.set(account, {
        firm: m.firm,
        group: `${m.firm}\u0000${m.group}`,
        holds: m.holds !== false,
      });
    this.held.clear();
    this.byFirm.clear();
    this.byGroup.clear();
  }

  /**
   * Whether an account's positions count for anyone: only then is it worth telling the index
   * (update) as they move. After setMembers, the caller tells it every line of those accounts.
   */
  watches(account: string): boolean {
    return this.enabled && this.members.get(account)?.holds === true;
  }

  /** A follower line may have moved: followed when the guard watches the account (read only then). */
  moved(
    account: string,
    contract: string,
    book: { position(account: string, contract: string): number },
  ): void {
    if (this.watches(account)) this.update(account, contract, book.position(account, contract));
  }

  /** A follower line's position (with what is in flight) is now `position`. */
  update(account: string, contract: string, position: number): void {
    const key = `${account}\u0000${contract}`;
    const sign = Math.sign(position);
    const before = this.held.get(key);
    if ((before?.sign ?? 0) === sign) return;
    if (before) {
      this.count(before, -1);
      this.held.delete(key);
    }
    if (sign === 0) return;
    const h: Held = { account, family: this.family(contract), sign };
    this.held.set(key, h);
    this.count(h, 1);
  }

  /** The sides held by this account's firm outside its group in the contract's family. */
  sides(account: string, contract: string): HedgeSides {
    if (!this.enabled) return NO_HEDGE;
    const m = this.members.get(account);
    if (!m) return NO_HEDGE;
    const family = this.family(contract);
    const all = this.byFirm.get(m.firm)?.get(family);
    if (!all) return NO_HEDGE;
    const own = this.byGroup.get(m.group)?.get(family);
    const long = all.long - (own?.long ?? 0) > 0;
    const short = all.short - (own?.short ?? 0) > 0;
    return SIDES[(long ? 1 : 0) + (short ? 2 : 0)]!;
  }

  private count(h: Held, by: 1 | -1): void {
    const m = this.members.get(h.account);
    if (!m?.holds) return;
    bump(this.byFirm, m.firm, h, by);
    bump(this.byGroup, m.group, h, by);
  }

  private family(contract: string): string {
    let f = this.families.get(contract);
    if (f === undefined) {
      f = familyOf(contract);
      this.families.set(contract, f);
    }
    return f;
  }
}

function bump(map: Map<string, Map<string, Counts>>, key: string, h: Held, by: 1 | -1): void {
  let families = map.get(key);
  if (!families) {
    families = new Map();
    map.set(key, families);
  }
  let c = families.get(h.family);
  if (!c) {
    c = { long: 0, short: 0 };
    families.set(h.family, c);
  }
  if (h.sign > 0) c.long += by;
  else c.short += by;
}

/**
 * The followers the guard knows, from the config: each follower whose account names a firm, with
 * its group. A shadow follower's openings are judged against the others like any follower's, but
 * nothing of it is held against anyone: its position is not at the broker.
 */
export function hedgeMembers(config: Config): Map<string, HedgeMember> {
  const firms = new Map<string, string>();
  for (const a of config.accounts) if (a.firm !== undefined) firms.set(a.name, a.firm.toUpperCase());
  const members = new Map<string, HedgeMember>();
  for (const g of config.groups) {
    for (const f of g.followers) {
      const firm = firms.get(f.account);
      if (firm !== undefined) members.set(f.account, { firm, group: g.name, holds: f.shadow !== true });
    }
  }
  return members;
}
